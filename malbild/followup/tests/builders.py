"""Small builders for the follow-up tests: periods relative to today, reports in each state,
comments, activities and investment follow-ups. They write with the models directly (inside
`scope`), so a test starts from the state it needs without going through the views or services
it may be testing."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from malbild.followup.models import InvestmentFollowUp, Period, Report, ReportComment
from malbild.goals.models import Goal
from malbild.goals.tests.builders import adopt, make_goal
from malbild.plans.models import Activity
from malbild.targets.models import Investment
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

State = Report.State
ASEN = "Åsens elever använder digitala verktyg varje vecka"
BERGA = "Berga skolas elever programmerar"
TOP = "Alla elever har digital kompetens"


def today() -> date:
    return timezone.localdate()


def make_period(
    org: Organisation,
    name: str = "Delår 1",
    *,
    starts_in: int = -60,
    ends_in: int = 5,
    deadline_in: int = 20,
) -> Period:
    """A period whose dates are days from today (negative: in the past). Default: open."""
    with scope(org):
        return Period.objects.create(
            organisation=org,
            name=name,
            starts_on=today() + timedelta(days=starts_in),
            ends_on=today() + timedelta(days=ends_in),
            deadline=today() + timedelta(days=deadline_in),
        )


def closed_period(org: Organisation, name: str = "Årsbokslut") -> Period:
    return make_period(org, name, starts_in=-200, ends_in=-30, deadline_in=-10)


def world(c: Any) -> dict[str, Goal]:
    """An adopted målbild and three active goals: the förvaltning's, Åsens skola's that breaks
    it down, and Berga skola's."""
    adopt(c.org)
    top = make_goal(c.org, c.root, TOP, status=Goal.Status.ACTIVE)
    asen = make_goal(c.org, c.school, ASEN, parent=top, status=Goal.Status.ACTIVE)
    berga = make_goal(c.org, c.other_school, BERGA, parent=top, status=Goal.Status.ACTIVE)
    return {"top": top, "asen": asen, "berga": berga}


def make_report(
    period: Period,
    goal: Goal,
    state: str = State.DRAFT,
    *,
    decision: str = Report.Decision.CONTINUE,
    **fields: Any,
) -> Report:
    values = {
        "light": Goal.Light.AT_RISK,
        "analysis": "Eleverna använder verktygen, men **inte varje vecka**.",
        "reasoning": "Vi ser att arbetet ger resultat.",
        "revised_plan": "Varje arbetslag planerar en digital lektion i veckan."
        if decision == Report.Decision.ADJUST
        else "",
        **fields,
    }
    with scope(period.organisation):
        return Report.objects.create(
            organisation=period.organisation,
            period=period,
            goal=goal,
            unit=goal.unit,
            decision=decision,
            state=state,
            **values,
        )


def comment(report: Report, author: Any, body: str, **fields: Any) -> ReportComment:
    with scope(report.organisation):
        return ReportComment.objects.create(
            organisation=report.organisation, report=report, author=author, body=body, **fields
        )


def make_activity(
    unit: OrgUnit, goal: Goal, title: str = "Digital lektion varje vecka"
) -> Activity:
    with scope(unit.organisation):
        activity = Activity.objects.create(
            organisation=unit.organisation,
            unit=unit,
            title=title,
            starts_on=today() - timedelta(days=10),
            ends_on=today() + timedelta(days=100),
        )
        activity.goals.set([goal])
    return activity


def investment(org: Organisation) -> Investment:
    with scope(org):
        found = Investment.objects.order_by("id").first()
    assert found is not None
    return found


def follow_up_investment(
    period: Period, spent: str = "350000", **fields: Any
) -> InvestmentFollowUp:
    values = {
        "achieved": "120 lärare har gått första modulen.",
        "gains": InvestmentFollowUp.Gains.PARTLY,
        **fields,
    }
    with scope(period.organisation):
        return InvestmentFollowUp.objects.create(
            organisation=period.organisation,
            period=period,
            investment=investment(period.organisation),
            spent=Decimal(spent),
            **values,
        )


def reports(org: Organisation) -> list[Report]:
    with scope(org):
        return list(Report.objects.order_by("id"))


def fresh_report(report: Report) -> Report:
    with scope(report.organisation):
        return Report.objects.get(pk=report.pk)
