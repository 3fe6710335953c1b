"""Elevrösten: opening a survey, a pupil's answer, closing (results and measurements), the open
answers' moderation, what is public, which statements measure which indicators, and the
housekeeping that closes surveys past their last day and removes answers after the retention.

Every write by a member checks its rules, writes inside one transaction and records an audit
event ("surveys.<verb>") in the same transaction. A pupil's answer is the exception, on purpose:
it is one INSERT of one row in one short transaction, and no audit event, because an event
would record when (and, through the request, from where) an anonymous pupil answered; the
survey's own events (opened, closed with so many answers) are the trail.
"""

import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from time import monotonic
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild import audit
from malbild.goals.progress import goals_measured_by, recalculate
from malbild.indicators.models import Indicator, Measurement
from malbild.lib import periods
from malbild.surveys import content
from malbild.surveys.models import (
    AGREE,
    MIN_ANSWERS,
    STEP_FIELDS,
    TEXT_LIMIT,
    Bank,
    IndicatorLink,
    Response,
    Result,
    Scale,
    Statement,
    Survey,
)
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope, unscoped

# Codes are read aloud and typed by children: no 0/O, 1/I/L, no vowels that spell words by
# accident is too strict for six letters, so only the look-alikes are left out.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
DEFAULT_DAYS_OPEN = 14
MAX_DAYS_OPEN = 90
# Answers are kept this long after a survey closes, so that teachers can read the open answers;
# then only the results (counts per statement) remain. docs/gdpr.md says the same.
RETENTION_DAYS = 90
IMPORT_RUN_PREFIX = "elevrosten-"  # Measurement.import_run of values a survey entered
MASK = "[…]"
STEPS = frozenset(Scale.values)  # (`Scale.values` builds its list anew at each call)
ADVISORY_LOCKS = 2501  # the first key of the surveys' PostgreSQL advisory locks (`_hold`)

