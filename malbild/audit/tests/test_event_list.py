from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from conftest import make_user
from malbild import audit
from malbild.accounts.models import User
from malbild.audit.forms import ACTION_LABELS
from malbild.audit.models import AuditEvent
from malbild.lib.tests.htmx import htmx
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope, unscoped

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def url(org: Organisation) -> str:
    return reverse("audit:event_list", args=[org.slug])


def member(org: Organisation, email: str, role: str, name: str = ""):
    user = make_user(email, name)
    with scope(org):
        Membership.objects.create(organisation=org, user=user, role=role)
    return user


def event(org: Organisation, action: str, at: datetime | None = None, **fields) -> AuditEvent:
    with scope(org):
        recorded = audit.record(action, organisation=org, **fields)
        if at is not None:  # created_at is set on insert; move it afterwards
            AuditEvent.objects.filter(pk=recorded.pk).update(created_at=at)
    return recorded


def many_events(org: Organisation, count: int, action: str = "tenants.unit_changed") -> None:
    """`count` events by five different people, so that a query per person would show."""
    actors = [
        User.objects.filter(email=f"person{n}@{org.slug}.example").first()
        or make_user(f"person{n}@{org.slug}.example", f"Person {n}")
        for n in range(5)
    ]
    with scope(org):
        AuditEvent.objects.bulk_create(
            AuditEvent(organisation=org, action=action, actor=actors[n % 5], summary=f"Event {n}")
            for n in range(count)
        )


def shown(response) -> list[str]:
    """The summaries of the events on the page, top to bottom."""
    return [row.event.summary for row in response.context["rows"]]


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="Norrby kommun", slug="norrby")


@pytest.fixture
def other_org(db):
    return Organisation.objects.create(name="Söderby kommun", slug="soderby")


@pytest.fixture
def admin(org):
    return member(org, "admin@norrby.example", Membership.Role.ADMIN, "Anna Admin")


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_an_admin_sees_the_events_of_their_own_organisation_only(admin_client, org, other_org):
    event(org, "tenants.unit_created", summary="Ours")
    event(other_org, "tenants.unit_created", summary="Theirs")
    with unscoped():
        assert AuditEvent.objects.filter(summary="Theirs", action="tenants.unit_created").exists()
    response = admin_client.get(url(org))
    assert response.status_code == 200
    assert shown(response) == ["Ours"]
    assert "Theirs" not in response.content.decode()


def test_events_are_listed_newest_first_with_time_person_and_label(admin_client, org, admin):
    event(org, "accounts.login", at=datetime(2025, 3, 1, 9, 0, tzinfo=STOCKHOLM), summary="Old")
    event(org, "tenants.unit_created", actor=admin, summary="New")
    response = admin_client.get(url(org))
    html = response.content.decode()
    assert shown(response) == ["New", "Old"]
    rows = response.context["rows"]
    assert rows[0].action_label == str(ACTION_LABELS["tenants.unit_created"])
    assert rows[1].action_label == str(ACTION_LABELS["accounts.login"])
    assert '<time datetime="2025-03-01T09:00:00+01:00">2025-03-01 09:00</time>' in html
    assert "Anna Admin" in html
    assert "admin@norrby.example" in html
    assert html.count("<h1") == 1
    assert '<th scope="col">' in html
    assert "<caption>" in html


def test_an_unknown_action_code_is_shown_as_itself(admin_client, org):
    event(org, "goals.something_new")
    response = admin_client.get(url(org))
    assert response.context["rows"][0].action_label == "goals.something_new"
    assert "goals.something_new" in response.content.decode()


def test_only_the_changed_keys_are_shown_as_escaped_text(admin_client, org):
    event(
        org,
        "tenants.unit_changed",
        before={"name": "Åsen", "code": "ASEN", "archived": False},
        after={
            "name": "<script>alert(1)</script>",
            "code": "ASEN",
            "archived": True,
            "kolada_ou_id": "",
            "parent": [1, 2],
        },
    )
    response = admin_client.get(url(org))
    changes = response.context["rows"][0].changes
    with translation.override("sv"):
        no, yes = gettext("no"), gettext("yes")
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("archived", no, yes),
        ("name", "Åsen", "<script>alert(1)</script>"),
        ("parent", "–", "[1, 2]"),
    ]
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_organisation_without_events_gets_an_empty_list_not_a_table(admin_client, org):
    response = admin_client.get(url(org))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert "<table" not in response.content.decode()


def test_staff_may_not_see_the_audit_log(client, org):
    client.force_login(member(org, "larare@norrby.example", Membership.Role.STAFF))
    assert client.get(url(org)).status_code == 403


