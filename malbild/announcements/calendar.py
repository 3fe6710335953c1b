"""The dates an organisation works towards, for its iCalendar feed: when the målbild is to be
reviewed, when follow-up reports are due, when activities end, when steering documents change,
the last days of the open pupil surveys and of the open self-assessment rounds the person
answers: the coming dates of the start page, and more."""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild.announcements.feeds import Event
from malbild.assessments.models import AssessmentRound
from malbild.steering.models import SteeringChange
from malbild.surveys.models import Survey
from malbild.targets.models import TargetVision
from malbild.tenants.models import Organisation

ACTIVITIES_SHOWN = 500
CHANGES_SHOWN = SURVEYS_SHOWN = ROUNDS_SHOWN = 200
ENDED_SHOWN_DAYS = 30  # activities that ended this long ago still show


def events(organisation: Organisation, user_id: int | None = None) -> list[Event]:
    """Six queries at most, inside the organisation's scope. The rounds are those `user_id`
    takes part in: a round is read only in its unit's subtree (DESIGN.md §4), and it is the
    participants who have a day to answer by."""
    host = f"{organisation.slug}.malbild"
    since = timezone.localdate() - timedelta(days=ENDED_SHOWN_DAYS)
    found = [
        Event(
            uid=f"review-{version.pk}@{host}",
            day=version.review_date,
            summary=_("Review the målbild: %(title)s") % {"title": version.title},
        )
        for version in TargetVision.objects.filter(
            status=TargetVision.Status.ADOPTED, review_date__isnull=False
        )
        if version.review_date is not None  # the filter rules it out; this tells mypy
    ]
    if apps.is_installed("malbild.followup"):
        from malbild.followup.models import Period

        found += [
            Event(
                uid=f"followup-{period.pk}@{host}",
                day=period.deadline,
                summary=_("Follow-up reports due: %(name)s") % {"name": period.name},
            )
            for period in Period.objects.all()[:200]
        ]
    if apps.is_installed("malbild.plans"):
        from malbild.plans.models import Activity

        found += [
            Event(
                uid=f"activity-{activity.pk}@{host}",
                day=activity.ends_on,
                summary=_("Activity ends: %(title)s (%(unit)s)")
                % {"title": activity.title, "unit": activity.unit.name},
            )
            for activity in Activity.objects.filter(ends_on__gte=since)
            .exclude(status__in=[Activity.Status.DONE, Activity.Status.CANCELLED])
            .select_related("unit")
            .order_by("ends_on", "id")[:ACTIVITIES_SHOWN]
        ]
    found += [
        Event(
            uid=f"steering-{change.pk}@{host}",
            day=change.date,
            summary=f"{change.document.title}: {change.get_kind_display()}",
        )
        for change in SteeringChange.objects.filter(date__gte=since)
        .select_related("document")
        .order_by("date", "id")[:CHANGES_SHOWN]
    ]
    found += [
        Event(
            uid=f"survey-{survey.pk}@{host}",
            day=survey.closes_on,
            summary=_("Last day to answer the pupil survey: %(title)s") % {"title": survey.title},
        )
        for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_on__gte=since)
        .select_related("unit")
        .order_by("closes_on", "id")[:SURVEYS_SHOWN]
    ]
    if user_id is not None:
        found += [
            Event(
                uid=f"round-{round_.pk}@{host}",
                day=round_.closes_on,
                summary=_("Last day to answer the self-assessment: %(title)s (%(unit)s)")
                % {"title": round_.title, "unit": round_.unit.name},
            )
            for round_ in AssessmentRound.objects.filter(
                participants__user_id=user_id,
                status=AssessmentRound.Status.OPEN,
                closes_on__gte=since,
            )
            .select_related("unit")
            .order_by("closes_on", "id")[:ROUNDS_SHOWN]
            if round_.closes_on is not None  # the filter rules it out; this tells mypy
        ]
    return sorted(found, key=lambda e: (e.day, e.uid))
