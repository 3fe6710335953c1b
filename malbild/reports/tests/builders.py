"""A small follow-up to put in documents: a closed period with reports in each state, an
indicator with measurements, a changed activity and a published story with a pupil's quote and
picture."""

from dataclasses import dataclass
from datetime import datetime, time
from io import BytesIO
from typing import Any

from django.utils import timezone
from pypdf import PdfReader

from malbild.followup.models import Period, Report
from malbild.followup.tests.builders import closed_period, make_activity, make_report, world
from malbild.goals.models import Goal
from malbild.goals.tests.builders import link, make_indicator, measure
from malbild.indicators.models import Indicator
from malbild.plans.models import ActivityRevision
from malbild.reports.models import GeneratedReport
from malbild.stories.models import Story
from malbild.stories.tests.builders import make_story
from malbild.tenants.scope import scope

TOP_ANALYSIS = "Förvaltningen ser att **lärplattorna** används i alla ämnen."
ASEN_ANALYSIS = "Åsens elever arbetar digitalt varje vecka sedan januari."
BERGA_ANALYSIS = "Berga har inte kommit igång med programmeringen."
MEASURED = {"2022": "40", "2023": "52", "2024": "61.5"}


@dataclass
class Followup:
    period: Period
    goals: dict[str, Goal]
    indicator: Indicator
    story: Story


def followup(c: Any, *, story_image: bool = True) -> Followup:
    """The top goal approved, Åsen's ready, Berga's a draft; an indicator of Åsen's goal
    measured three years; a revision of Åsen's activity and a published story in the period."""
    goals = world(c)
    period = closed_period(c.org, "Delår 1")
    make_report(period, goals["top"], Report.State.APPROVED, analysis=TOP_ANALYSIS)
    make_report(
        period, goals["asen"], Report.State.READY, analysis=ASEN_ANALYSIS,
        decision=Report.Decision.ADJUST,
    )  # fmt: skip
    make_report(
        period, goals["berga"], Report.State.DRAFT, analysis=BERGA_ANALYSIS,
        decision=Report.Decision.STOP,
    )  # fmt: skip
    indicator = make_indicator(c.org)
    link(goals["asen"], indicator)
    for year, value in MEASURED.items():
        measure(indicator, c.school, year, value)
    measure(indicator, c.other_school, "2024", "33")
    activity = make_activity(c.school, goals["asen"])
    with scope(c.org):
        revision = ActivityRevision.objects.create(
            organisation=c.org, activity=activity, kind=ActivityRevision.Kind.CHANGED,
            changes={"title": {"before": "Digital lektion", "after": activity.title}},
            reason="Tydligare namn",
        )  # fmt: skip
        # In the middle of the period (auto_now_add set it to now).
        middle = period.starts_on + (period.ends_on - period.starts_on) / 2
        ActivityRevision.objects.filter(pk=revision.pk).update(
            changed_at=timezone.make_aware(datetime.combine(middle, time(12)))
        )
    story = make_story(c.org, unit=c.school, image=story_image)
    with scope(c.org):
        start = timezone.make_aware(datetime.combine(period.starts_on, time(12)))
        Story.objects.filter(pk=story.pk).update(published_at=start)
    return Followup(period, goals, indicator, story)


def pdf_text(document: GeneratedReport) -> str:
    with document.pdf_file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_pages(document: GeneratedReport) -> list[str]:
    with document.pdf_file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    return [page.extract_text() for page in reader.pages]
