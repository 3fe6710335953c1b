import re

import pytest
from django.core import mail
from django.urls import reverse

from conftest import audit_events, make_user
from malbild.accounts.models import User
from malbild.lib.tests.htmx import htmx
from malbild.tenants.models import Invitation, Membership
from malbild.tenants.scope import scope, unscoped


def url(name, org, *args):
    return reverse(f"tenants:{name}", args=[org.slug, *args])


def roles_of(user, org):
    with scope(org):
        return sorted((m.role, m.unit_id) for m in Membership.objects.filter(user=user))


@pytest.mark.django_db
def test_the_people_page_is_for_those_who_manage_people(client, cast):
    client.force_login(cast.teacher)
    assert client.get(url("people", cast.org)).status_code == 403
    client.force_login(cast.admin)
    html = client.get(url("people", cast.org)).content.decode()
    assert "rektor@mittkoping.test" in html
    assert "admin@ekby.test" not in html


@pytest.mark.django_db
def test_a_rektor_sees_only_the_people_of_their_school(client, cast):
    client.force_login(cast.rektor)
    html = client.get(url("people", cast.org)).content.decode()
    assert "larare@mittkoping.test" in html
    assert "politiker@mittkoping.test" not in html
    assert client.get(url("person_detail", cast.org, cast.elected.pk)).status_code == 404


@pytest.mark.django_db
def test_an_admin_gives_and_takes_a_role_and_both_are_audited(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        url("role_grant", cast.org, cast.teacher.pk), {"role": "unit_lead", "unit": cast.team.pk}
    )
    assert response.status_code == 302
    assert ("unit_lead", cast.team.pk) in roles_of(cast.teacher, cast.org)
    with scope(cast.org):
        membership = Membership.objects.get(user=cast.teacher, role="unit_lead")
    response = client.post(url("role_revoke", cast.org, cast.teacher.pk, membership.pk))
    assert response.status_code == 302
    assert ("unit_lead", cast.team.pk) not in roles_of(cast.teacher, cast.org)
    assert audit_events(action="tenants.role_given")
    assert audit_events(action="tenants.role_taken")


@pytest.mark.django_db
def test_a_rektor_may_give_staff_roles_in_the_school_but_nothing_more(client, cast):
    colleague = make_user("kollega@mittkoping.test")
    from conftest import give_role

    give_role(colleague, cast.org, "viewer", cast.team)
    client.force_login(cast.rektor)
    ok = client.post(
        url("role_grant", cast.org, colleague.pk), {"role": "staff", "unit": cast.team.pk}
    )
    assert ok.status_code == 302
    refused = client.post(url("role_grant", cast.org, colleague.pk), {"role": "admin", "unit": ""})
    assert refused.status_code == 403
    refused = client.post(
        url("role_grant", cast.org, colleague.pk), {"role": "staff", "unit": cast.other_school.pk}
    )
    assert refused.status_code == 403
    assert roles_of(colleague, cast.org) == sorted(
        [("viewer", cast.team.pk), ("staff", cast.team.pk)]
    )


@pytest.mark.django_db
def test_a_role_for_another_organisations_unit_answers_404(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        url("role_grant", cast.org, cast.teacher.pk), {"role": "staff", "unit": cast.ekby_school.pk}
    )
    assert response.status_code == 404
    assert roles_of(cast.teacher, cast.org) == [("staff", cast.school.pk)]


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{"role": "kung", "unit": ""}, {"role": "staff", "unit": "x"}])
def test_bad_role_input_changes_nothing(client, cast, data):
    client.force_login(cast.admin)
    response = client.post(url("role_grant", cast.org, cast.teacher.pk), data)
    assert response.status_code in {400, 404}
    assert roles_of(cast.teacher, cast.org) == [("staff", cast.school.pk)]


@pytest.mark.django_db
def test_the_same_role_twice_is_refused_with_a_message(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        url("role_grant", cast.org, cast.teacher.pk), {"role": "staff", "unit": cast.school.pk}
    )
    assert response.status_code == 400
    assert roles_of(cast.teacher, cast.org) == [("staff", cast.school.pk)]


@pytest.mark.django_db
def test_the_last_administrator_for_everything_cannot_be_removed(client, cast):
    client.force_login(cast.admin)
    with scope(cast.org):
        membership = Membership.objects.get(user=cast.admin, role="admin")
    client.post(url("role_revoke", cast.org, cast.admin.pk, membership.pk))
    assert ("admin", None) in roles_of(cast.admin, cast.org)


def invite(client, cast, **data):
    return client.post(
        url("person_invite", cast.org),
        {
            "email": "ny@mittkoping.test",
            "name": "Nina Ny",
            "role": "staff",
            "unit": cast.school.pk,
            **data,
        },
    )


def link_from(message):
    match = re.search(r"https?://[^/\s]+(/inbjudan/\S+)", str(message.body))
    assert match
    return match.group(1)


