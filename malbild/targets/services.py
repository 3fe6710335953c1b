"""The målbild's life: draft → proposed → adopted → superseded, its discussion and its reviews.

Every function writes inside one transaction and records an audit event in it.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.accounts.models import signed_in
from malbild.platforms.models import Decision
from malbild.platforms.services import EditConflict, check_decision_date
from malbild.steering.models import SteeringDocument
from malbild.targets import signals
from malbild.targets.models import Comment, FocusArea, Investment, Review, TargetVision
from malbild.tenants.models import Organisation
from malbild.tenants.permissions import Access

Status = TargetVision.Status
TEXT_FIELDS = (
    "title",
    "statement",
    "start_year",
    "end_year",
    "change_motive",
    "if_nothing_changes",
)
SHORTEST_HORIZON, LONGEST_HORIZON = 2, 6


def adopted(organisation: Organisation) -> TargetVision | None:
    """The målbild in force (one query)."""
    return (
        TargetVision.objects.filter(status=Status.ADOPTED)
        .select_related("decision", "decision__made_by")
        .first()
    )


def open_version(organisation: Organisation) -> TargetVision | None:
    """The draft or proposal being worked on, if any (at most one at a time)."""
    return TargetVision.objects.filter(status__in=[Status.DRAFT, Status.PROPOSED]).first()


def horizon_warning(start_year: int, end_year: int) -> str:
    """A warning (never a refusal) for a horizon too short or too long to steer by."""
    years = end_year - start_year + 1
    if years < SHORTEST_HORIZON:
        return str(
            _("A horizon of %(years)s year is short: there is hardly time to change course and "
              "see results. Two to six years is usual.") % {"years": years}
        )  # fmt: skip
    if years > LONGEST_HORIZON:
        return str(
            _("A horizon of %(years)s years is long: the world will change before then. Two to "
              "six years, with regular reviews, is usual.") % {"years": years}
        )  # fmt: skip
    return ""


def ensure_focus_areas(organisation: Organisation) -> list[FocusArea]:
    """The organisation's focus areas, creating the four defaults the first time."""
    areas = list(FocusArea.objects.all())
    if not areas:
        areas = [
            FocusArea.objects.create(
                organisation=organisation, name=name, description=description, position=i
            )
            for i, (name, description) in enumerate(FocusArea.DEFAULTS)
        ]
    return areas


def _state(version: TargetVision) -> dict[str, Any]:
    return {
        **{name: getattr(version, name) for name in TEXT_FIELDS},
        "status": version.status,
        "review_date": version.review_date.isoformat() if version.review_date else None,
    }


def _next_number() -> int:
    return (TargetVision.objects.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def start_draft(organisation: Organisation, request: HttpRequest, **fields: Any) -> TargetVision:
    """A new draft: a copy of the adopted målbild (text, focus areas, documents, investments),
    or, when there is none, from `fields`."""
    if open_version(organisation) is not None:
        raise ValidationError(_("A new version is already being worked on; continue with it."))
    current = adopted(organisation)
    user = signed_in(request)
    if current is not None:
        fields = {name: getattr(current, name) for name in TEXT_FIELDS}
    draft = TargetVision.objects.create(
        organisation=organisation,
        number=_next_number(),
        based_on=current,
        created_by=user,
        **fields,
    )
    if current is not None:
        draft.focus_areas.set(current.focus_areas.all())
        draft.steering_documents.set(current.steering_documents.all())
        Investment.objects.bulk_create(
            Investment(
                organisation=organisation,
                target_vision=draft,
                **{
                    f: getattr(i, f)
                    for f in (
                        "title",
                        "description",
                        "amount_per_year",
                        "start_year",
                        "end_year",
                        "expected_gains",
                        "position",
                    )
                },
            )
            for i in current.investments.all()
        )
    else:
        draft.focus_areas.set(ensure_focus_areas(organisation))
    audit.record("targets.draft_started", request=request, target=draft, after=_state(draft))
    return draft


def _locked_draft(version: TargetVision) -> TargetVision:
    locked = TargetVision.objects.select_for_update().get(pk=version.pk)
    if locked.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed. This version is %(status)s.")
                              % {"status": locked.get_status_display()})  # fmt: skip
    return locked


