"""Small builders for the action-plan tests. They write with the models directly (inside
`scope`), so a test starts from the state it needs without going through the views or services
it may be testing."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from malbild.goals.models import Goal
from malbild.plans.models import Activity, ActivityRevision, Milestone
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope, unscoped

TODAY = timezone.localdate()


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def make_activity(
    org: Organisation,
    unit: OrgUnit,
    title: str = "Lärarna delar lektionsupplägg i arbetslagen",
    *,
    goals: tuple[Goal, ...] = (),
    starts_on: date | None = None,
    ends_on: date | None = None,
    **fields: Any,
) -> Activity:
    """An activity running from 30 days ago to 90 days ahead (unless told), with the first
    revision a creation leaves."""
    with scope(org):
        activity = Activity.objects.create(
            organisation=org,
            unit=unit,
            title=title,
            starts_on=starts_on or days(-30),
            ends_on=ends_on or days(90),
            **fields,
        )
        activity.goals.set(goals)
        ActivityRevision.objects.create(
            organisation=org,
            activity=activity,
            kind=ActivityRevision.Kind.CREATED,
            changes={"title": {"before": None, "after": title}},
        )
    return activity


def make_milestone(
    activity: Activity, title: str = "Första delningsträffen", due_on: date | None = None,
    done_on: date | None = None,
) -> Milestone:  # fmt: skip
    with scope(activity.organisation):
        return Milestone.objects.create(
            organisation=activity.organisation,
            activity=activity,
            title=title,
            due_on=due_on or days(14),
            done_on=done_on,
        )


def fresh(obj: Any) -> Any:
    with unscoped():
        return type(obj).objects.get(pk=obj.pk)


def revisions(activity: Activity) -> list[ActivityRevision]:
    """Oldest first."""
    with unscoped():
        return list(ActivityRevision.objects.filter(activity=activity).order_by("changed_at", "id"))


def goal_ids(activity: Activity) -> set[int]:
    with unscoped():
        return set(Activity.objects.get(pk=activity.pk).goals.values_list("pk", flat=True))