@pytest.mark.django_db
def test_an_invitation_is_emailed_and_creates_the_account_with_the_role(client, cast):
    client.force_login(cast.rektor)
    assert invite(client, cast).status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ny@mittkoping.test"]
    link = link_from(mail.outbox[0])
    client.logout()

    page = client.get(link)
    assert page.status_code == 200
    assert "Mittköping" in page.content.decode()
    response = client.post(
        link,
        {
            "name": "Nina Ny",
            "password1": "ett långt lösen 2026",
            "password2": "ett långt lösen 2026",
        },
    )
    assert response.status_code == 302
    nina = User.objects.get(email="ny@mittkoping.test")
    assert roles_of(nina, cast.org) == [("staff", cast.school.pk)]
    assert client.session["_auth_user_id"] == str(nina.pk)
    assert audit_events(action="tenants.invitation_accepted", actor=nina)
    assert audit_events(action="tenants.person_invited")


@pytest.mark.django_db
def test_an_invitation_works_only_once(client, cast):
    client.force_login(cast.admin)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    client.logout()
    data = {
        "name": "Nina",
        "password1": "ett långt lösen 2026",
        "password2": "ett långt lösen 2026",
    }
    client.post(link, data)
    client.logout()
    again = client.post(link, data)
    assert again.status_code == 400
    assert User.objects.filter(email="ny@mittkoping.test").count() == 1


@pytest.mark.django_db
def test_a_forged_invitation_changes_nothing(client, cast):
    response = client.get(reverse("invitation", args=["abc:def:ghi"]))
    assert response.status_code == 400
    response = client.post(
        reverse("invitation", args=["abc:def:ghi"]),
        {"name": "X", "password1": "ett långt lösen 2026", "password2": "ett långt lösen 2026"},
    )
    assert response.status_code == 400
    assert not User.objects.filter(name="X").exists()


@pytest.mark.django_db
def test_an_expired_invitation_changes_nothing(client, cast, settings):
    from datetime import timedelta
    from unittest.mock import patch

    from malbild.tenants import services

    client.force_login(cast.admin)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    client.logout()
    eight_days = (services.INVITATION_DAYS + 1) * 24 * 60 * 60
    import time

    later = time.time() + eight_days
    with patch("django.core.signing.time.time", return_value=later):
        response = client.get(link)
    assert response.status_code == 400
    with unscoped():
        assert Invitation.objects.get().accepted_at is None
    assert timedelta(seconds=eight_days) > timedelta(days=services.INVITATION_DAYS)


@pytest.mark.django_db
def test_an_existing_person_logs_in_to_accept(client, cast):
    client.force_login(cast.admin)
    invite(client, cast, email="rektor@mittkoping.test", role="viewer", unit="")
    link = link_from(mail.outbox[0])
    client.logout()
    assert "Logga in" in client.get(link).content.decode()
    client.force_login(cast.rektor)
    assert client.post(link).status_code == 302
    assert ("viewer", None) in roles_of(cast.rektor, cast.org)


@pytest.mark.django_db
def test_someone_else_logged_in_cannot_take_the_invitation(client, cast):
    client.force_login(cast.admin)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    client.force_login(cast.teacher)
    client.post(link)
    assert roles_of(cast.teacher, cast.org) == [("staff", cast.school.pk)]
    with unscoped():
        assert Invitation.objects.get().accepted_at is None


@pytest.mark.django_db
def test_a_rektor_cannot_invite_an_administrator(client, cast):
    client.force_login(cast.rektor)
    response = invite(client, cast, role="admin", unit="")
    assert response.status_code == 200
    assert mail.outbox == []
    with unscoped():
        assert not Invitation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [{"email": "inte-en-adress"}, {"email": ""}, {"role": "kung"}, {"name": "x" * 151}],
)
def test_bad_invitation_input_gets_a_message_and_sends_nothing(client, cast, data):
    client.force_login(cast.admin)
    response = invite(client, cast, **data)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_weak_password_on_acceptance_is_explained(client, cast):
    client.force_login(cast.admin)
    invite(client, cast)
    link = link_from(mail.outbox[0])
    client.logout()
    response = client.post(link, {"name": "Nina", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert not User.objects.filter(email="ny@mittkoping.test").exists()


@pytest.mark.django_db
def test_a_person_in_several_organisations_chooses_among_them(client, cast):
    from conftest import give_role

    give_role(cast.rektor, cast.ekby, "viewer")
    client.force_login(cast.rektor)
    html = client.get("/").content.decode()
    assert reverse("dashboards:home", args=["mittkoping"]) in html
    assert reverse("dashboards:home", args=["ekby"]) in html


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_the_people_search_with_htmx_answers_the_results_and_counts_them(client, cast):
    client.force_login(cast.admin)
    response = client.get(url("people", cast.org), {"q": "rektor"}, **htmx("people-results"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="people-results">')
    assert "rektor@mittkoping.test" in html
    assert "larare@mittkoping.test" not in html
    assert "1 person shown.</div>" in html
    assert "HX-Request" in response["Vary"]
    client.force_login(cast.teacher)
    refused = client.get(url("people", cast.org), {"q": "rektor"}, **htmx("people-results"))
    assert refused.status_code == 403
