"""Late reports: after the deadline a goal without a ready report is "late" (red, with a shape),
late units and goals come first, the period list counts the late units, and the administration
reminds a late unit's lead by e-mail, at most once a day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from conftest import audit_events, give_role, make_user
from malbild.followup.models import LateReminder, Report
from malbild.followup.services import leads_of
from malbild.followup.tests.builders import (
    BERGA,
    closed_period,
    make_period,
    make_report,
    today,
    world,
)
from malbild.goals.models import Goal
from malbild.goals.tests.builders import fresh
from malbild.tenants.scope import scope

State = Report.State
LATE_TAG = '<span class="tag late"><span class="late__shape" aria-hidden="true">▲</span> försenad'


def url(name, *args):
    return reverse(f"followup:{name}", args=["mittkoping", *args])


def reminders(cast):
    with scope(cast.org):
        return list(LateReminder.objects.values_list("unit__name", "sent_on"))


@pytest.mark.django_db
def test_after_the_deadline_a_goal_without_a_ready_report_is_late_and_comes_first(client, cast):
    goals = world(cast)
    period = closed_period(cast.org)
    make_report(period, goals["top"], State.READY)
    make_report(period, goals["asen"], State.DRAFT)
    client.force_login(cast.admin)
    response = client.get(url("period_detail", period.pk))
    rows = response.context["page"].object_list
    assert [(r["goal"].title, r["late"]) for r in rows] == [
        (goals["asen"].title, True),  # a draft is late, as is a goal with no report at all
        (BERGA, True),
        (goals["top"].title, False),
    ]
    assert response.content.decode().count(LATE_TAG) == 2


@pytest.mark.django_db
def test_nothing_is_late_before_the_deadline(client, cast):
    world(cast)
    period = make_period(cast.org)
    client.force_login(cast.admin)
    response = client.get(url("period_detail", period.pk))
    assert not any(r["late"] for r in response.context["page"].object_list)
    assert LATE_TAG not in response.content.decode()
    response = client.get(url("overview", period.pk))
    assert "Påminn" not in response.content.decode()


@pytest.mark.django_db
def test_the_overview_puts_late_units_first_and_counts_them(client, cast):
    goals = world(cast)
    period = closed_period(cast.org)
    make_report(period, goals["top"], State.APPROVED)
    make_report(period, goals["asen"], State.READY)
    client.force_login(cast.admin)
    response = client.get(url("overview", period.pk))
    units = [(u.name, u.late) for u in response.context["page"].object_list]
    assert units == [
        (cast.other_school.name, True),
        (cast.root.name, False),
        (cast.school.name, False),
    ]
    assert response.context["totals"]["late_units"] == 1
    page = response.content.decode()
    assert "1 enhet har rapporter som inte är markerade klara" in page
    assert url("remind", period.pk, cast.other_school.pk) in page
    assert url("remind", period.pk, cast.school.pk) not in page


@pytest.mark.django_db
def test_the_period_list_counts_late_units_once_the_deadline_has_passed(client, cast):
    goals = world(cast)
    late = closed_period(cast.org)
    make_report(late, goals["top"], State.READY)
    make_period(cast.org)  # open: nothing late yet
    client.force_login(cast.elected)
    response = client.get(url("periods"))
    counts = {p.name: p.late_units for p in response.context["page"].object_list}
    assert counts["Årsbokslut"] == 2  # Åsens skola and Berga skola
    assert url("overview", late.pk) in response.content.decode()


@pytest.mark.django_db
def test_an_admin_reminds_a_late_units_lead_once_a_day(client, cast):
    world(cast)
    period = closed_period(cast.org)
    client.force_login(cast.admin)
    response = client.post(url("remind", period.pk, cast.school.pk), follow=True)
    assert "En påminnelse har skickats till rektor@mittkoping.test." in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["rektor@mittkoping.test"]
    assert "Åsens skola" in message.subject
    assert "Årsbokslut" in message.subject
    assert "Åsens elever använder digitala verktyg varje vecka" in message.body
    assert reminders(cast) == [("Åsens skola", today())]
    [event] = audit_events(action="followup.late_reminder_sent")
    assert "rektor@mittkoping.test" in event.summary

    response = client.post(url("remind", period.pk, cast.school.pk), follow=True)
    page = response.content.decode()
    assert "Åsens skola har redan fått en påminnelse i dag" in page
    assert len(mail.outbox) == 1
    assert len(audit_events(action="followup.late_reminder_sent")) == 1
    overview = client.get(url("overview", period.pk)).content.decode()
    assert "påmind i dag" in overview
    assert url("remind", period.pk, cast.school.pk) not in overview


@pytest.mark.django_db
def test_a_reminder_of_yesterday_does_not_stop_one_today(client, cast):
    world(cast)
    period = closed_period(cast.org)
    with scope(cast.org):
        LateReminder.objects.create(
            organisation=cast.org, period=period, unit=cast.school,
            sent_on=today() - timedelta(days=1),
        )  # fmt: skip
    client.force_login(cast.admin)
    client.post(url("remind", period.pk, cast.school.pk))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("situation", "message"),
    [
        ("open", "nothing is late yet"),
        ("ready", "has no late reports"),
        ("no lead", "has no unit lead in Målbild to remind"),
    ],
)
def test_a_reminder_that_cannot_be_sent_says_why_and_sends_nothing(
    client, cast, english, situation, message
):
    goals = world(cast)
    period = make_period(cast.org) if situation == "open" else closed_period(cast.org)
    unit = cast.school
    if situation == "ready":
        make_report(period, goals["asen"], State.READY)
    if situation == "no lead":
        unit = cast.other_school
    client.force_login(cast.admin)
    response = client.post(url("remind", period.pk, unit.pk), follow=True)
    assert message in response.content.decode()
    assert mail.outbox == []
    assert reminders(cast) == []
    assert not audit_events(action="followup.late_reminder_sent")


@pytest.mark.django_db
def test_only_the_administration_reminds(client, cast):
    world(cast)
    period = closed_period(cast.org)
    client.force_login(cast.rektor)
    assert client.post(url("remind", period.pk, cast.school.pk)).status_code == 403
    assert client.get(url("remind", period.pk, cast.school.pk)).status_code in {403, 405}
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_nearest_unit_lead_is_reminded(cast):
    area_lead = make_user("omrade@mittkoping.test")
    give_role(area_lead, cast.org, "unit_lead", cast.area)
    with scope(cast.org):
        assert [m.user.email for m in leads_of(cast.school)] == ["rektor@mittkoping.test"]
        assert [m.user.email for m in leads_of(cast.other_school)] == ["omrade@mittkoping.test"]


@pytest.mark.django_db
def test_marking_ready_keeps_the_leads_assessment_on_the_goal_and_sending_back_takes_it(
    client, cast
):
    goals = world(cast)
    period = make_period(cast.org)
    report = make_report(period, goals["asen"], State.DRAFT, light=Goal.Light.OFF_TRACK)
    client.force_login(cast.rektor)
    assert client.post(url("report_ready", report.pk)).status_code == 302
    assert fresh(goals["asen"]).assessed_light == Goal.Light.OFF_TRACK
    assert fresh(goals["asen"]).voices_differ  # measured: no data yet
    client.force_login(cast.admin)
    client.post(url("report_send_back", report.pk), {"body": "Skriv om eleverna."})
    assert fresh(goals["asen"]).assessed_light == ""
    assert not fresh(goals["asen"]).voices_differ


@pytest.mark.django_db
def test_the_unit_goal_list_heads_the_lifecycle_lage_and_shows_both_voices(client, cast):
    goals = world(cast)
    with scope(cast.org):
        Goal.objects.filter(pk=goals["asen"].pk).update(
            light=Goal.Light.ON_TRACK, assessed_light=Goal.Light.AT_RISK
        )
    client.force_login(cast.elected)
    page = client.get(reverse("goals:unit_goals", args=["mittkoping", cast.school.pk]))
    html = page.content.decode()
    assert '<th scope="col">Läge</th>' in html
    assert html.count('<th scope="col">Status</th>') == 1  # the light's column only
    assert "Mätt:" in html
    assert "Rektorns bedömning:" in html
