import pytest
from django.urls import reverse

from conftest import make_user


@pytest.mark.django_db
def test_the_technical_admin_works_across_organisations_for_superusers(client, cast):
    client.force_login(make_user("root@test.example", is_staff=True, is_superuser=True))
    for name, obj in [("tenants_orgunit", cast.school), ("tenants_membership", None)]:
        target = (
            reverse(f"admin:{name}_change", args=[obj.pk])
            if obj
            else reverse(f"admin:{name}_changelist")
        )
        assert client.get(target).status_code == 200, name


@pytest.mark.django_db
def test_the_technical_admin_is_closed_to_municipal_administrators(client, cast):
    cast.admin.is_staff = True
    cast.admin.save()
    client.force_login(cast.admin)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def organisation_form(org, **changes):
    return {
        "name": org.name,
        "slug": org.slug,
        "kolada_municipality_id": "",
        "has_public_pages": "on",
        "consent_age": "16",
        "sso_email_domains": "",
        **changes,
    }


@pytest.mark.django_db
def test_a_superuser_sets_the_domains_single_sign_on_may_vouch_for(client, cast):
    from conftest import audit_events

    client.force_login(make_user("root@test.example", is_staff=True, is_superuser=True))
    url = reverse("admin:tenants_organisation_change", args=[cast.org.pk])
    assert "sso_email_domains" in client.get(url).content.decode()
    data = organisation_form(cast.org, sso_email_domains="Mittkoping.se; @edu.mittkoping.se")
    assert client.post(url, data).status_code == 302
    cast.org.refresh_from_db()
    assert cast.org.sso_email_domains == "mittkoping.se, edu.mittkoping.se"
    assert cast.org.vouched_domains() == {"mittkoping.se", "edu.mittkoping.se"}
    event = audit_events(action="tenants.sso_domains_changed")[0]
    assert event.organisation_id == cast.org.pk
    assert event.before == {"sso_email_domains": ""}
    assert event.after == {"sso_email_domains": "mittkoping.se, edu.mittkoping.se"}


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["inte en domän", "kommun", "http://kommun.se", "a@b.se"])
def test_a_malformed_domain_is_refused_and_changes_nothing(client, cast, value):
    from conftest import audit_events

    client.force_login(make_user("root@test.example", is_staff=True, is_superuser=True))
    url = reverse("admin:tenants_organisation_change", args=[cast.org.pk])
    response = client.post(url, organisation_form(cast.org, sso_email_domains=value))
    assert response.status_code == 200
    assert "är ingen domän. Skriv domäner som kommun.se" in response.content.decode()
    cast.org.refresh_from_db()
    assert cast.org.sso_email_domains == ""
    assert not audit_events(action="tenants.sso_domains_changed")
