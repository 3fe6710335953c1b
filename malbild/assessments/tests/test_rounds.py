from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from conftest import audit_events
from malbild.accounts.models import User
from malbild.assessments.models import Adoption, Answer, AssessmentRound, Participant, RoundResult
from malbild.assessments.tests.builders import (
    answer_all,
    closed_round,
    fresh,
    make_round,
    model,
    other_version,
    participant,
    statements,
)
from malbild.goals.models import Evidence
from malbild.goals.tests.builders import adopt as adopt_target
from malbild.goals.tests.builders import make_goal
from malbild.lib.tests.htmx import htmx
from malbild.plans.models import Activity
from malbild.tenants.scope import scope


def url(name, *args):
    return reverse(f"assessments:{name}", args=["mittkoping", *args])


def test_the_model_has_four_areas_of_eight_to_twelve_statements(db):
    found = model()
    areas = list(found.areas.order_by("position"))
    assert [a.key for a in areas] == ["L", "I", "K", "A"]
    assert [a.foundation for a in areas] == [True, True, False, False]
    for area in areas:
        assert 8 <= area.statements.count() <= 12
        assert all(s.next_step_sv and s.next_step_en for s in area.statements.all())


def test_a_rektor_starts_a_round_for_their_school(client, cast):
    model()
    client.force_login(cast.rektor)
    response = client.post(
        url("start") + f"?enhet={cast.school.pk}",
        {"title": "Självskattning VT", "mode": "individual",
         "participants": [cast.rektor.pk, cast.teacher.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(cast.org):
        round_ = AssessmentRound.objects.get()
        assert round_.unit == cast.school
        assert set(round_.participants.values_list("user", flat=True)) == {
            cast.rektor.pk, cast.teacher.pk,
        }  # fmt: skip
    assert audit_events(action="assessments.round_started")


def test_someone_outside_the_unit_cannot_be_invited(client, cast):
    model()
    client.force_login(cast.rektor)
    with translation.override("en"):
        response = client.post(
            url("start") + f"?enhet={cast.other_school.pk}",
            {"title": "X", "mode": "individual", "participants": [cast.teacher.pk]},
        )
    assert response.status_code == 403  # the rektor leads Åsen, not Berga


def test_answers_save_one_at_a_time_with_htmx_and_are_only_the_authors(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.rektor, cast.teacher])
    first = statements(round_)[0]
    client.force_login(cast.teacher)
    response = client.post(
        url("answer_statement", round_.pk, first.pk),
        {f"s{first.pk}-level": "4", f"s{first.pk}-comment": "Klart!"},
        **htmx(),
    )
    assert response.status_code == 200
    assert b'hx-swap-oob="true"' in response.content
    with scope(cast.org):
        answer = Answer.objects.get()
        assert (answer.level, answer.comment) == (4, "Klart!")
        assert Participant.objects.get(user=cast.teacher).answered == 1
    # The rektor's own answer page shows none of the teacher's answers.
    client.force_login(cast.rektor)
    page = client.get(url("answer", round_.pk))
    assert b"Klart!" not in page.content


def test_an_answer_changed_stays_one_answer_and_each_save_is_audited(
    client, cast, django_assert_max_num_queries
):
    round_ = make_round(cast.org, cast.school, [cast.teacher])
    first = statements(round_)[0]
    client.force_login(cast.teacher)
    answer_url = url("answer_statement", round_.pk, first.pk)
    prefix = f"s{first.pk}"
    sent = {f"{prefix}-level": "4", f"{prefix}-comment": "Klart!", f"{prefix}-comment_named": "on"}
    assert client.post(answer_url, sent, **htmx()).status_code == 200
    # Session, person, roles, round, participant, statement; then, in one transaction, the
    # round's status, the answer written over the one before in one statement, the count of
    # answers kept on the participant, the audit event.
    with django_assert_max_num_queries(14):
        response = client.post(answer_url, {f"{prefix}-level": "na"}, **htmx())
    assert b"Saved." in response.content
    with scope(cast.org):
        answer = Answer.objects.get()
        assert (answer.level, answer.comment, answer.comment_named) == (None, "", False)
        assert Participant.objects.get(user=cast.teacher).answered == 1
    assert len(audit_events(action="assessments.answered")) == 2


def test_a_plain_submit_saves_a_whole_area_and_goes_on(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.teacher])
    data = {}
    leadership = [s for s in statements(round_) if s.key.startswith("L")]
    for s in leadership:
        data[f"s{s.pk}-level"] = "na" if s.key == "L6" else "2"
    data["naesta"] = "1"
    client.force_login(cast.teacher)
    response = client.post(url("answer", round_.pk) + "?omrade=L", data)
    assert response.status_code == 302
    assert response["Location"].endswith("?omrade=I")
    with scope(cast.org):
        assert Answer.objects.count() == len(leadership)
        assert Answer.objects.get(statement__key="L6").level is None


def test_a_comment_without_an_answer_is_refused_and_nothing_is_saved(client, cast):
    round_ = make_round(cast.org, cast.school, [cast.teacher])
    first = statements(round_)[0]
    client.force_login(cast.teacher)
    with translation.override("en"):
        response = client.post(
            url("answer", round_.pk) + f"?omrade={first.key[0]}",
            {f"s{first.pk}-comment": "Bara en kommentar"},
        )
    assert response.status_code == 400
    assert b"a comment is saved with its answer" in response.content
    with scope(cast.org):
        assert not Answer.objects.exists()


def test_closing_writes_results_and_makes_the_round_the_units_latest(cast):
    earlier = closed_round(cast.org, cast.school, [cast.rektor, cast.teacher, cast.admin], 1)
    later = closed_round(cast.org, cast.school, [cast.rektor, cast.teacher, cast.admin], 3)
    assert not fresh(earlier).is_latest
    assert fresh(later).is_latest
    with scope(cast.org):
        result = RoundResult.objects.get(round=later, statement_key="L1")
    assert (result.score, result.spread, result.answers) == (3, 0, 3)


def test_the_summary_shows_change_spread_and_anonymous_comments(client, cast):
    people = [cast.rektor, cast.teacher, cast.admin]
    closed_round(cast.org, cast.school, people, 1)
    round_ = make_round(cast.org, cast.school, people)
    answer_all(round_, cast.rektor, 4, comment="Rektorns tanke")
    answer_all(round_, cast.teacher, 1)
    answer_all(round_, cast.admin, 2)
    with scope(cast.org):
        from malbild.assessments import services

        services.close_round(round_, None)
    client.force_login(cast.teacher)
    with translation.override("en"):
        response = client.get(url("summary", round_.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Rektorns tanke" in text
    assert "Rut Rektor" not in text.split("<main", 1)[1]  # no name unless the author chose it
    assert "talk about it" in text  # 4 against 1: three steps apart
    assert "+1.3" in text  # from 1.0 to 2.3
    assert "<svg" in text


def test_fewer_than_three_show_no_results(client, cast):
    round_ = closed_round(cast.org, cast.school, [cast.rektor, cast.teacher], 1)
    client.force_login(cast.rektor)
    with translation.override("en"):
        response = client.get(url("summary", round_.pk))
    assert b"results per statement are not shown" in response.content
    assert b"<svg" not in response.content
    assert b"Answers per level" not in response.content


def test_suggestions_put_foundations_first(cast):
    from malbild.assessments import summary

    round_ = make_round(cast.org, cast.school, [cast.teacher], mode="group")
    answer_all(round_, cast.teacher, 3, levels={"A1": 0, "L2": 2, "I3": 1, "K4": 0})
    with scope(cast.org):
        from malbild.assessments import services

        services.close_round(round_, None)
        keys = [row.statement.key for row in summary.build(fresh(round_)).suggestions()]
    assert keys == ["I3", "L2", "K4", "A1"]


def test_adopting_a_suggestion_plans_an_activity_and_cites_the_round(client, cast):
    adopt_target(cast.org)
    goal = make_goal(cast.org, cast.school, "Åsen arbetar digitalt")
    round_ = closed_round(cast.org, cast.school, [cast.rektor, cast.teacher, cast.admin], 1)
    l1 = next(s for s in statements(round_) if s.key == "L1")
    client.force_login(cast.rektor)
    data = {"goal": goal.pk, "title": "En plan på en sida", "description": "",
            "starts_on": "2030-01-01", "ends_on": "2030-06-30"}  # fmt: skip
    assert client.post(url("adopt", round_.pk, l1.pk), data).status_code == 302
    with scope(cast.org):
        activity = Activity.objects.get()
        assert list(activity.goals.all()) == [goal]
        assert activity.unit == cast.school
        evidence = Evidence.objects.get(goal=goal, kind=Evidence.Kind.ASSESSMENT)
        assert evidence.assessment_round_id == round_.pk
        assert Adoption.objects.get().activity == activity
    # Twice is refused, with nothing more written.
    with translation.override("en"):
        again = client.post(url("adopt", round_.pk, l1.pk), data)
    assert again.status_code == 200
    assert b"already in the action plan" in again.content
    with scope(cast.org):
        assert Activity.objects.count() == 1


def test_the_list_keeps_a_constant_number_of_queries(client, cast, django_assert_max_num_queries):
    for i in range(5):
        make_round(cast.org, cast.school, [cast.rektor, cast.teacher], title=f"R{i}")
    client.force_login(cast.rektor)
    with django_assert_max_num_queries(12):
        assert client.get(url("list")).status_code == 200


def test_the_answer_page_reads_the_areas_and_the_count_of_statements_in_one_query(
    client, cast, django_assert_max_num_queries
):
    round_ = make_round(cast.org, cast.school, [cast.rektor])
    answer_all(round_, cast.rektor, skip=3)
    client.force_login(cast.rektor)
    # Session, person, roles with the organisation, round, participant, areas with their
    # statements counted, the area's statements, the answers.
    with django_assert_max_num_queries(8):
        page = client.get(url("answer", round_.pk) + "?omrade=I")
    assert page.status_code == 200
    total = len(statements(round_))
    answered = participant(round_, cast.rektor).answered
    assert answered == total - 3
    assert f"answered {answered} of {total} statements".encode() in page.content
    assert b'href="?omrade=I" aria-current="page"' in page.content
    assert client.get(url("answer", round_.pk) + "?omrade=X").status_code == 404


def test_the_round_is_read_by_the_participant_even_from_another_role(cast):
    round_ = make_round(cast.org, cast.school, [cast.rektor])
    assert participant(round_, cast.rektor).answered == 0
    assert other_version().version == 2


def test_the_municipality_sees_every_school_side_by_side_and_exports_comments(client, cast):
    import io

    from openpyxl import load_workbook

    people = [cast.rektor, cast.teacher, cast.admin]
    closed_round(cast.org, cast.school, people, 3)
    other = make_round(cast.org, cast.other_school, [cast.admin], mode="group")
    answer_all(other, cast.admin, 1, comment="=Nätet räcker inte")
    with scope(cast.org):
        from malbild.assessments import services

        services.close_round(other, None)
    client.force_login(cast.admin)
    page = client.get(url("municipality") + "?typ=skola&omrade=I")
    text = page.content.decode()
    assert "Åsens skola" in text
    assert "Berga skola" in text
    assert "Lowest – highest" in text
    book = load_workbook(io.BytesIO(client.get(url("export")).content))
    comments = [row[4] for row in book["Comments"].iter_rows(min_row=2, values_only=True)]
    assert "'=Nätet räcker inte" in comments


def test_the_national_comparison_shows_only_figures_of_five_units(client, cast):
    from conftest import make_unit

    for i in range(4):
        unit = make_unit(cast.org, f"Skola {i}", cast.area)
        done = closed_round(cast.org, unit, [cast.admin], 2, mode="group")
        with scope(cast.org):
            AssessmentRound.objects.filter(pk=done.pk).update(is_public=True)
    client.force_login(cast.teacher)
    national = reverse("assessments_shared:national")
    assert b"nothing to show yet" in client.get(national).content
    fifth = closed_round(cast.org, cast.school, [cast.admin], 2, mode="group")
    with scope(cast.org):
        AssessmentRound.objects.filter(pk=fifth.pk).update(is_public=True)
    assert b"Result per statement across the country" in client.get(national).content


def test_the_municipality_sees_the_schools_side_by_side_in_each_area_as_bars(client, cast):
    import re

    closed_round(cast.org, cast.school, [cast.rektor, cast.teacher, cast.admin], 3)
    other = make_round(cast.org, cast.other_school, [cast.admin], mode="group")
    answer_all(other, cast.admin, 1)
    with scope(cast.org):
        from malbild.assessments import services

        services.close_round(other, None)
    client.force_login(cast.admin)
    with translation.override("en"):
        page = client.get(url("municipality"))
        only_one = client.get(url("municipality") + "?omrade=I")
    found = page.context["area_charts"]
    assert [item.area.key for item in found] == ["L", "I", "K", "A"]
    text = page.content.decode()
    charts_part = text[text.index('<div class="chart-grid">') : text.index("</table>")]
    assert charts_part.index("<svg") < charts_part.index("<table")  # the picture, then the table
    svg = str(found[1].chart)
    said = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    assert said[:4] == ["Berga skola", "1.0", "Åsens skola", "3.0"]
    assert "Berga skola: 1.0. Åsens skola: 3.0.</desc>" in svg
    assert [item.area.key for item in only_one.context["area_charts"]] == ["I"]


def test_a_round_may_have_a_last_day_to_answer(client, cast):
    model()
    client.force_login(cast.rektor)
    page = client.get(url("start") + f"?enhet={cast.school.pk}").content.decode()
    assert "Last day to answer" in page
    assert "(yyyy-mm-dd, for example 2026-12-06)" in page  # the format hint
    last_day = timezone.localdate() + timedelta(days=14)
    response = client.post(
        url("start") + f"?enhet={cast.school.pk}",
        {"title": "Självskattning VT", "mode": "individual",
         "participants": [cast.rektor.pk, cast.teacher.pk], "closes_on": last_day.isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(cast.org):
        round_ = AssessmentRound.objects.get()
    assert round_.closes_on == last_day
    assert not round_.is_late
    (event,) = audit_events(action="assessments.round_started")
    assert event.after["closes_on"] == last_day.isoformat()
    listed = client.get(url("list")).content.decode()
    assert f'data-label="Last day to answer">{last_day.day} ' in listed
    detail = client.get(url("detail", round_.pk)).content.decode()
    assert "<dt>Last day to answer</dt>" in detail


def test_a_round_without_a_last_day_stays_open_until_it_is_closed(client, cast):
    model()
    client.force_login(cast.rektor)
    response = client.post(
        url("start") + f"?enhet={cast.school.pk}",
        {"title": "Självskattning VT", "mode": "group", "closes_on": ""},
    )
    assert response.status_code == 302
    with scope(cast.org):
        assert AssessmentRound.objects.get().closes_on is None
    assert "none set" in client.get(url("list")).content.decode()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("yesterday", "Sista svarsdagen kan inte ha passerat redan."),
        ("next year", "Sista svarsdagen kan ligga högst ett år fram."),
        ("31/12/2026", "Fyll i ett giltigt datum."),
    ],
)
def test_a_last_day_in_the_past_too_far_ahead_or_malformed_is_refused_in_swedish(
    client, cast, given, message
):
    today = timezone.localdate()
    value = {
        "yesterday": (today - timedelta(days=1)).isoformat(),
        "next year": (today + timedelta(days=367)).isoformat(),
    }.get(given, given)
    model()
    User.objects.filter(pk=cast.rektor.pk).update(language="sv")  # the rest of the file: "en"
    client.force_login(cast.rektor)
    with translation.override("sv"):
        response = client.post(
            url("start") + f"?enhet={cast.school.pk}",
            {"title": "Självskattning VT", "mode": "individual",
             "participants": [cast.rektor.pk], "closes_on": value},
        )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'id="id_closes_on_error"' in html  # beside the field
    with scope(cast.org):
        assert not AssessmentRound.objects.exists()
    assert not audit_events(action="assessments.round_started")
