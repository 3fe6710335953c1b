"""Follow-up periods: the administration creates and changes them; everyone reads the list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import audit_events
from malbild.followup.models import Period
from malbild.followup.tests.builders import closed_period, make_period, make_report, world
from malbild.goals.tests.builders import fresh
from malbild.tenants.scope import scope

QUERIES = 9  # session, user, organisation, roles, count, page, messages, …


def url(name, *args, org="mittkoping"):
    return reverse(f"followup:{name}", args=[org, *args])


def data(**fields):
    return {
        "name": "Delår 1 2026",
        "starts_on": "2026-01-01",
        "ends_on": "2026-04-30",
        "deadline": "2026-05-15",
        **fields,
    }


def english(user):
    """Messages in English, whatever the catalogue holds (the person's language wins)."""
    user.language = "en"
    user.save(update_fields=["language"])


def periods(org):
    with scope(org):
        return list(Period.objects.values_list("name", flat=True))


@pytest.mark.django_db
def test_an_admin_creates_a_period(client, cast):
    client.force_login(cast.admin)
    response = client.post(url("period_create"), data())
    assert response.status_code == 302
    assert periods(cast.org) == ["Delår 1 2026"]
    assert audit_events(action="followup.period_created")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"ends_on": "2025-12-31"}, "ends_on", "The period cannot end before it starts."),
        ({"deadline": "2026-04-01"}, "deadline", "The reports are due after the period"),
        ({"starts_on": "1 maj"}, "starts_on", ""),  # Django's own message
        ({"name": "   "}, "name", ""),
    ],
)
def test_a_period_with_bad_dates_is_refused_with_a_message(client, cast, fields, field, message):
    english(cast.admin)
    client.force_login(cast.admin)
    with translation.override("en"):
        response = client.post(url("period_create"), data(**fields))
        assert response.status_code == 200
        errors = " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert errors
    assert message in errors
    assert periods(cast.org) == []


@pytest.mark.django_db
def test_two_periods_cannot_share_a_name(client, cast):
    make_period(cast.org, "Delår 1 2026")
    client.force_login(cast.admin)
    response = client.post(url("period_create"), data(name="delår 1 2026"))
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert periods(cast.org) == ["Delår 1 2026"]


@pytest.mark.django_db
def test_a_new_deadline_means_a_new_reminder(client, cast):
    period = make_period(cast.org)
    with scope(cast.org):
        Period.objects.filter(pk=period.pk).update(reminded_on=period.starts_on)
    client.force_login(cast.admin)
    new_deadline = period.deadline + timedelta(days=7)
    response = client.post(
        url("period_edit", period.pk),
        data(name="Delår 1", starts_on=period.starts_on, ends_on=period.ends_on,
             deadline=new_deadline),
    )  # fmt: skip
    assert response.status_code == 302
    changed = fresh(period)
    assert changed.deadline == new_deadline
    assert changed.reminded_on is None
    assert audit_events(action="followup.period_changed")


@pytest.mark.django_db
def test_another_organisations_period_answers_404(client, cast):
    period = make_period(cast.ekby)
    client.force_login(cast.admin)
    assert client.get(url("period_detail", period.pk)).status_code == 404
    assert client.post(url("period_edit", period.pk), data()).status_code == 404


@pytest.mark.django_db
def test_the_list_shows_state_and_counts_in_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    goals = world(cast)
    first = closed_period(cast.org)
    make_report(first, goals["asen"], "approved")
    client.force_login(cast.rektor)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url("periods"))
    for i in range(5):
        make_period(cast.org, f"Extra {i}")
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url("periods"))
    html = response.content.decode()
    assert "Årsbokslut" in html
    row = next(p for p in response.context["page"].object_list if p.pk == first.pk)
    assert (row.reported, row.approved) == (1, 1)
    # The rektor is offered their own school's list for each period.
    assert url("unit_reports", first.pk, cast.school.pk) in html
    assert url("period_create") not in html  # only admins create periods
