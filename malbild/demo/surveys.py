"""Mittköping's pupil surveys (Elevrösten): three spring rounds a year apart in every school,
from förskoleklass to upper secondary school, with a believable spread between schools and
statements; and one survey open right now at Åsens skola, so that the teacher has a code to
show.

The statement "The digital tools at school help me learn" (A1) measures the indicator DIGUPPL,
so the förvaltning's goal "Eleverna upplever att de digitala verktygen hjälper dem att lära" and
the schools' goals under it get their values from the closed surveys, through the same service
that closes a survey in the interface.

Everything is fictional and written for Målbild. The answers are made, not drawn at random: each
group's share who agree is set per statement (school level, plus the statement's own offset,
plus a step per round), so the figures are the same at every load. Loading is idempotent:
nothing is written when the organisation has surveys already.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.indicators.models import Indicator
from malbild.surveys import content, services
from malbild.surveys.models import AgeGroup, IndicatorLink, Response, Survey
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

ROUNDS_BACK = (5, 3, 1)  # terms before the current one: three spring rounds a year apart
MEASURED_STATEMENT, MEASURED_INDICATOR = "A1", "DIGUPPL"


@dataclass(frozen=True)
class DemoGroup:
    school: str  # unit code
    label: str
    age_group: str
    pupils: int
    agree: tuple[int, int, int]  # per cent who agree with A1 in each round, oldest first


GROUPS = (
    DemoGroup("ASEN", "3A", AgeGroup.YOUNG, 21, (74, 78, 82)),
    DemoGroup("ASEN", "5A", AgeGroup.MIDDLE, 24, (66, 72, 78)),
    DemoGroup("ASEN", "5B", AgeGroup.MIDDLE, 23, (63, 70, 76)),
    DemoGroup("BJORK", "4", AgeGroup.MIDDLE, 26, (60, 64, 70)),
    DemoGroup("BJORK", "6", AgeGroup.MIDDLE, 25, (58, 63, 69)),
    DemoGroup("CENTRAL", "2B", AgeGroup.YOUNG, 22, (70, 72, 75)),
    DemoGroup("CENTRAL", "5A", AgeGroup.MIDDLE, 27, (62, 66, 71)),
    DemoGroup("HAGA", "5", AgeGroup.MIDDLE, 19, (54, 56, 61)),
    DemoGroup("NORRBY", "8A", AgeGroup.OLDER, 28, (52, 56, 60)),
    DemoGroup("NORRBY", "8B", AgeGroup.OLDER, 27, (50, 55, 61)),
    DemoGroup("KYRKBY", "8", AgeGroup.OLDER, 26, (60, 58, 55)),
    DemoGroup("KYRKBY", "9", AgeGroup.OLDER, 25, (57, 56, 54)),
    DemoGroup("SJOVIK", "5", AgeGroup.MIDDLE, 22, (64, 66, 71)),
    DemoGroup("SJOVIK", "8", AgeGroup.OLDER, 24, (55, 57, 60)),
    DemoGroup("MKGY", "NA2", AgeGroup.UPPER, 28, (66, 70, 74)),
    DemoGroup("MKGY", "EK2", AgeGroup.UPPER, 27, (63, 66, 71)),
    DemoGroup("MKGY", "BA2", AgeGroup.UPPER, 16, (58, 61, 66)),
)

# How each statement differs from A1 (percentage points), and per school where it stands out.
OFFSETS = {"A1": 0, "A2": -6, "A3": -10, "A4": 4, "K1": 6, "K2": -4, "K3": -8, "I1": 2,
           "I2": 8, "I3": -14, "L1": 12, "L2": 6, "L3": -2}  # fmt: skip
SCHOOL_OFFSETS = {("HAGA", "I3"): -12, ("KYRKBY", "A4"): -15, ("SJOVIK", "A4"): -10,
                  ("MKGY", "L3"): 8, ("ASEN", "I1"): 6}  # fmt: skip
DONT_KNOW = {"A1": 4, "A3": 10, "K3": 8, "I3": 12, "L2": 6}  # per cent answering "I don't know"
NOT_PUBLIC = {"KYRKBY"}  # its rektor has not chosen to publish

# Open answers of the latest round: (school, group, text, state, may publish).
TEXTS = (
    ("ASEN", "5A", "Det är bra att vi kan lyssna på texterna när vi läser.", "read", False),
    ("ASEN", "5B", "Min dator laddar ur efter lunch och då hinner jag inte klart.", "read", False),
    ("BJORK", "6", "Jag vill kunna låna en laddare i klassrummet.", "unread", False),
    ("HAGA", "5", "Det tar lång tid innan trasiga datorer kommer tillbaka.", "read", False),
    ("SJOVIK", "8", "Vi har för många olika appar, jag vet aldrig var jag ska lämna in.",
     "read", False),
    ("KYRKBY", "9", "Ring mig på 070-000 00 00 om ni vill veta mer om wifi-problemen.",
     "unread", False),
    ("NORRBY", "8A", "Kalle i 8A har sönder min dator hela tiden.", "hidden", False),
    ("MKGY", "NA2", "Det bästa är att lärarna lägger allt material på samma ställe, så att jag "
     "kan plugga i min egen takt.", "chosen", True),
    ("MKGY", "EK2", "Ibland är det svårt att veta om en källa på nätet går att lita på.",
     "read", True),
)  # fmt: skip


def _term_start(steps_back: int, today: datetime) -> datetime:
    """A day in the middle of the spring term `steps_back` terms before today's."""
    index = today.year * 2 + (0 if today.month <= 6 else 1) - steps_back
    year, autumn = divmod(index, 2)
    day = datetime(year, 10 if autumn else 3, 10).date()
    return datetime.combine(day, time(9, 0), timezone.get_current_timezone())


