"""Writing practices: drafts, sharing and publishing, comments from other organisations, using a
practice in one's own work, and imports.

Every function writes inside one transaction and records an audit event ("practices.<verb>") in
it; SQLite's FTS5 row is written in the same transaction, so the search never finds what was
not saved. An import is one event, however many practices it brings.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.accounts.models import signed_in
from malbild.goals.models import Goal
from malbild.indicators.models import Indicator
from malbild.plans import services as plan_services
from malbild.plans.models import Activity
from malbild.practices import search
from malbild.practices.models import Practice, PracticeComment, PracticeUse, Tip
from malbild.targets import services as target_services
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import Organisation, OrgUnit

State = Practice.State
MAX_TIPS = 30
MAX_TIP = 500

STATE_ACTIONS = {
    State.DRAFT: "practices.withdrawn",
    State.SHARED: "practices.shared",
    State.PUBLIC: "practices.made_public",
}


@dataclass
class Draft:
    """What a practice says, from a form or an imported file, before it is written."""

    title: str
    summary: str
    focus_area: FocusArea
    unit: OrgUnit
    contact_role: str
    details: str = ""
    contact_email: str = ""
    tips: list[str] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    """A guard for callers other than the forms (which only offer the organisation's rows)."""
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValueError(f"{obj!r} belongs to another organisation")


def clean_tips(lines: Iterable[str]) -> list[str]:
    """Tips as written, one a line: list markers and blank lines dropped, each checked."""
    tips = []
    for line in lines:
        text = " ".join(line.split()).lstrip("-*• ").strip()
        if text:
            tips.append(text)
    if len(tips) > MAX_TIPS:
        raise ValidationError(
            {
                "tips": ValidationError(
                    _("Keep it to at most %(max)s tips."), params={"max": MAX_TIPS}
                )
            }
        )
    for tip in tips:
        if len(tip) > MAX_TIP:
            raise ValidationError(
                {
                    "tips": ValidationError(
                        _("A tip is at most %(max)s characters; this one is longer: “%(start)s…”."),
                        params={"max": MAX_TIP, "start": tip[:40]},
                    )
                }
            )
    return tips


def check_title(organisation: Organisation, title: str, practice: Practice | None = None) -> None:
    """Titles are unique within the organisation (one query)."""
    others = Practice.objects.filter(organisation=organisation, title__iexact=title)
    if practice is not None and practice.pk:
        others = others.exclude(pk=practice.pk)
    if others.exists():
        raise ValidationError(
            {
                "title": ValidationError(
                    _("There is already a practice called “%(title)s”. Choose another title."),
                    params={"title": title},
                )
            }
        )


def results_of(goals: Iterable[Goal], indicators: Iterable[Indicator]) -> list[dict[str, Any]]:
    """What others see of the goals and indicators a practice came from: titles and where they
    stood when it was saved (no ids, no people). Only goals that are or were active: a draft
    goal's title is the organisation's own until it is set (and a goal never returns to draft)."""
    found: list[dict[str, Any]] = []
    for goal in goals:
        if goal.status == Goal.Status.DRAFT:
            continue
        found.append(
            {
                "kind": "goal",
                "title": goal.title,
                "progress": None if goal.progress is None else float(goal.progress),
                "light": goal.light,
            }
        )
    for indicator in indicators:
        found.append(
            {"kind": "indicator", "title": indicator.name, "unit": indicator.unit_of_measure}
        )
    return found


def _state(practice: Practice) -> dict[str, Any]:
    return {
        "title": practice.title,
        "summary": practice.summary,
        "details": practice.details,
        "unit": practice.unit_id,
        "focus_area": practice.focus_area_id,
        "contact_role": practice.contact_role,
        "contact_email": practice.contact_email,
        "state": practice.state,
    }


def _write(
    organisation: Organisation,
    request: HttpRequest | None,
    draft: Draft,
    practice: Practice | None = None,
) -> Practice:
    """Create or update the practice from `draft`, its tips and links, and its search row."""
    _same_organisation(organisation.pk, draft.unit, draft.focus_area, *draft.goals,
                       *draft.indicators)  # fmt: skip
    if practice is not None:
        _same_organisation(organisation.pk, practice)
    title = " ".join(draft.title.split())
    if not title:
        raise ValidationError({"title": _("Write a title.")})
    if not draft.summary.strip():
        raise ValidationError({"summary": _("Write a short summary of what worked.")})
    if not draft.contact_role.strip():
        raise ValidationError({"contact_role": _("Say which role others can ask.")})
    check_title(organisation, title, practice)
    tips = clean_tips(draft.tips)
    if practice is None:
        practice = Practice(organisation=organisation, created_by=signed_in(request))
    practice.title = title
    practice.summary = draft.summary.strip()
    practice.details = draft.details.strip()
    practice.unit = draft.unit
    practice.focus_area = draft.focus_area
    practice.contact_role = " ".join(draft.contact_role.split())
    practice.contact_email = draft.contact_email.strip()
    practice.results = results_of(draft.goals, draft.indicators)
    practice.search_text = search.normalise(
        title, practice.summary, practice.details, draft.focus_area.name, *tips
    )
    practice.save()
    practice.goals.set(draft.goals)
    practice.indicators.set(draft.indicators)
    Tip.objects.filter(practice=practice).delete()
    Tip.objects.bulk_create(
        Tip(organisation=organisation, practice=practice, position=i, text=text)
        for i, text in enumerate(tips, start=1)
    )
    search.reindex(practice)
    return practice


@transaction.atomic
def create(organisation: Organisation, request: HttpRequest | None, draft: Draft) -> Practice:
    """A new practice, as a draft that only the own organisation reads."""
    practice = _write(organisation, request, draft)
    audit.record(
        "practices.created",
        request=request,
        target=practice,
        summary=practice.title,
        after=_state(practice),
        organisation=organisation,
    )
    return practice


@transaction.atomic
def update(practice: Practice, request: HttpRequest | None, draft: Draft) -> Practice:
    before = _state(practice)
    practice = _write(practice.organisation, request, draft, practice)
    audit.record(
        "practices.changed",
        request=request,
        target=practice,
        summary=practice.title,
        before=before,
        after=_state(practice),
        organisation=practice.organisation,
    )
    return practice


@transaction.atomic
def set_state(practice: Practice, request: HttpRequest | None, state: str) -> Practice:
    """Keep as a draft, share with every organisation on the installation, or make public."""
    if state not in State.values:
        raise ValidationError(_("Choose draft, shared or public."))
    if state == practice.state:
        return practice
    before = practice.state
    practice.state = state
    if state != State.DRAFT and practice.shared_at is None:
        practice.shared_at = timezone.now()
    practice.save(update_fields=["state", "shared_at", "updated_at"])
    audit.record(
        STATE_ACTIONS[State(state)],
        request=request,
        target=practice,
        summary=practice.title,
        before={"state": before},
        after={"state": state},
        organisation=practice.organisation,
    )
    return practice


@transaction.atomic
def comment(
    practice: Practice,
    request: HttpRequest | None,
    organisation: Organisation,
    *,
    kind: str,
    body: str,
) -> PracticeComment:
    """A comment or question on a shared practice, stored with the commenter's organisation."""
    if not practice.is_shared:
        raise ValidationError(_("Only shared practices can be commented on."))
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write something first.")})
    item = PracticeComment.objects.create(
        organisation=organisation,
        practice=practice,
        kind=kind,
        body=text,
        author=signed_in(request),
    )
    audit.record(
        "practices.commented",
        request=request,
        target=item,
        summary=text[:200],
        after={"practice": practice.pk, "practice_organisation": practice.organisation_id},
        organisation=organisation,
    )
    return item


def link_back(practice: Practice, publisher: str, url: str) -> str:
    """The line an activity or a note carries back to the practice it came from."""
    return str(
        _("From the practice “%(title)s” by %(organisation)s: %(url)s")
        % {"title": practice.title, "organisation": publisher, "url": url}
    )


@transaction.atomic
def use_in_plan(
    practice: Practice,
    request: HttpRequest | None,
    organisation: Organisation,
    *,
    unit: OrgUnit,
    tips: list[str],
    starts_on: date,
    ends_on: date,
    publisher: str,
    url: str,
) -> list[Activity]:
    """Each chosen tip becomes an activity, not started yet, in `unit`'s action plan: a
    suggestion the unit takes up or drops, with a line back to the practice."""
    if not tips:
        raise ValidationError({"tips": _("Choose at least one tip to use.")})
    activities = []
    for tip in tips:
        activity = plan_services.create_activity(
            organisation,
            request,
            unit=unit,
            title=tip[:200],
            description=link_back(practice, publisher, url),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        PracticeUse.objects.create(
            organisation=organisation,
            practice=practice,
            kind=PracticeUse.Kind.ACTIVITY,
            activity=activity,
            used_by=signed_in(request),
        )
        activities.append(activity)
    audit.record(
        "practices.used",
        request=request,
        target=practice,
        summary=practice.title,
        after={"unit": unit.pk, "activities": [a.pk for a in activities]},
        organisation=organisation,
    )
    return activities


@transaction.atomic
def use_as_note(
    practice: Practice,
    request: HttpRequest,
    organisation: Organisation,
    *,
    version: TargetVision,
    tips: list[str],
    publisher: str,
    url: str,
) -> PracticeUse:
    """The chosen tips as a note in the discussion of the målbild being drafted or proposed."""
    if not tips:
        raise ValidationError({"tips": _("Choose at least one tip to use.")})
    lines = [link_back(practice, publisher, url), *[f"- {tip}" for tip in tips]]
    note = target_services.comment(version, request, "\n".join(lines))
    use = PracticeUse.objects.create(
        organisation=organisation,
        practice=practice,
        kind=PracticeUse.Kind.NOTE,
        note=note,
        used_by=signed_in(request),
    )
    audit.record(
        "practices.used",
        request=request,
        target=practice,
        summary=practice.title,
        after={"note": note.pk, "target_vision": version.pk},
        organisation=organisation,
    )
    return use


@transaction.atomic
def import_drafts(
    organisation: Organisation, request: HttpRequest | None, drafts: list[Draft], source: str
) -> list[Practice]:
    """Every draft written as a practice, or none: one bad one rolls the whole import back."""
    titles = [" ".join(d.title.split()).lower() for d in drafts]
    if len(set(titles)) != len(titles):
        raise ValidationError(_("Two practices in the import have the same title."))
    practices = [_write(organisation, request, draft) for draft in drafts]
    audit.record(
        "practices.imported",
        request=request,
        summary=f"{len(practices)} ({source})",
        after={"practices": [p.pk for p in practices], "source": source},
        organisation=organisation,
    )
    return practices


@transaction.atomic
def record_check(
    organisation: Organisation, request: HttpRequest | None, source: str, found: int, errors: int
) -> None:
    """An upload checked for import (nothing written yet): who tried to import what."""
    audit.record(
        "practices.import_checked",
        request=request,
        summary=source[:200],
        after={"source": source[:200], "practices": found, "errors": errors},
        organisation=organisation,
    )
