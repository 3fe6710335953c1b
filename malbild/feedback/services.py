"""Every write of the feedback app: feedback left through the public form, answered and
published or rejected by a moderator, or carried into omvärldsbevakning as a signal.

Each function writes inside one transaction and records an audit event in it; the action codes
keep the prefix "communication." they had before feedback became an app of its own.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.feedback.models import Feedback
from malbild.scanning import services as scanning
from malbild.scanning.models import Signal
from malbild.tenants.models import Organisation, OrgUnit


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValueError(f"{obj!r} belongs to another organisation")


FeedbackStatus = Feedback.Status


def answered_feedback() -> QuerySet[Feedback]:
    return Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).order_by(
        "-answered_at", "-created_at", "-id"
    )


@transaction.atomic
def leave_feedback(
    organisation: Organisation,
    *,
    message: str,
    unit: OrgUnit | None = None,
    contact_email: str = "",
) -> Feedback:
    """Feedback from the public form, waiting for moderation. The audit event carries no text,
    no e-mail address and no IP address (no request is given to record one): the person is
    anonymous."""
    _same_organisation(organisation.pk, unit)
    feedback = Feedback.objects.create(
        organisation=organisation, message=message, unit=unit, contact_email=contact_email
    )
    audit.record(
        "communication.feedback_received",
        target=feedback,
        after={"unit": getattr(unit, "pk", None), "wants_answer": bool(contact_email)},
        organisation=organisation,
    )
    return feedback


@transaction.atomic
def answer_feedback(feedback: Feedback, request: HttpRequest | None, answer: str) -> Feedback:
    """Approve the feedback and publish it with the organisation's answer (which may follow
    later: answering again replaces it)."""
    if feedback.status == FeedbackStatus.REJECTED:
        raise ValidationError(_("Rejected feedback cannot be published."))
    before = {"status": feedback.status, "answered": bool(feedback.answer)}
    feedback.status = FeedbackStatus.PUBLISHED
    feedback.answer = answer.strip()
    feedback.answered_at = timezone.now() if feedback.answer else None
    feedback.moderated_by = _user(request)
    feedback.save(update_fields=["status", "answer", "answered_at", "moderated_by", "updated_at"])
    audit.record(
        "communication.feedback_answered",
        request=request,
        target=feedback,
        before=before,
        after={"status": feedback.status, "answered": bool(feedback.answer)},
    )
    return feedback


@transaction.atomic
def reject_feedback(feedback: Feedback, request: HttpRequest | None) -> Feedback:
    """Spam, abuse or personal data about others: never shown."""
    if feedback.status == FeedbackStatus.REJECTED:
        raise ValidationError(_("The feedback has already been rejected."))
    before = feedback.status
    feedback.status = FeedbackStatus.REJECTED
    feedback.moderated_by = _user(request)
    feedback.save(update_fields=["status", "moderated_by", "updated_at"])
    audit.record(
        "communication.feedback_rejected",
        request=request,
        target=feedback,
        before={"status": before},
        after={"status": feedback.status},
    )
    return feedback


@transaction.atomic
def feedback_to_signal(feedback: Feedback, request: HttpRequest | None) -> Signal:
    """Carry the feedback into omvärldsbevakning as a new signal (scanning's own service)."""
    if feedback.signal_id is not None:
        raise ValidationError(_("This feedback is already a signal."))
    first_line = feedback.message.strip().splitlines()[0] if feedback.message.strip() else ""
    title = gettext("Feedback from the public: %(start)s") % {"start": first_line[:120]}
    signal = scanning.create_signal(
        feedback.organisation,
        request,
        title=title[:200],
        kind=Signal.Kind.NEWS,
        horizon=Signal.Horizon.NOW,
        summary=feedback.message,
    )
    feedback.signal = signal
    feedback.save(update_fields=["signal", "updated_at"])
    audit.record(
        "communication.feedback_signal",
        request=request,
        target=feedback,
        after={"signal": signal.pk},
    )
    return signal