def test_a_member_of_another_organisation_gets_404(client, org, other_org):
    client.force_login(member(other_org, "admin@soderby.example", Membership.Role.ADMIN))
    assert client.get(url(org)).status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, org):
    response = client.get(url(org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_post_is_not_allowed(admin_client, org):
    assert admin_client.post(url(org)).status_code == 405


def test_the_action_filter_offers_and_applies_this_organisations_actions(
    admin_client, org, other_org
):
    event(org, "tenants.unit_created", summary="Created")
    event(org, "tenants.unit_moved", summary="Moved")
    event(other_org, "demo.person_created", summary="Elsewhere")
    response = admin_client.get(url(org), {"action": "tenants.unit_moved"})
    assert shown(response) == ["Moved"]
    choices = [code for code, _label in response.context["form"].fields["action"].choices]
    assert choices[0] == ""
    assert sorted(choices[1:]) == ["tenants.unit_created", "tenants.unit_moved"]
    assert response.context["form"].is_filtering


def test_the_person_filter_matches_name_or_email_in_any_case(admin_client, org):
    asa = make_user("asa.oberg@norrby.example", "Åsa Öberg")
    bo = make_user("bo@norrby.example", "Bo Ek")
    event(org, "tenants.unit_created", actor=asa, summary="By Åsa")
    event(org, "tenants.unit_created", actor=bo, summary="By Bo")
    event(org, "tenants.unit_created", summary="By nobody")
    for text in ["åsa", "ÅSA ÖBERG", "Öberg", "ASA.OBERG@", "  åsa  "]:
        assert shown(admin_client.get(url(org), {"person": text})) == ["By Åsa"], text
    assert shown(admin_client.get(url(org), {"person": "bo@NORRBY"})) == ["By Bo"]
    assert shown(admin_client.get(url(org), {"person": "nobody"})) == []


def test_the_date_filters_include_both_days_in_stockholm_time(admin_client, org):
    for summary, at in [
        ("Day before, late", datetime(2025, 3, 9, 23, 30, tzinfo=STOCKHOLM)),
        ("First minute", datetime(2025, 3, 10, 0, 0, tzinfo=STOCKHOLM)),
        ("Last minute", datetime(2025, 3, 11, 23, 59, tzinfo=STOCKHOLM)),
        ("Day after, early", datetime(2025, 3, 12, 0, 0, tzinfo=STOCKHOLM)),
    ]:
        event(org, "tenants.unit_changed", at=at, summary=summary)
    response = admin_client.get(url(org), {"date_from": "2025-03-10", "date_to": "2025-03-11"})
    assert shown(response) == ["Last minute", "First minute"]
    from_only = admin_client.get(url(org), {"date_from": "2025-03-12"})
    assert shown(from_only) == ["Day after, early"]
    to_only = admin_client.get(url(org), {"date_to": "2025-03-09"})
    assert shown(to_only) == ["Day before, late"]


def test_a_from_date_after_the_to_date_is_an_error_and_lists_nothing(admin_client, org):
    event(org, "tenants.unit_changed", summary="Any")
    response = admin_client.get(url(org), {"date_from": "2025-03-11", "date_to": "2025-03-10"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert response.context["page"] is None
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert "<table" not in html


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "10/40/2025"},
        {"date_to": "igår"},
        {"action": "not.an.action"},
        {"person": "x" * 151},
        {"date_to": "9999-12-31"},
        {"date_from": "0001-01-01"},
    ],
)
def test_malformed_filter_input_gets_a_message_not_an_error_page(admin_client, org, query):
    event(org, "tenants.unit_changed", summary="Any")
    response = admin_client.get(url(org), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="error-summary"' in response.content.decode()
    assert response.context["rows"] == []


def test_the_list_is_paged_by_50_and_page_links_keep_the_filters(admin_client, org):
    many_events(org, 60, action="tenants.unit_changed")
    many_events(org, 5, action="tenants.unit_moved")
    query = {"action": "tenants.unit_changed", "person": "person"}
    first = admin_client.get(url(org), query)
    assert len(first.context["rows"]) == 50
    html = first.content.decode()
    assert "?action=tenants.unit_changed&amp;person=person&amp;page=2" in html
    assert '<nav class="pagination" aria-label=' in html
    second = admin_client.get(url(org), {**query, "page": "2"})
    assert second.context["page"].number == 2
    assert len(second.context["rows"]) == 10
    assert {row.event.action for row in second.context["rows"]} == {"tenants.unit_changed"}
    assert "?action=tenants.unit_changed&amp;person=person&amp;page=1" in second.content.decode()


@pytest.mark.parametrize(("page", "expected"), [("99", 2), ("0", 2), ("abc", 1), ("", 1)])
def test_a_page_out_of_range_or_malformed_shows_the_last_or_first(
    admin_client, org, page, expected
):
    many_events(org, 55)
    response = admin_client.get(url(org), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == expected


@pytest.mark.parametrize("count", [5, 120])
def test_the_number_of_queries_does_not_grow_with_the_events(
    admin_client, org, count, django_assert_max_num_queries
):
    many_events(org, count)
    # session, person, organisation, memberships, actions, count, page
    with django_assert_max_num_queries(7):
        response = admin_client.get(url(org), {"person": "person"})
    assert len(response.context["rows"]) == min(count, 50)


def test_a_filter_with_htmx_answers_the_events_and_counts_them(admin_client, org):
    event(org, "tenants.unit_changed", summary="Enheten ändrad")
    event(org, "goals.created", summary="Målet satt")
    with translation.override("sv"):
        response = admin_client.get(url(org), {"action": "goals.created"}, **htmx("event-results"))
        bad = admin_client.get(url(org), {"date_to": "igår"}, **htmx("event-results"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="event-results">')
    assert "Målet satt" in html
    assert "Enheten ändrad" not in html
    assert "<form" not in html
    assert "1 händelse visas.</div>" in html
    assert "HX-Request" in response["Vary"]
    assert "Rätta filtret för att se händelserna: " in bad.content.decode()
    assert "<table" not in bad.content.decode()
