"""Writing a report, marking it ready, approving or sending it back, and who reads it when."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import audit_events, give_role, make_user
from malbild.followup.models import Report
from malbild.followup.tests.builders import (
    closed_period,
    comment,
    fresh_report,
    make_activity,
    make_period,
    make_report,
    reports,
    world,
)
from malbild.goals.models import Goal
from malbild.goals.tests.builders import adopt, make_goal
from malbild.tenants.scope import scope

State = Report.State


def url(name, *args, org="mittkoping"):
    return reverse(f"followup:{name}", args=[org, *args])


def data(**fields):
    return {
        "light": "at_risk",
        "analysis": "Verktygen används, men inte varje vecka.",
        "decision": "continue",
        "reasoning": "Vi ser att det går åt rätt håll.",
        "revised_plan": "",
        **fields,
    }


def english(user):
    """Messages in English, whatever the catalogue holds (the person's language wins)."""
    user.language = "en"
    user.save(update_fields=["language"])


def post_en(client, path, payload):
    """Post with English messages (the person's language is set to English by `english`)."""
    with translation.override("en"):
        response = client.post(path, payload)
        if response.status_code == 200:
            response.errors = {
                field: " ".join(str(e) for e in errors)
                for field, errors in response.context["form"].errors.items()
            }
    return response


# Writing ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rektor_writes_a_draft_that_only_the_school_and_admins_read(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    client.force_login(cast.rektor)
    response = client.post(url("report_form", period.pk, goals["asen"].pk), data())
    [report] = reports(cast.org)
    assert response["Location"] == url("report_detail", report.pk)
    assert (report.state, report.unit_id, report.late) == (State.DRAFT, cast.school.pk, False)
    assert audit_events(action="followup.report_saved")
    for who, status in ((cast.teacher, 200), (cast.admin, 200), (cast.elected, 404),
                        (cast.reader, 404)):  # fmt: skip
        client.force_login(who)
        assert client.get(url("report_detail", report.pk)).status_code == status, who


@pytest.mark.django_db
def test_a_draft_is_hidden_from_another_school_but_a_ready_report_is_not(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"])
    berga_teacher = make_user("larare@berga.test", "Bo Berga")
    give_role(berga_teacher, cast.org, "staff", cast.other_school)
    client.force_login(berga_teacher)
    assert client.get(url("report_detail", report.pk)).status_code == 404
    listed = client.get(url("period_detail", period.pk)).content.decode()
    assert url("report_detail", report.pk) not in listed
    assert "Inte varje vecka" not in listed
    ready = make_report(period, goals["berga"], State.READY)
    client.force_login(cast.rektor)
    assert client.get(url("report_detail", ready.pk)).status_code == 200


@pytest.mark.django_db
def test_adjust_without_a_revised_plan_is_refused_and_nothing_is_saved(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    english(cast.rektor)
    client.force_login(cast.rektor)
    response = post_en(
        client, url("report_form", period.pk, goals["asen"].pk),
        data(decision="adjust", revised_plan="   "),
    )  # fmt: skip
    assert response.status_code == 200
    assert "describe the revised action plan" in response.errors["revised_plan"]
    assert reports(cast.org) == []


@pytest.mark.django_db
def test_adjust_keeps_the_revised_plan_and_the_units_activities(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    activity = make_activity(cast.school, goals["asen"])
    make_activity(cast.other_school, goals["berga"], "Programmering i åk 4")
    client.force_login(cast.rektor)
    page = client.get(url("report_form", period.pk, goals["asen"].pk)).content.decode()
    assert activity.title in page
    assert "Programmering i åk 4" not in page
    plan = "Arbetslagen planerar en digital lektion i veckan."
    response = client.post(
        url("report_form", period.pk, goals["asen"].pk),
        data(decision="adjust", revised_plan=plan, activities=[activity.pk]),
    )
    assert response.status_code == 302
    [report] = reports(cast.org)
    assert report.revised_plan == plan
    detail = client.get(url("report_detail", report.pk)).content.decode()
    assert reverse("plans:detail", args=["mittkoping", activity.pk]) in detail


@pytest.mark.django_db
def test_another_units_activity_is_not_accepted(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    make_activity(cast.school, goals["asen"])
    other = make_activity(cast.other_school, goals["berga"], "Programmering i åk 4")
    client.force_login(cast.rektor)
    response = client.post(
        url("report_form", period.pk, goals["asen"].pk),
        data(decision="adjust", revised_plan="En ny plan.", activities=[other.pk]),
    )
    assert response.status_code == 200
    assert "activities" in response.context["form"].errors
    assert reports(cast.org) == []


@pytest.mark.django_db
def test_reporting_after_the_deadline_needs_the_late_flag(client, cast):
    goals = world(cast)
    period = closed_period(cast.org)
    english(cast.rektor)
    client.force_login(cast.rektor)
    path = url("report_form", period.pk, goals["asen"].pk)
    assert "id_late" in client.get(path).content.decode()
    response = post_en(client, path, data())
    assert response.status_code == 200
    assert "marked as late" in response.errors["late"]
    assert reports(cast.org) == []
    assert not audit_events(action="followup.reported_late")

    assert client.post(path, data(late="on")).status_code == 302
    [report] = reports(cast.org)
    assert report.late is True
    assert audit_events(action="followup.reported_late")
    html = client.get(url("report_detail", report.pk)).content.decode()
    assert "report-late" in html  # clearly marked, in words


@pytest.mark.django_db
def test_a_draft_goal_is_not_reported_on(client, cast):
    world(cast)
    draft = make_goal(cast.org, cast.school, "Ett utkast")
    period = make_period(cast.org)
    client.force_login(cast.rektor)
    response = client.post(url("report_form", period.pk, draft.pk), data())
    assert response.status_code == 200
    assert reports(cast.org) == []


@pytest.mark.django_db
def test_another_organisations_goal_period_or_report_answers_404(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    adopt(cast.ekby)
    ekby_goal = make_goal(cast.ekby, cast.ekby_school, "Ekbys mål", status=Goal.Status.ACTIVE)
    ekby_period = make_period(cast.ekby)
    ekby_report = make_report(ekby_period, ekby_goal, State.READY)
    client.force_login(cast.admin)
    assert client.post(url("report_form", period.pk, ekby_goal.pk), data()).status_code == 404
    assert (
        client.post(url("report_form", ekby_period.pk, goals["asen"].pk), data()).status_code == 404
    )
    for name in ("report_detail",):
        assert client.get(url(name, ekby_report.pk)).status_code == 404
    for name in ("report_approve", "report_send_back", "report_comment", "report_ready"):
        assert client.post(url(name, ekby_report.pk), {"body": "Hej"}).status_code == 404
    assert reports(cast.org) == []
    assert fresh_report(ekby_report).state == State.READY


@pytest.mark.django_db
def test_a_ready_report_can_no_longer_be_changed(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"], State.READY)
    client.force_login(cast.rektor)
    response = client.post(url("report_form", period.pk, goals["asen"].pk), data(analysis="Ny"))
    assert response["Location"] == url("report_detail", report.pk)
    assert fresh_report(report).analysis != "Ny"


# Ready, approved, sent back -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rektor_marks_ready_and_every_member_reads_it(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"])
    client.force_login(cast.rektor)
    assert client.post(url("report_ready", report.pk)).status_code == 302
    ready = fresh_report(report)
    assert (ready.state, ready.ready_by) == (State.READY, cast.rektor)
    client.force_login(cast.elected)
    assert client.get(url("report_detail", report.pk)).status_code == 200


@pytest.mark.django_db
def test_marking_ready_after_the_deadline_needs_the_late_flag(client, cast):
    goals = world(cast)
    period = closed_period(cast.org)
    report = make_report(period, goals["asen"])
    client.force_login(cast.rektor)
    client.post(url("report_ready", report.pk))
    assert fresh_report(report).state == State.DRAFT
    client.post(url("report_ready", report.pk), {"late": "on"})
    ready = fresh_report(report)
    assert (ready.state, ready.late) == (State.READY, True)
    assert audit_events(action="followup.reported_late")


@pytest.mark.django_db
def test_approving_a_report_that_is_not_ready_changes_nothing(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"])
    english(cast.admin)
    client.force_login(cast.admin)
    with translation.override("en"):
        response = client.post(url("report_approve", report.pk), follow=True)
        messages = [str(m) for m in response.context["messages"]]
    assert any("Only a report that the unit has marked ready can be approved" in m
               for m in messages)  # fmt: skip
    assert fresh_report(report).state == State.DRAFT
    assert not audit_events(action="followup.report_approved")


@pytest.mark.django_db
def test_a_teacher_may_not_approve(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"], State.READY)
    client.force_login(cast.teacher)
    assert client.post(url("report_approve", report.pk)).status_code == 403
    client.force_login(cast.rektor)
    assert client.post(url("report_approve", report.pk)).status_code == 403
    assert fresh_report(report).state == State.READY


@pytest.mark.django_db
def test_the_administration_approves_a_ready_report(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"], State.READY)
    client.force_login(cast.admin)
    assert (
        'action="' + url("report_approve", report.pk)
        in client.get(url("report_detail", report.pk)).content.decode()
    )
    client.post(url("report_approve", report.pk))
    approved = fresh_report(report)
    assert (approved.state, approved.approved_by) == (State.APPROVED, cast.admin)
    assert audit_events(action="followup.report_approved")


@pytest.mark.django_db
def test_sending_back_needs_a_comment_and_returns_the_report_to_draft(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"], State.READY)
    client.force_login(cast.admin)
    client.post(url("report_send_back", report.pk), {"body": "  "})
    assert fresh_report(report).state == State.READY
    client.post(url("report_send_back", report.pk), {"body": "Skriv mer om eleverna."})
    back = fresh_report(report)
    assert back.state == State.DRAFT
    with scope(cast.org):
        [note] = list(back.comments.all())
    assert (note.kind, note.body) == ("sent_back", "Skriv mer om eleverna.")


@pytest.mark.django_db
def test_members_who_read_a_report_comment_on_it(client, cast):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"], State.READY)
    comment(report, cast.rektor, "Vi har provat något nytt.")
    client.force_login(cast.elected)
    response = client.post(url("report_comment", report.pk), {"body": "Spännande!"})
    assert response.status_code == 302
    html = client.get(url("report_detail", report.pk)).content.decode()
    assert "Spännande!" in html
    assert "Vi har provat något nytt." in html
    client.post(url("report_comment", report.pk), {"body": " "})  # nothing to add
    assert html.count("comment__meta") == 2
    assert len(audit_events(action="followup.commented")) == 1
