"""The period's page, a unit's list of goals to report, and the completion overview."""

import pytest
from django.urls import reverse

from conftest import make_unit
from malbild.followup.models import Report
from malbild.followup.tests.builders import make_period, make_report, world
from malbild.goals.models import Goal
from malbild.goals.tests.builders import make_goal

State = Report.State
QUERIES = 14


def url(name, *args):
    return reverse(f"followup:{name}", args=["mittkoping", *args])


@pytest.mark.django_db
def test_the_overview_counts_reported_ready_and_approved_per_unit(client, cast):
    goals = world(cast)
    extra = make_goal(cast.org, cast.school, "Åsens andra mål", status=Goal.Status.ACTIVE)
    make_goal(cast.org, cast.school, "Ett utkast")  # a draft goal is not followed up
    period = make_period(cast.org)
    make_report(period, goals["asen"], State.APPROVED)
    make_report(period, extra, State.DRAFT)
    make_report(period, goals["berga"], State.READY)
    client.force_login(cast.admin)
    response = client.get(url("overview", period.pk))
    rows = {u.name: (u.to_report, u.reported, u.ready, u.approved)
            for u in response.context["page"].object_list}  # fmt: skip
    assert rows == {
        cast.root.name: (1, 0, 0, 0),
        cast.school.name: (2, 2, 1, 1),
        cast.other_school.name: (1, 1, 1, 0),
    }
    assert response.context["totals"] == {
        "to_report": 4,
        "reported": 3,
        "ready": 2,
        "approved": 1,
        "late_units": 0,
    }
    assert url("unit_reports", period.pk, cast.school.pk) in response.content.decode()


@pytest.mark.django_db
def test_the_overview_costs_the_same_with_more_units(client, cast, django_assert_max_num_queries):
    world(cast)
    period = make_period(cast.org)
    client.force_login(cast.elected)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url("overview", period.pk)).status_code == 200
    for i in range(12):
        unit = make_unit(cast.org, f"Skola {i}", cast.area, code=f"S{i}")
        make_goal(cast.org, unit, f"Mål {i}", status=Goal.Status.ACTIVE)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url("overview", period.pk))
    assert len(response.context["page"].object_list) == 15


@pytest.mark.django_db
def test_the_period_page_lists_goals_in_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    goals = world(cast)
    period = make_period(cast.org)
    make_report(period, goals["berga"], State.READY)
    client.force_login(cast.rektor)
    with django_assert_max_num_queries(QUERIES):
        client.get(url("period_detail", period.pk))
    for i in range(10):
        goal = make_goal(cast.org, cast.other_school, f"Berga mål {i}", status=Goal.Status.ACTIVE)
        make_report(period, goal, State.APPROVED)
    with django_assert_max_num_queries(QUERIES):
        response = client.get(url("period_detail", period.pk))
    html = response.content.decode()
    # The rektor writes for Åsen and reads Berga's ready report, but writes nothing for Berga.
    assert url("report_form", period.pk, goals["asen"].pk) in html
    assert url("report_form", period.pk, goals["berga"].pk) not in html
    assert "light__shape" in html


@pytest.mark.django_db
def test_a_units_list_holds_the_goals_of_its_subtree(client, cast):
    goals = world(cast)
    team_goal = make_goal(cast.org, cast.team, "Arbetslagets mål", status=Goal.Status.ACTIVE)
    period = make_period(cast.org)
    client.force_login(cast.rektor)
    response = client.get(url("unit_reports", period.pk, cast.school.pk))
    listed = [row["goal"] for row in response.context["page"].object_list]
    assert listed == [goals["asen"], team_goal]
    assert all(row["may_write"] for row in response.context["page"].object_list)
    client.force_login(cast.teacher)
    response = client.get(url("unit_reports", period.pk, cast.school.pk))
    assert not any(row["may_write"] for row in response.context["page"].object_list)
    assert client.get(url("unit_reports", period.pk, cast.ekby_school.pk)).status_code == 404