@transaction.atomic
def save_draft(
    version: TargetVision,
    lock_version: int,
    request: HttpRequest,
    *,
    focus_areas: Any,
    steering_documents: Any,
    **fields: Any,
) -> TargetVision:
    """Save the draft's text, unless someone else saved it since `lock_version` was read: then
    EditConflict carries their version, and the caller shows both so nothing is lost."""
    locked = _locked_draft(version)
    if locked.lock_version != lock_version:
        raise EditConflict(locked)
    if fields["end_year"] < fields["start_year"]:
        raise ValidationError({"end_year": _("The horizon ends before it starts.")})
    before = _state(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.lock_version += 1
    locked.save()
    locked.focus_areas.set(focus_areas)
    locked.steering_documents.set(steering_documents)
    audit.record(
        "targets.draft_saved", request=request, target=locked, before=before, after=_state(locked)
    )
    return locked


@transaction.atomic
def save_investment(
    version: TargetVision, request: HttpRequest, investment: Investment | None, **fields: Any
) -> Investment:
    _locked_draft(version)
    if fields["end_year"] < fields["start_year"]:
        raise ValidationError({"end_year": _("The investment ends before it starts.")})
    before = None
    if investment is None:
        position = version.investments.count()
        investment = Investment(organisation=version.organisation, target_vision=version,
                                position=position)  # fmt: skip
    else:
        before = {f: str(getattr(investment, f)) for f in fields}
    for name, value in fields.items():
        setattr(investment, name, value)
    investment.save()
    audit.record(
        "targets.investment_saved",
        request=request,
        target=investment,
        summary=investment.title,
        before=before,
        after={f: str(getattr(investment, f)) for f in fields},
    )
    return investment


@transaction.atomic
def delete_investment(investment: Investment, request: HttpRequest) -> None:
    _locked_draft(investment.target_vision)
    before = {"title": investment.title, "amount_per_year": str(investment.amount_per_year)}
    investment.delete()
    audit.record("targets.investment_removed", request=request, summary=before["title"],
                 before=before)  # fmt: skip


@transaction.atomic
def propose(version: TargetVision, request: HttpRequest) -> TargetVision:
    """The administration proposes the draft to the elected body; the discussion opens."""
    locked = _locked_draft(version)
    problems = []
    if not locked.statement.strip():
        problems.append(_("Write the målbild itself."))
    if not locked.change_motive.strip():
        problems.append(_("Write why change is needed."))
    if not locked.focus_areas.exists():
        problems.append(_("Choose at least one focus area."))
    if problems:
        raise ValidationError(problems)
    locked.status = Status.PROPOSED
    locked.proposed_by = signed_in(request)
    locked.proposed_at = timezone.now()
    locked.save()
    audit.record("targets.proposed", request=request, target=locked, before={"status": "draft"},
                 after={"status": "proposed"})  # fmt: skip
    return locked


@transaction.atomic
def withdraw(version: TargetVision, request: HttpRequest) -> TargetVision:
    """Take a proposal back to draft, to change it; the discussion stays."""
    locked = TargetVision.objects.select_for_update().get(pk=version.pk)
    if locked.status != Status.PROPOSED:
        raise ValidationError(_("Only a proposal can be withdrawn."))
    locked.status = Status.DRAFT
    locked.save()
    audit.record("targets.withdrawn", request=request, target=locked,
                 before={"status": "proposed"}, after={"status": "draft"})  # fmt: skip
    return locked


@transaction.atomic
def adopt(
    version: TargetVision,
    access: Access,
    request: HttpRequest,
    *,
    review_date: date,
    decision_fields: dict[str, Any],
) -> TargetVision:
    """Adopt a proposal with its decision.

    An elected member adopts it in Målbild; an admin records the body's decision on its behalf.
    The previously adopted version is superseded in the same transaction.
    """
    if access.can("can_adopt_target_vision"):
        on_behalf = False
    elif access.can("can_record_decision"):
        on_behalf = True
    else:
        raise PermissionDenied(
            _("Only an elected member, or an administrator recording the body's decision, "
              "may adopt the målbild.")
        )  # fmt: skip
    locked = TargetVision.objects.select_for_update().get(pk=version.pk)
    if locked.status == Status.ADOPTED:
        raise ValidationError(_("This målbild has already been adopted."))
    if locked.status != Status.PROPOSED:
        raise ValidationError(_("Only a proposed målbild can be adopted. Propose it first."))
    check_decision_date(decision_fields["decided_on"])
    if review_date <= timezone.localdate():
        raise ValidationError({"review_date": _("The review date must be in the future.")})
    decision = Decision.objects.create(
        organisation=locked.organisation,
        made_by=signed_in(request),
        recorded_on_behalf=on_behalf,
        proposed_by=locked.proposed_by,
        **decision_fields,
    )
    now = timezone.now()
    previous = list(TargetVision.objects.filter(status=Status.ADOPTED))
    TargetVision.objects.filter(status=Status.ADOPTED).update(
        status=Status.SUPERSEDED, superseded_at=now
    )
    locked.status = Status.ADOPTED
    locked.decision = decision
    locked.adopted_at = now
    locked.review_date = review_date
    locked.review_flag = ""
    locked.save()
    audit.record(
        "targets.adopted",
        request=request,
        target=locked,
        summary=str(decision),
        before={"status": "proposed", "superseded": [v.number for v in previous]},
        after={"status": "adopted", "decision": str(decision), "on_behalf": on_behalf},
    )
    signals.adopted.send(sender=TargetVision, version=locked, request=request)
    return locked


@transaction.atomic
def comment(version: TargetVision, request: HttpRequest, body: str) -> Comment:
    if version.status not in (Status.DRAFT, Status.PROPOSED):
        raise ValidationError(_("The discussion closed when the målbild was adopted."))
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write something first.")})
    item = Comment.objects.create(
        organisation=version.organisation,
        target_vision=version,
        author=signed_in(request),
        body=text,
    )
    audit.record("targets.commented", request=request, target=item, summary=text[:200])
    return item


@transaction.atomic
def review(
    version: TargetVision,
    request: HttpRequest,
    *,
    outcome: str,
    reasoning: str,
    next_review_date: date | None,
) -> Review:
    """Record a revisit: kept (with the next review date) or revised (a new draft starts)."""
    locked = TargetVision.objects.select_for_update().get(pk=version.pk)
    if locked.status != Status.ADOPTED:
        raise ValidationError(_("Only the adopted målbild is reviewed."))
    new_draft = None
    if outcome == Review.Outcome.KEPT:
        if next_review_date is None or next_review_date <= timezone.localdate():
            raise ValidationError(
                {"next_review_date": _("Give the date of the next review, in the future.")}
            )
        locked.review_date = next_review_date
        locked.review_flag = ""
        locked.review_reminded_on = None
        locked.save()
    else:
        new_draft = start_draft(locked.organisation, request)
    item = Review.objects.create(
        organisation=locked.organisation,
        target_vision=locked,
        outcome=outcome,
        reasoning=reasoning.strip(),
        next_review_date=next_review_date if outcome == Review.Outcome.KEPT else None,
        new_draft=new_draft,
        reviewed_by=signed_in(request),
    )
    audit.record(
        "targets.reviewed",
        request=request,
        target=item,
        summary=item.get_outcome_display(),
        after={"outcome": outcome, "next_review_date": str(next_review_date or "")},
    )
    return item


def flag_for_review(*, document: SteeringDocument, reason: str, **_signal: Any) -> str:
    """Mark the adopted målbild that cites `document` as needing review, when one of its dated
    changes was added (`steering.signals.document_changed`, in that transaction). Returns a
    sentence for the person who added the change, or "" when no adopted målbild cites it."""
    flagged = []
    for version in TargetVision.objects.filter(status=Status.ADOPTED, steering_documents=document):
        version.review_flag = reason[:1000]
        version.save(update_fields=["review_flag"])
        audit.record("targets.flagged_for_review", target=version, summary=reason[:200],
                     organisation=version.organisation)  # fmt: skip
        flagged.append(version)
    if not flagged:
        return ""
    return gettext(
        "The adopted målbild %(title)s cites this document, so it has been flagged for review."
    ) % {"title": flagged[0].title}


def previous_version(version: TargetVision) -> TargetVision | None:
    """What this version is compared with: the version it was based on, or the one before."""
    if version.based_on_id:
        return version.based_on
    return TargetVision.objects.filter(number__lt=version.number).order_by("-number").first()


@transaction.atomic
def save_focus_area(
    organisation: Organisation,
    request: HttpRequest,
    area: FocusArea | None,
    *,
    name: str,
    description: str,
) -> FocusArea:
    """Add a focus area, or rename and describe one. Names are unique in the organisation
    whatever their case (compared in Python: SQLite folds only ASCII letters)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Write the focus area's name.")})
    others = FocusArea.objects.select_for_update()
    if area is not None:
        others = others.exclude(pk=area.pk)
    if any(other.name.casefold() == name.casefold() for other in others):
        raise ValidationError(
            {"name": _("There is already a focus area called %(name)s.") % {"name": name}}
        )
    before = None
    if area is None:
        position = (FocusArea.objects.aggregate(p=Max("position"))["p"] or 0) + 1
        area = FocusArea(organisation=organisation, position=position)
    else:
        before = {"name": area.name, "description": area.description}
    area.name, area.description = name, description.strip()
    area.save()
    audit.record(
        "targets.focus_area_saved",
        request=request,
        target=area,
        summary=name,
        before=before,
        after={"name": area.name, "description": area.description},
    )
    return area
