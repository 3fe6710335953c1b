"""Reading action plans: the unit's plan with its timeline and table, the organisation's list
with filters, one activity with its history, and the goal page's section."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from malbild.lib.tests.htmx import htmx
from malbild.plans.models import Activity
from malbild.plans.tests.builders import days, make_activity, make_milestone

Status = Activity.Status


def many(cast, goals, n, unit=None):
    for i in range(n):
        activity = make_activity(
            cast.org, unit or cast.school, f"Aktivitet {i:02}", goals=(goals["asen"],),
            owner=cast.teacher, status=Status.IN_PROGRESS if i % 2 else Status.NOT_STARTED,
        )  # fmt: skip
        make_milestone(activity)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_the_unit_plan_shows_a_timeline_and_the_same_facts_in_a_table(client, cast, goals):
    make_activity(cast.org, cast.school, "Delning av lektioner", goals=(goals["asen"],),
                  starts_on=days(-40), ends_on=days(80), status=Status.IN_PROGRESS,
                  progress=30)  # fmt: skip
    client.force_login(cast.reader)
    response = client.get(reverse("plans:unit_plan", args=["mittkoping", cast.school.pk]))
    html = response.content.decode()
    assert 'class="timeline" aria-hidden="true"' in html
    assert "<caption>" in html
    assert 'scope="row"' in html
    assert html.count("Delning av lektioner") >= 2  # a bar and a row
    assert response.context["timeline"].bars[0].span >= 4


@pytest.mark.django_db
def test_the_unit_plan_costs_the_same_queries_for_many_activities(client, cast, goals):
    client.force_login(cast.reader)
    url = reverse("plans:unit_plan", args=["mittkoping", cast.school.pk])
    many(cast, goals, 3)
    few = queries(client, url)
    many(cast, goals, 60)
    # One COUNT more once the list fills more than its page (lib.paging: a list that fits on
    # its first page needs none), whatever its length.
    assert queries(client, url) == few + 1
    assert len(client.get(url).context["activities"]) == 50


@pytest.mark.django_db
def test_the_list_costs_the_same_queries_for_many_activities(client, cast, goals):
    client.force_login(cast.reader)
    url = reverse("plans:list", args=["mittkoping"])
    many(cast, goals, 3)
    few = queries(client, url)
    many(cast, goals, 60, cast.other_school)
    # One COUNT more once the list fills more than its page (lib.paging: a list that fits on
    # its first page needs none), whatever its length.
    assert queries(client, url) == few + 1
    assert queries(client, url + "?page=2") == few + 1


@pytest.mark.django_db
def test_the_list_filters_by_unit_status_and_goal(client, cast, goals):
    make_activity(cast.org, cast.team, "I arbetslaget", goals=(goals["asen"],),
                  status=Status.IN_PROGRESS)  # fmt: skip
    make_activity(cast.org, cast.other_school, "På Berga", goals=(goals["berga"],),
                  status=Status.DONE, progress=100)  # fmt: skip
    make_activity(cast.org, cast.root, "I förvaltningen", goals=(goals["top"],))
    client.force_login(cast.teacher)
    url = reverse("plans:list", args=["mittkoping"])

    def titles(query):
        return [a.title for a in client.get(url + query).context["page"].object_list]

    assert set(titles("")) == {"I arbetslaget", "På Berga", "I förvaltningen"}
    assert titles(f"?enhet={cast.school.pk}") == ["I arbetslaget"]  # and the units below
    assert titles("?status=done") == ["På Berga"]
    assert titles(f"?mal={goals['top'].pk}") == ["I förvaltningen"]
    assert titles(f"?mal={goals['asen'].pk}&status=done") == []
    assert titles("?status=finished") == []  # an unknown status: a form error, no rows


@pytest.mark.django_db
def test_the_list_answers_404_for_another_organisations_goal(client, cast, goals):
    from malbild.goals.tests.builders import adopt, make_goal

    adopt(cast.ekby)
    foreign = make_goal(cast.ekby, cast.ekby_school, "Ekbys mål")
    client.force_login(cast.teacher)
    url = reverse("plans:list", args=["mittkoping"])
    assert client.get(f"{url}?mal={foreign.pk}").status_code == 404
    assert client.get(f"{url}?enhet={cast.ekby_school.pk}").status_code == 404


@pytest.mark.django_db
def test_the_detail_shows_milestones_and_history_readably(client, cast, goals):
    from django.utils import translation

    activity = make_activity(cast.org, cast.school, "Delning", goals=(goals["asen"],))
    make_milestone(activity, "Första träffen")
    client.force_login(cast.rektor)
    client.post(
        reverse("plans:edit", args=["mittkoping", activity.pk]),
        {"title": "Delning", "description": "", "goals": [goals["asen"].pk], "owner": "",
         "starts_on": activity.starts_on.isoformat(), "ends_on": "2099-06-30",
         "reason": "Längre tid behövs."},
    )  # fmt: skip
    with translation.override("en"):
        response = client.get(
            reverse("plans:detail", args=["mittkoping", activity.pk]),
            headers={"accept-language": "en"},
        )
    html = response.content.decode()
    assert "Första träffen" in html
    assert "Längre tid behövs." in html
    assert "2099" in html
    assert "2099-06-30" not in html
    assert response.context["may_edit"]
    assert response.context["may_update"]


@pytest.mark.django_db
def test_the_goal_page_lists_the_activities_serving_it(client, cast, goals):
    make_activity(cast.org, cast.school, "Delning", goals=(goals["asen"],))
    make_activity(cast.org, cast.school, "Något annat")
    goal_url = reverse("goals:detail", args=["mittkoping", goals["asen"].pk])
    client.force_login(cast.rektor)
    html = client.get(goal_url).content.decode()
    assert "Delning" in html
    assert "Något annat" not in html
    plan = reverse("plans:create", args=["mittkoping"]) + f"?mal={goals['asen'].pk}"
    assert plan in html
    # Staff add activities to their school's plan, so the link is theirs too; not a reader's.
    client.force_login(cast.teacher)
    assert plan in client.get(goal_url).content.decode()
    client.force_login(cast.reader)
    assert plan not in client.get(goal_url).content.decode()
    # Berga's goal: nobody at Åsens skola may add anything that could serve it.
    berga = reverse("goals:detail", args=["mittkoping", goals["berga"].pk])
    for person in (cast.rektor, cast.teacher):
        client.force_login(person)
        assert "?mal=" not in client.get(berga).content.decode()


@pytest.mark.django_db
def test_the_unit_pages_link_to_the_action_plan(client, cast):
    client.force_login(cast.reader)
    plan = reverse("plans:unit_plan", args=["mittkoping", cast.school.pk])
    for page in ("tenants:unit_detail", "dashboards:unit"):
        html = client.get(reverse(page, args=["mittkoping", cast.school.pk])).content.decode()
        assert plan in html, page


@pytest.mark.django_db
def test_every_page_stays_within_the_query_budget(client, cast, goals):
    many(cast, goals, 60)
    activity = make_activity(cast.org, cast.school, "Med historik", goals=(goals["asen"],))
    make_milestone(activity)
    client.force_login(cast.rektor)
    for url in (
        reverse("plans:list", args=["mittkoping"]),
        reverse("plans:list", args=["mittkoping"]) + f"?mal={goals['asen'].pk}&status=done",
        reverse("plans:unit_plan", args=["mittkoping", cast.school.pk]),
        reverse("plans:detail", args=["mittkoping", activity.pk]),
        reverse("goals:detail", args=["mittkoping", goals["asen"].pk]),
    ):
        assert queries(client, url) <= 15, url


@pytest.mark.django_db
def test_the_new_activity_links_show_where_staff_may_add(client, cast, goals):
    create = reverse("plans:create", args=["mittkoping"])
    school_plan = reverse("plans:unit_plan", args=["mittkoping", cast.school.pk])
    berga_plan = reverse("plans:unit_plan", args=["mittkoping", cast.other_school.pk])
    activity_list = reverse("plans:list", args=["mittkoping"])
    client.force_login(cast.teacher)
    assert f"{create}?enhet={cast.school.pk}" in client.get(school_plan).content.decode()
    assert create not in client.get(berga_plan).content.decode()
    assert f'href="{create}"' in client.get(activity_list).content.decode()
    client.force_login(cast.reader)
    for page in (school_plan, activity_list):
        assert create not in client.get(page).content.decode()


@pytest.mark.django_db
def test_the_list_filter_with_htmx_answers_the_results_and_counts_them(client, cast, goals):
    make_activity(cast.org, cast.team, "I arbetslaget", goals=(goals["asen"],))
    make_activity(cast.org, cast.root, "I förvaltningen", goals=(goals["top"],))
    client.force_login(cast.teacher)
    url = reverse("plans:list", args=["mittkoping"])
    response = client.get(
        f"{url}?enhet={cast.school.pk}&status=&mal=",
        **htmx("activity-results"),
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="activity-results">')
    assert "<form" not in html
    assert "<main" not in html
    assert "I arbetslaget" in html
    assert "I förvaltningen" not in html
    assert "1 activity shown.</div>" in html
    assert "HX-Request" in response["Vary"]
    whole = client.get(f"{url}?enhet={cast.school.pk}")
    assert 'hx-target="#activity-results"' in whole.content.decode()
    assert "HX-Request" in whole["Vary"]
