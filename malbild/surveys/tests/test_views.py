"""The members' pages: opening a survey (and its bad input), who sees the code, the results
and the open answers, moderation and publicity, the picture of every school, and the links from
statements to indicators."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import audit_events
from malbild.surveys.models import IndicatorLink, Response, Survey
from malbild.surveys.tests.builders import (
    add_answers,
    agreeing,
    closed_survey,
    link,
    make_indicator,
    make_survey,
)
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"surveys:{name}", args=["mittkoping", *args])


def form(cast, **changes):
    data = {
        "unit": cast.school.pk,
        "group_label": "5B",
        "age_group": "4-6",
        "statement_keys": ["A1", "I2"],
        "ask_free_text": "on",
        "expected_pupils": "24",
        "closes_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def surveys(cast):
    with scope(cast.org):
        return list(Survey.objects.all())


def test_a_teacher_opens_a_survey_and_sees_its_code_and_qr_code(client, cast, english):
    client.force_login(cast.teacher)
    response = client.post(url("create"), form(cast))
    (survey,) = surveys(cast)
    assert response["Location"] == url("detail", survey.pk)
    assert survey.statement_keys == ["A1", "I2"]
    assert survey.expected_pupils == 24
    assert len(survey.code) == 6
    page = client.get(url("detail", survey.pk)).content.decode()
    assert survey.shown_code in page
    assert '<svg role="img"' in page
    assert reverse("surveys_pupil:answer", args=[survey.code]) in page
    assert audit_events(action="surveys.opened")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"statement_keys": None}, "This field is required."),
        ({"statement_keys": ["A1", "Z9"]}, "Select a valid choice."),
        ({"age_group": "dagis"}, "Select a valid choice."),
        ({"closes_on": "2020-01-01"}, "cannot be in the past"),
        ({"closes_on": "inte ett datum"}, "Enter a valid date."),
        ({"expected_pupils": "-3"}, "greater than or equal to 1"),
        ({"group_label": "x" * 61}, "at most 60 characters"),
    ],
)
def test_bad_input_when_opening_is_refused_with_a_message(client, cast, english, changes, message):
    client.force_login(cast.teacher)
    response = client.post(url("create"), form(cast, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert surveys(cast) == []


def test_a_survey_open_for_too_long_is_refused(client, cast, english):
    client.force_login(cast.teacher)
    late = (timezone.localdate() + timedelta(days=200)).isoformat()
    response = client.post(url("create"), form(cast, closes_on=late))
    assert response.status_code == 400
    assert "at most 90 days" in response.content.decode()


def test_a_unit_outside_the_teachers_school_answers_404(client, cast):
    client.force_login(cast.teacher)
    assert client.post(url("create"), form(cast, unit=cast.other_school.pk)).status_code == 404
    assert client.post(url("create"), form(cast, unit=cast.ekby_school.pk)).status_code == 404
    assert surveys(cast) == []


def test_only_those_who_run_it_see_the_code(client, cast):
    survey = make_survey(cast.org, cast.school)
    client.force_login(cast.reader)
    page = client.get(url("detail", survey.pk)).content.decode()
    assert survey.shown_code not in page
    assert "<svg" not in page


def test_results_and_the_change_since_the_groups_previous_survey(client, cast, english):
    earlier = timezone.now() - timedelta(days=365)
    closed_survey(cast.org, cast.school, agreeing(5, 5), group_label="5B", now=earlier)
    survey = closed_survey(cast.org, cast.school, agreeing(8, 2), group_label="5B")
    client.force_login(cast.reader)
    page = client.get(url("detail", survey.pk)).content.decode()
    assert "80.0 %" in page
    assert "+30.0" in page  # from 50 % to 80 %
    assert 'role="img" aria-labelledby="chart-' in page  # the chart, the table after it
    assert "<table" in page


def test_a_survey_with_four_answers_says_why_it_shows_nothing(client, cast, english):
    survey = closed_survey(cast.org, cast.school, agreeing(4))
    client.force_login(cast.teacher)
    page = client.get(url("detail", survey.pk)).content.decode()
    assert "Only 4 pupils answered" in page
    assert "<svg" not in page


def test_open_answers_reach_staff_only_after_a_teacher_has_read_them(client, cast):
    survey = closed_survey(cast.org, cast.school, agreeing(5))
    add_answers(survey, [{"A1": 3}], text="Datorerna är för långsamma.")
    client.force_login(cast.reader)
    assert "för långsamma" not in client.get(url("detail", survey.pk)).content.decode()
    with scope(cast.org):
        answer = Response.objects.get(text_state="unread")
    client.force_login(cast.teacher)
    moderate = url("text_moderate", survey.pk, answer.pk)
    assert client.post(moderate, {"action": "read"}).status_code == 302
    client.force_login(cast.reader)
    assert "för långsamma" in client.get(url("detail", survey.pk)).content.decode()
    client.force_login(cast.teacher)
    client.post(moderate, {"action": "hide"})
    client.force_login(cast.reader)
    assert "för långsamma" not in client.get(url("detail", survey.pk)).content.decode()
    assert audit_events(action="surveys.text_read")
    assert audit_events(action="surveys.text_hide")
    assert "för långsamma" not in str([e.after for e in audit_events()])


def test_a_text_is_public_only_with_the_pupils_consent_and_age(client, cast, english):
    younger = closed_survey(cast.org, cast.school, agreeing(5), group_label="6A")
    older = closed_survey(cast.org, cast.school, agreeing(5), age_group="gy", group_label="NA2")
    with scope(cast.org):
        for survey in (younger, older):
            for consent in (True, False):
                Response.objects.create(
                    organisation=cast.org, survey=survey, answers={}, text=f"{survey.pk}-{consent}",
                    text_state="read", may_publish=consent,
                )  # fmt: skip
    client.force_login(cast.teacher)
    for survey in (younger, older):
        for consent in (True, False):
            with scope(cast.org):
                answer = Response.objects.get(text=f"{survey.pk}-{consent}")
            client.post(url("text_moderate", survey.pk, answer.pk), {"action": "choose"})
    with scope(cast.org):
        chosen = list(Response.objects.filter(text_state="chosen").values_list("text", flat=True))
    assert chosen == [f"{older.pk}-True"]  # upper secondary pupils are 16, the age of consent


def test_an_unknown_moderation_action_changes_nothing(client, cast, english):
    survey = closed_survey(cast.org, cast.school, agreeing(5))
    add_answers(survey, [{"A1": 3}], text="Hej")
    with scope(cast.org):
        answer = Response.objects.get(text="Hej")
    client.force_login(cast.teacher)
    response = client.post(
        url("text_moderate", survey.pk, answer.pk), {"action": "delete"}, follow=True
    )
    assert "Choose what to do with the answer." in response.content.decode()
    with scope(cast.org):
        assert Response.objects.get(pk=answer.pk).text_state == "unread"


def test_results_of_too_few_answers_cannot_be_made_public(client, cast, english):
    survey = closed_survey(cast.org, cast.school, agreeing(4))
    client.force_login(cast.teacher)
    response = client.post(url("publish", survey.pk), {"public": "1"}, follow=True)
    assert "Only a closed survey with at least 5 answers" in response.content.decode()
    with scope(cast.org):
        assert not Survey.objects.get(pk=survey.pk).results_public


def test_the_overview_shows_each_school_and_the_spread(client, cast, english):
    closed_survey(cast.org, cast.school, agreeing(9, 1))
    closed_survey(cast.org, cast.other_school, agreeing(4, 6))
    closed_survey(cast.org, cast.other_school, agreeing(2), group_label="too few")
    client.force_login(cast.elected)
    page = client.get(url("overview")).content.decode()
    assert "65.0 %" in page  # 13 of 20 together
    assert "90.0 %" in page
    assert "40.0 %" in page
    assert ">50.0<" in page  # the spread, in percentage points
    assert "(2 surveys)" in page or "2 surveys" in page


def test_the_list_and_the_overview_keep_their_queries_few(
    client, cast, django_assert_max_num_queries
):
    for n in range(6):
        closed_survey(cast.org, cast.school if n % 2 else cast.other_school, agreeing(6),
                      group_label=str(n))  # fmt: skip
        make_survey(cast.org, cast.school, group_label=f"open {n}")
    client.force_login(cast.admin)
    with django_assert_max_num_queries(12):
        assert client.get(url("list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("overview")).status_code == 200


def test_an_admin_links_a_statement_to_an_indicator(client, cast):
    indicator = make_indicator(cast.org)
    client.force_login(cast.admin)
    response = client.post(url("links"), {"statement_key": "A1", "indicator": indicator.pk})
    assert response.status_code == 302
    with scope(cast.org):
        assert IndicatorLink.objects.get().indicator == indicator
    client.post(url("links"), {"statement_key": "A1", "indicator": ""})
    with scope(cast.org):
        assert not IndicatorLink.objects.exists()
    assert len(audit_events(action="surveys.indicator_linked")) == 2


def test_an_indicator_is_measured_by_one_statement(client, cast, english):
    indicator = make_indicator(cast.org)
    link(cast.org, "A1", indicator)
    client.force_login(cast.admin)
    response = client.post(url("links"), {"statement_key": "A2", "indicator": indicator.pk})
    assert response.status_code == 400
    assert "Another statement already measures this indicator." in response.content.decode()


def test_another_organisations_indicator_cannot_be_linked(client, cast, english):
    foreign = make_indicator(cast.ekby)
    client.force_login(cast.admin)
    response = client.post(url("links"), {"statement_key": "A1", "indicator": foreign.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with scope(cast.org):
        assert not IndicatorLink.objects.exists()


def test_a_statement_outside_the_bank_cannot_be_linked(client, cast, english):
    client.force_login(cast.admin)
    response = client.post(url("links"), {"statement_key": "Q9", "indicator": ""})
    assert response.status_code == 400


def test_the_goal_and_the_dashboard_say_what_the_pupils_say(client, cast, english):
    from malbild.goals.models import Goal, GoalIndicator
    from malbild.goals.tests.builders import adopt, make_goal

    adopt(cast.org)
    indicator = make_indicator(cast.org)
    link(cast.org, "A1", indicator)
    goal = make_goal(cast.org, cast.school, "Verktygen hjälper eleverna", status=Goal.Status.ACTIVE)
    with scope(cast.org):
        GoalIndicator.objects.create(organisation=cast.org, goal=goal, indicator=indicator)
    closed_survey(cast.org, cast.school, agreeing(5, 1))
    client.force_login(cast.reader)
    page = client.get(reverse("goals:detail", args=["mittkoping", goal.pk])).content.decode()
    assert "<strong>83.3 %</strong> of the pupils at Åsens skola agree" in page
    dashboard = client.get(reverse("dashboards:unit", args=["mittkoping", cast.school.pk]))
    assert "What the pupils say" in dashboard.content.decode()
    assert "83.3 %" in dashboard.content.decode()


def test_a_goals_page_gives_each_statement_its_latest_value_for_the_goals_unit(
    client, cast, english
):
    from malbild.goals.models import GoalIndicator
    from malbild.goals.tests.builders import adopt, make_goal, measure

    adopt(cast.org)
    measured = make_indicator(cast.org)
    elsewhere = make_indicator(cast.org, code="ELEV-TRYGG")
    link(cast.org, "A1", measured)
    link(cast.org, "A2", elsewhere)
    goal = make_goal(cast.org, cast.school, "Verktygen hjälper eleverna")
    with scope(cast.org):
        for indicator in (measured, elsewhere):
            GoalIndicator.objects.create(organisation=cast.org, goal=goal, indicator=indicator)
    measure(measured, cast.school, "2024-HT", "61")
    measure(measured, cast.school, "2025-VT", "72.5")
    measure(measured, cast.school, "2023-VT", "40")
    measure(measured, cast.area, "2025-HT", "33.3")  # another unit's
    measure(elsewhere, cast.area, "2025-HT", "44.4")
    client.force_login(cast.reader)
    page = client.get(reverse("goals:detail", args=["mittkoping", goal.pk])).content.decode()
    assert "<strong>72.5 %</strong> of the pupils at Åsens skola agree" in page
    assert "(2025-VT)." in page
    assert page.count("of the pupils at") == 1
    assert "No survey has measured" in page
    assert "as the indicator ELEV-TRYGG" in page
    assert "33.3 %" not in page
    assert "44.4 %" not in page