# Contact details a pupil may write without thinking: a Swedish telephone number (0 or +46 and
# at least six more digits, spaces and hyphens allowed) or an e-mail address. They are taken out
# before the text is stored, and the teacher is told that something was.
PHONE = re.compile(r"(?<![\w+])(?:\+46|0046|0)[ \-]?\(?\d(?:[ \-()]?\d){5,}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def current_bank() -> Bank:
    """The newest version of the bank, written first if the database has none."""
    found = Bank.objects.order_by("-version").first()
    return found if found is not None else content.ensure()


def normalise_code(text: str) -> str:
    """A code as typed (any case, spaces or hyphens between) in its stored form."""
    return re.sub(r"[\s\-]", "", text or "").upper()[:20]


def _new_code() -> str:
    """A code no survey of any organisation has had: pupils type it without naming their
    municipality (about 890 million codes, so the loop ends at once)."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        with unscoped():  # the code must be unique across organisations
            if not Survey.objects.filter(code=code).exists():
                return code


# The surveys found by code lately, in this process: code → (until, survey). Only for the
# pupil's answer (`find(code, recent=True)`), whose write checks the survey's status again in
# its own transaction, so that a survey closed meanwhile (by another process) is never answered.
# In a school's survey hour every pupil opens the page just before answering, and each opening
# refreshes the entry: the answers of a whole school then cost no lookup and no query for it.
_RECENT: dict[str, tuple[float, Survey]] = {}
RECENT_SECONDS = 30.0
RECENT_ENTRIES = 500  # surveys open at the same moment in one process; emptied when full


def find(code: str, *, recent: bool = False) -> Survey | None:
    """The survey with this code, whichever organisation it belongs to (one query), or None.

    The only read of surveys outside an organisation's scope: a pupil's code names no
    organisation. The caller continues inside the survey's own organisation's scope.

    With `recent`, a survey this process found in the last RECENT_SECONDS is given without a
    query, as it was then (at most that old, and never after this process closed it): only for
    a caller that checks the status again where it matters (`answer()`'s transaction). The
    survey is shared by the threads of the process: read it, never change it."""
    code = normalise_code(code)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    now = monotonic()
    if recent:
        kept = _RECENT.get(code)
        if kept is not None and kept[0] > now:
            return kept[1]
    with unscoped():
        # No ordering: the code is unique, and an ORDER BY costs more to build than to run.
        found = Survey.objects.select_related("organisation", "unit", "bank").filter(code=code)
        survey = next(iter(found.order_by()[:1]), None)
    if survey is None:
        _RECENT.pop(code, None)
        return None
    if len(_RECENT) >= RECENT_ENTRIES:
        _RECENT.clear()
    _RECENT[code] = (now + RECENT_SECONDS, survey)
    return survey


def _forget(code: str) -> None:
    """Drop a survey from this process's recent ones (it closed)."""
    _RECENT.pop(code, None)


def answerable(survey: Survey, today: date | None = None) -> bool:
    """Whether pupils may still answer: open, and its last day has not passed."""
    today = today or timezone.localdate()
    return survey.is_open and today <= survey.closes_on


# Periods ------------------------------------------------------------------------------------------


def period_of(day: date, kind: str) -> periods.Period:
    """The period of `kind` (year, term, month) that `day` lies in."""
    if kind == periods.YEAR:
        text = str(day.year)
    elif kind == periods.TERM:
        text = f"{day.year}-{'VT' if day.month <= 6 else 'HT'}"
    else:
        text = f"{day.year}-{day.month:02d}"
    return periods.parse(text, kind)


def bounds(period: periods.Period) -> tuple[datetime, datetime]:
    """The first moment of `period` and the first after it, in local time."""
    year = int(period.text[:4])
    if period.kind == periods.YEAR:
        first, after = date(year, 1, 1), date(year + 1, 1, 1)
    elif period.kind == periods.TERM:
        autumn = period.text.endswith("HT")
        first = date(year, 7 if autumn else 1, 1)
        after = date(year + 1, 1, 1) if autumn else date(year, 7, 1)
    else:
        month = int(period.text[5:7])
        first = date(year, month, 1)
        after = date(year + month // 12, month % 12 + 1, 1)
    zone = timezone.get_current_timezone()
    return datetime.combine(first, time.min, zone), datetime.combine(after, time.min, zone)


# Opening ------------------------------------------------------------------------------------------


@transaction.atomic
def open_survey(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    unit: OrgUnit,
    age_group: str,
    statement_keys: Iterable[str],
    group_label: str = "",
    ask_free_text: bool = True,
    shared_devices: bool = False,
    expected_pupils: int | None = None,
    closes_on: date | None = None,
    now: datetime | None = None,
) -> Survey:
    """Open a survey of the chosen statements (in the bank's order) for a group of pupils; it
    gets a short code that works until it closes or `closes_on` has passed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    bank = current_bank()
    known = list(Statement.objects.filter(bank=bank).values_list("key", flat=True))
    chosen = set(statement_keys)
    errors: dict[str, Any] = {}
    if unit.organisation_id != organisation.pk or unit.is_archived:
        errors["unit"] = _("Choose one of the organisation's units.")
    if not chosen:
        errors["statement_keys"] = _("Choose at least one statement.")
    elif not chosen <= set(known):
        errors["statement_keys"] = _("Choose statements from the list.")
    closes_on = closes_on or today + timedelta(days=DEFAULT_DAYS_OPEN)
    if closes_on < today:
        errors["closes_on"] = _("The last day to answer cannot be in the past.")
    elif closes_on > today + timedelta(days=MAX_DAYS_OPEN):
        errors["closes_on"] = _("A survey can be open for at most %(days)d days.") % {
            "days": MAX_DAYS_OPEN
        }
    if errors:
        raise ValidationError(errors)
    survey = Survey.objects.create(
        organisation=organisation,
        unit=unit,
        group_label=group_label.strip(),
        age_group=age_group,
        bank=bank,
        statement_keys=[key for key in known if key in chosen],
        ask_free_text=ask_free_text,
        shared_devices=shared_devices,
        expected_pupils=expected_pupils,
        code=_new_code(),
        period=period_of(today, periods.TERM).text,
        closes_on=closes_on,
        opened_by=_user(request),
        opened_at=now,
    )
    audit.record(
        "surveys.opened",
        request=request,
        target=survey,
        summary=survey.title,
        after={
            "unit": unit.code,
            "group": survey.group_label,
            "pupils": age_group,
            "statements": survey.statement_keys,
            "closes_on": closes_on.isoformat(),
        },
        organisation=organisation,
    )
    return survey


# A pupil's answer ---------------------------------------------------------------------------------


def mask_contact_details(text: str) -> tuple[str, bool]:
    """The text with telephone numbers and e-mail addresses replaced by MASK, and whether any
    was."""
    masked, phones = PHONE.subn(MASK, text)
    masked, emails = EMAIL.subn(MASK, masked)
    return masked, bool(phones or emails)


def answer(
    survey: Survey, answers: dict[str, int], text: str = "", may_publish: bool = False
) -> Response:
    """Store one pupil's answers: one INSERT in one short transaction, nothing about the pupil.

    The caller (the pupil's form) has checked that every key is one of the survey's statements
    and every value a step of the scale; this checks it again, since nothing may store an answer
    to a statement the survey did not ask."""
    if not answerable(survey):
        raise ValidationError(_("This survey is closed."))
    allowed = set(survey.statement_keys)
    if not answers or not set(answers) <= allowed or not set(answers.values()) <= STEPS:
        raise ValidationError(_("Answer the statements of this survey."))
    text = (text or "").strip() if survey.ask_free_text else ""
    if len(text) > TEXT_LIMIT:
        raise ValidationError(_("Write at most %(limit)d characters.") % {"limit": TEXT_LIMIT})
    text, masked = mask_contact_details(text)
    response = Response(
        organisation_id=survey.organisation_id,
        survey=survey,
        answers=answers,
        text=text,
        text_state=Response.TextState.UNREAD if text else Response.TextState.NONE,
        text_masked=masked,
        may_publish=bool(text and may_publish and survey.may_consent()),
    )
    # No savepoint inside the caller's transaction: the one statement either writes the row or
    # writes nothing, and the refusal is raised once the block is left cleanly.
    with transaction.atomic(savepoint=False):
        # Still open, now that the write has begun: an answer that arrives while the survey
        # closes is either counted in its results or refused, never stored uncounted.
        _hold(survey, exclusive=False)
        response.pk = _insert_if_open(response)
    if response.pk is None:
        raise ValidationError(_("This survey is closed."), code="closed")
    response._state.adding = False
    response._state.db = connection.alias
    return response


def _insert_if_open(response: Response) -> int | None:
    """INSERT the answer only if its survey is still open, in one statement (the check and the
    write together: one round trip, and no query for the ORM to build twice per answer);
    returns its id, or None when the survey is no longer open. The caller holds the transaction
    and `_hold`. Every column but the id is written from the answer, as `create()` would."""
    quote = connection.ops.quote_name
    fields = [field for field in Response._meta.concrete_fields if not field.primary_key]
    values = [
        field.get_db_prep_save(getattr(response, field.attname), connection) for field in fields
    ]
    status = Survey._meta.get_field("status").column
    sql = (
        f"INSERT INTO {quote(Response._meta.db_table)} "  # noqa: S608  (names from the models)
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"SELECT {', '.join(['%s'] * len(fields))} "
        f"WHERE EXISTS (SELECT 1 FROM {quote(Survey._meta.db_table)} "
        f"WHERE {quote(Survey._meta.pk.column)} = %s AND {quote(status)} = %s) "
        f"RETURNING {quote(Response._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, response.survey_id, Survey.Status.OPEN.value])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _hold(survey: Survey, *, exclusive: bool) -> None:
    """Order answers and the closing of a survey; the caller holds the transaction. On SQLite
    every write transaction already holds the one write lock from its start (IMMEDIATE), so an
    answer's check of the status and its INSERT see the survey either open or closed. On
    PostgreSQL answers take a shared advisory lock on the survey (they never wait for each
    other) and closing an exclusive one: closing waits for answers under way, and answers that
    begin meanwhile wait for it, then find the survey closed."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [ADVISORY_LOCKS, survey.pk % 2**31])


# Closing: results and measurements ---------------------------------------------------------------


def share_agreeing(counts: dict[int, int]) -> tuple[Decimal | None, int]:
    """Per cent (one decimal) of the answers on the scale that agree (3 or 4), and how many
    answers were on the scale; None when none were."""
    on_scale = sum(int(counts.get(step, 0)) for step in (1, 2, 3, 4))
    if not on_scale:
        return None, 0
    agreeing = sum(int(counts.get(step, 0)) for step in AGREE)
    share = Decimal(agreeing * 100) / Decimal(on_scale)
    return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), on_scale


def _results(survey: Survey, responses: list[dict[str, Any]]) -> list[Result]:
    counts: dict[str, Counter[int]] = {key: Counter() for key in survey.statement_keys}
    for answers in responses:
        for key, step in answers.items():
            if key in counts:
                counts[key][int(step)] += 1
    return [
        Result(
            organisation_id=survey.organisation_id,
            survey=survey,
            statement_key=key,
            agree=share_agreeing(counts[key])[0],
            **{name: counts[key][step] for step, name in STEP_FIELDS.items()},
        )
        for key in survey.statement_keys
    ]


@transaction.atomic
def close_survey(
    survey: Survey, request: HttpRequest | None, *, now: datetime | None = None
) -> Survey:
    """Close an open survey: its code stops working; with at least MIN_ANSWERS answers its
    results are kept and linked indicators get their values (`enter_measurements`). With fewer,
    nothing is shown and nothing measured: a result of so few could point out a pupil."""
    _hold(survey, exclusive=True)
    survey = Survey.objects.select_for_update().select_related("unit").get(pk=survey.pk)
    if not survey.is_open:
        raise ValidationError(_("This survey is already closed."))
    responses = list(Response.objects.filter(survey=survey).values_list("answers", flat=True))
    survey.status = Survey.Status.CLOSED
    survey.closed_at = now or timezone.now()
    survey.closed_by = _user(request)
    survey.answer_count = len(responses)
    survey.save(update_fields=["status", "closed_at", "closed_by", "answer_count"])
    transaction.on_commit(partial(_forget, survey.code))
    if survey.answer_count >= MIN_ANSWERS:
        Result.objects.bulk_create(_results(survey, responses))
    audit.record(
        "surveys.closed",
        request=request,
        target=survey,
        summary=survey.title,
        after={"answers": survey.answer_count, "results": survey.has_results},
        organisation=survey.organisation,
    )
    if survey.has_results:
        enter_measurements(survey, request)
    return survey


@dataclass(frozen=True)
class Entered:
    indicator: str
    unit: str
    period: str
    value: Decimal
    answers: int


def enter_measurements(survey: Survey, request: HttpRequest | None) -> list[Entered]:
    """Enter the share of agreeing pupils of each linked statement the survey asked, as the
    indicator's value for the survey's unit and each unit above it, in the indicator's period
    that the survey was opened in; the caller holds the transaction.

    Each unit's value pools every closed survey with results in its subtree and that period
    (so a school's value is all its classes together), and is entered only when at least
    MIN_ANSWERS pupils took a position. A value for the same key is replaced, as an import
    replaces it; the stored progress of the goals they measure is recalculated once, and one
    audit event lists what was entered."""
    links = list(
        IndicatorLink.objects.filter(statement_key__in=survey.statement_keys).select_related(
            "indicator"
        )
    )
    if not links:
        return []
    units = [survey.unit, *OrgUnit.objects.filter(pk__in=survey.unit.ancestor_ids())]
    top = min(units, key=lambda u: u.depth)
    day = timezone.localdate(survey.opened_at)
    entered: list[Entered] = []
    for link in links:
        indicator = link.indicator
        period = period_of(day, indicator.periodicity)
        first, after = bounds(period)
        pooled = (
            Result.objects.filter(
                statement_key=link.statement_key,
                survey__status=Survey.Status.CLOSED,
                survey__opened_at__gte=first,
                survey__opened_at__lt=after,
                survey__unit__path__startswith=top.path,
            )
            .values("survey__unit__path")
            .annotate(**{name: Sum(name) for name in STEP_FIELDS.values()})
        )
        rows = list(pooled)
        for unit in units:
            counts: Counter[int] = Counter()
            for row in rows:
                if row["survey__unit__path"].startswith(unit.path):
                    counts.update({step: row[name] for step, name in STEP_FIELDS.items()})
            value, on_scale = share_agreeing(counts)
            if value is None or on_scale < MIN_ANSWERS:
                continue
            _store(indicator, unit, period, value, survey)
            entered.append(Entered(indicator.code, unit.code, period.text, value, on_scale))
    if not entered:
        return []
    goal_ids: set[int] = set()
    for link in links:
        goal_ids.update(goals_measured_by(link.indicator_id))
    recalculate(goal_ids)
    audit.record(
        "surveys.measurements_entered",
        request=request,
        target=survey,
        summary=survey.title,
        after={
            "import_run": f"{IMPORT_RUN_PREFIX}{survey.pk}",
            "values": [
                {
                    "indicator": e.indicator,
                    "unit": e.unit,
                    "period": e.period,
                    "value": str(e.value),
                    "answers": e.answers,
                }
                for e in entered
            ],
        },
        organisation=survey.organisation,
    )
    return entered


def _store(
    indicator: Indicator, unit: OrgUnit, period: periods.Period, value: Decimal, survey: Survey
) -> None:
    Measurement.objects.update_or_create(
        indicator=indicator,
        org_unit=unit,
        period=period.text,
        gender=Measurement.Gender.ALL,
        defaults={
            "organisation_id": survey.organisation_id,
            "position": period.position,
            "value": value,
            "status": Measurement.Status.OK,
            "import_run": f"{IMPORT_RUN_PREFIX}{survey.pk}",
        },
    )


# What staff and the public see -------------------------------------------------------------------


@transaction.atomic
def set_results_public(survey: Survey, request: HttpRequest | None, public: bool) -> None:
    """Show (or stop showing) a closed survey's results on the public pages."""
    if public and not survey.has_results:
        raise ValidationError(
            _("Only a closed survey with at least %(count)d answers has results to show.")
            % {"count": MIN_ANSWERS}
        )
    before = survey.results_public
    survey.results_public = public
    survey.save(update_fields=["results_public"])
    audit.record(
        "surveys.publicity_changed",
        request=request,
        target=survey,
        summary=survey.title,
        before={"public": before},
        after={"public": public},
        organisation=survey.organisation,
    )


TEXT_ACTIONS = {  # action → (new state, audit action)
    "read": (Response.TextState.READ, "surveys.text_read"),
    "hide": (Response.TextState.HIDDEN, "surveys.text_hide"),
    "choose": (Response.TextState.CHOSEN, "surveys.text_choose"),
}


@transaction.atomic
def moderate_text(response: Response, request: HttpRequest | None, action: str) -> None:
    """A teacher has read an open answer (then staff see it), hides it (nobody sees it again),
    or chooses it for the public pages, which needs the pupil's own consent, given when they
    answered, and pupils old enough to give it (the stories' rule). The audit event names the
    answer, never its words."""
    found = TEXT_ACTIONS.get(action)
    if found is None or not response.text:
        raise ValidationError(_("Choose what to do with the answer."))
    state, event = found
    if state == Response.TextState.CHOSEN and not (
        response.may_publish and response.survey.may_consent()
    ):
        raise ValidationError(
            _(
                "This answer cannot be shown publicly: the pupil did not agree to it, or the "
                "pupils are younger than the age from which they may agree themselves."
            )
        )
    before = response.text_state
    response.text_state = state
    response.save(update_fields=["text_state"])
    audit.record(  # one of TEXT_ACTIONS' events
        event,
        request=request,
        target=response.survey,
        summary=response.survey.title,
        before={"answer": response.pk, "state": before},
        after={"answer": response.pk, "state": state},
        organisation=response.organisation,
    )


# Which statements measure which indicators --------------------------------------------------------


@transaction.atomic
def link_indicator(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    statement_key: str,
    indicator: Indicator | None,
) -> None:
    """Let `statement_key` measure `indicator` (None: measure nothing). A statement measures
    one indicator and an indicator is measured by one statement."""
    if not Statement.objects.filter(key=statement_key).exists():
        raise ValidationError({"statement_key": _("Choose a statement from the list.")})
    existing = IndicatorLink.objects.filter(statement_key=statement_key).first()
    before = existing.indicator.code if existing else None
    if indicator is not None:
        if indicator.organisation_id != organisation.pk:
            raise ValidationError({"indicator": _("Choose one of the organisation's indicators.")})
        other = IndicatorLink.objects.filter(indicator=indicator).exclude(
            statement_key=statement_key
        )
        if other.exists():
            raise ValidationError(
                {"indicator": _("Another statement already measures this indicator.")}
            )
    if existing is not None:
        existing.delete()
    if indicator is not None:
        IndicatorLink.objects.create(
            organisation=organisation,
            statement_key=statement_key,
            indicator=indicator,
            created_by=_user(request),
        )
    audit.record(
        "surveys.indicator_linked",
        request=request,
        summary=statement_key,
        before={"statement": statement_key, "indicator": before},
        after={"statement": statement_key, "indicator": indicator.code if indicator else None},
        organisation=organisation,
    )


# Housekeeping -------------------------------------------------------------------------------------


def close_expired(now: datetime | None = None) -> int:
    """Close every open survey whose last day has passed, each in its own organisation and
    transaction. Returns how many were closed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    closed = 0
    for organisation in Organisation.objects.all():
        with scope(organisation):
            for survey in Survey.objects.filter(status=Survey.Status.OPEN, closes_on__lt=today):
                try:
                    close_survey(survey, None, now=now)
                except ValidationError:  # closed meanwhile by a person
                    continue
                closed += 1
    return closed


def remove_old_answers(now: datetime | None = None) -> int:
    """Remove the answers of surveys closed more than RETENTION_DAYS ago (their results stay);
    an open answer chosen for the public pages stays, without the answers beside it. Returns how
    many answers were removed."""
    cutoff = (now or timezone.now()) - timedelta(days=RETENTION_DAYS)
    removed = 0
    for organisation in Organisation.objects.all():
        with scope(organisation):
            surveys = list(
                Survey.objects.filter(status=Survey.Status.CLOSED, closed_at__lt=cutoff)
                .filter(responses__isnull=False)
                .distinct()
            )
            for survey in surveys:
                with transaction.atomic():
                    old = Response.objects.filter(survey=survey)
                    chosen = old.filter(text_state=Response.TextState.CHOSEN)
                    chosen.update(answers={})
                    count, _counts = old.exclude(text_state=Response.TextState.CHOSEN).delete()
                    if count:
                        audit.record(
                            "surveys.answers_removed",
                            target=survey,
                            summary=survey.title,
                            after={"removed": count, "retention_days": RETENTION_DAYS},
                            organisation=organisation,
                        )
                    removed += count
    return removed