def _answers(group: DemoGroup, round_index: int, keys: list[str]) -> list[dict[str, int]]:
    """The group's answers in one round: for each statement the set share agree (steps 4 or 3),
    the rest disagree (2 or 1), a few "I don't know"; which pupil answers what is shuffled with
    a fixed seed."""
    rng = random.Random(f"{group.school}-{group.label}-{round_index}")  # noqa: S311 (demo data)
    pupils: list[dict[str, int]] = [{} for _ in range(group.pupils)]
    for key in keys:
        share = group.agree[round_index] + OFFSETS[key] + SCHOOL_OFFSETS.get((group.school, key), 0)
        share = max(5, min(97, share))
        dont_know = round(group.pupils * DONT_KNOW.get(key, 2) / 100)
        on_scale = group.pupils - dont_know
        agreeing = round(on_scale * share / 100)
        steps = [0] * dont_know
        steps += [4 if rng.random() < 0.55 else 3 for _ in range(agreeing)]
        steps += [2 if rng.random() < 0.65 else 1 for _ in range(on_scale - agreeing)]
        rng.shuffle(steps)
        for pupil, step in zip(pupils, steps, strict=True):
            pupil[key] = step
    return pupils


def load(organisation: Organisation, people: dict[str, User]) -> None:
    """Create Mittköping's survey rounds and the open survey, unless it has surveys already."""
    with scope(organisation):
        if Survey.objects.exists():
            return
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        indicator = Indicator.objects.filter(code=MEASURED_INDICATOR).first()
        if indicator is not None:
            IndicatorLink.objects.create(
                organisation=organisation, statement_key=MEASURED_STATEMENT, indicator=indicator,
                created_by=people.get("forvaltning"),
            )  # fmt: skip
        keys = list(content.statements())
        now = timezone.now()
        count = 0
        for round_index, back in enumerate(ROUNDS_BACK):
            opened = _term_start(back, timezone.localtime(now))
            for group in GROUPS:
                survey = services.open_survey(
                    organisation, None, unit=units[group.school], age_group=group.age_group,
                    statement_keys=keys, group_label=group.label,
                    expected_pupils=group.pupils + 2, now=opened,
                    closes_on=(opened + timedelta(days=14)).date(),
                )  # fmt: skip
                rows = _answers(group, round_index, keys)
                _store(organisation, survey, rows, latest=round_index == len(ROUNDS_BACK) - 1)
                services.close_survey(survey, None, now=opened + timedelta(days=10))
                Survey.objects.filter(pk=survey.pk).update(
                    opened_by=people.get("rektor" if group.school == "ASEN" else "forvaltning"),
                    results_public=group.school not in NOT_PUBLIC,
                )
                count += 1
        _open_now(organisation, units["ASEN"], people, keys, now)
        audit.record(
            "surveys.demo_loaded",
            summary=f"{count + 1} elevenkäter",
            organisation=organisation,
        )


def _store(
    organisation: Organisation, survey: Survey, rows: list[dict[str, int]], *, latest: bool
) -> None:
    texts = [t for t in TEXTS if latest and (t[0], t[1]) == (survey.unit.code, survey.group_label)]
    answers = [Response(organisation=organisation, survey=survey, answers=row) for row in rows]
    for response, (_school, _group, text, state, may_publish) in zip(answers, texts, strict=False):
        response.text, response.text_masked = services.mask_contact_details(text)
        response.text_state = Response.TextState.UNREAD if state == "unread" else state
        response.may_publish = may_publish and survey.may_consent()
    Response.objects.bulk_create(answers)


def _open_now(
    organisation: Organisation, unit: OrgUnit, people: dict[str, User], keys: list[str],
    now: datetime,
) -> None:  # fmt: skip
    """Åsens skola's class 6B answering right now: three answers so far."""
    survey = services.open_survey(
        organisation, None, unit=unit, age_group=AgeGroup.MIDDLE, statement_keys=keys[:6],
        group_label="6B", expected_pupils=24, now=now - timedelta(days=2),
        closes_on=(now + timedelta(days=7)).date(),
    )  # fmt: skip
    Survey.objects.filter(pk=survey.pk).update(opened_by=people.get("larare"))
    group = DemoGroup("ASEN", "6B", AgeGroup.MIDDLE, 3, (70, 70, 70))
    Response.objects.bulk_create(
        Response(organisation=organisation, survey=survey, answers=row)
        for row in _answers(group, 0, keys[:6])
    )
