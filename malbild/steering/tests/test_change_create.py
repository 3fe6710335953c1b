from datetime import date

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.steering.tests.builders import (
    changes,
    fresh,
    make_adopted_target_vision,
    make_document,
)


def change_url(org, document):
    return reverse("steering:change_create", args=[org.slug, document.pk])


def change_data(**overrides):
    return {
        "kind": "not_adopted",
        "date": "2023-11-09",
        "description": "Regeringen beslutade att inte anta Skolverkets förslag.",
        "source": "Regeringsbeslut U2023/03271",
        "source_url": "https://www.regeringen.se/beslut",
        **overrides,
    }


@pytest.mark.django_db
def test_an_admin_adds_a_change_and_it_is_audited(client, cast):
    document = make_document(cast.org, "Förslag till nationell digitaliseringsstrategi 2023–2027")
    client.force_login(cast.admin)
    response = client.get(change_url(cast.org, document))
    assert response.status_code == 200
    assert 'type="date"' in response.content.decode()
    response = client.post(change_url(cast.org, document), change_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("steering:detail", args=[cast.org.slug, document.pk])
    [change] = changes(cast.org)
    assert change.document == document
    assert change.kind == "not_adopted"
    assert change.date == date(2023, 11, 9)
    assert change.source == "Regeringsbeslut U2023/03271"
    [event] = audit_events(action="steering.change_added", target_id=str(change.pk))
    assert event.actor == cast.admin
    assert event.organisation == cast.org


@pytest.mark.django_db
def test_a_change_flags_the_adopted_målbild_that_cites_the_document_and_says_so(client, cast):
    document = make_document(cast.org, "Skollagen")
    version = make_adopted_target_vision(cast.org, document)
    client.force_login(cast.admin)
    response = client.post(change_url(cast.org, document), change_data(kind="in_force"),
                           follow=True)  # fmt: skip
    flagged = fresh(version)
    assert "Skollagen" in flagged.review_flag
    assert audit_events(action="targets.flagged_for_review", target_id=str(version.pk))
    [message] = [str(m) for m in response.context["messages"]]
    assert "Digitalt lärande för alla" in message


@pytest.mark.django_db
def test_a_change_leaves_a_målbild_that_does_not_cite_the_document_alone(client, cast):
    cited = make_document(cast.org, "Lokal IT-plan", kind="policy", level="local")
    document = make_document(cast.org, "Skollagen")
    version = make_adopted_target_vision(cast.org, cited)
    client.force_login(cast.admin)
    response = client.post(change_url(cast.org, document), change_data(), follow=True)
    assert fresh(version).review_flag == ""
    assert audit_events(action="targets.flagged_for_review") == []
    [message] = [str(m) for m in response.context["messages"]]
    assert "Digitalt lärande för alla" not in message


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["", "   "])
def test_a_change_without_a_source_is_refused(client, cast, source):
    document = make_document(cast.org)
    version = make_adopted_target_vision(cast.org, document)
    client.force_login(cast.admin)
    response = client.post(change_url(cast.org, document), change_data(source=source))
    assert response.status_code == 200
    assert "source" in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert changes(cast.org) == []
    assert fresh(version).review_flag == ""
    assert audit_events(action="steering.change_added") == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["9 november 2023", "2023-13-01", "2023-02-30", "igår", ""])
def test_a_malformed_date_is_refused(client, cast, value):
    document = make_document(cast.org)
    client.force_login(cast.admin)
    response = client.post(change_url(cast.org, document), change_data(date=value))
    assert response.status_code == 200
    assert "date" in response.context["form"].errors
    assert changes(cast.org) == []


@pytest.mark.django_db
def test_a_javascript_source_link_is_refused(client, cast):
    document = make_document(cast.org)
    client.force_login(cast.admin)
    response = client.post(
        change_url(cast.org, document), change_data(source_url="javascript:alert(1)")
    )
    assert response.status_code == 200
    assert "source_url" in response.context["form"].errors
    assert changes(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value"), [("kind", "rumoured"), ("description", " ")])
def test_an_unknown_kind_or_an_empty_description_is_refused(client, cast, field, value):
    document = make_document(cast.org)
    client.force_login(cast.admin)
    response = client.post(change_url(cast.org, document), change_data(**{field: value}))
    assert field in response.context["form"].errors
    assert changes(cast.org) == []


@pytest.mark.django_db
def test_the_source_link_is_optional(client, cast):
    document = make_document(cast.org)
    client.force_login(cast.admin)
    response = client.post(change_url(cast.org, document), change_data(source_url=""))
    assert response.status_code == 302
    assert changes(cast.org)[0].source_url == ""


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "elected", "rektor", "reader"])
def test_only_admins_may_add_a_change(client, cast, who):
    document = make_document(cast.org)
    version = make_adopted_target_vision(cast.org, document)
    client.force_login(getattr(cast, who))
    assert client.get(change_url(cast.org, document)).status_code == 403
    assert client.post(change_url(cast.org, document), change_data()).status_code == 403
    assert changes(cast.org) == []
    assert fresh(version).review_flag == ""


@pytest.mark.django_db
def test_another_organisations_admin_gets_404_and_changes_nothing(client, cast):
    document = make_document(cast.org)
    client.force_login(cast.ekby_admin)
    assert client.get(change_url(cast.org, document)).status_code == 404
    assert client.post(change_url(cast.org, document), change_data()).status_code == 404
    assert client.post(change_url(cast.ekby, document), change_data()).status_code == 404
    assert changes(cast.org) == []
    assert changes(cast.ekby) == []
