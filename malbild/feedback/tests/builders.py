"""Small builders for the feedback tests; they write with the models directly."""

from django.utils import timezone

from malbild.feedback.models import Feedback
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope


def make_feedback(
    org: Organisation,
    message: str = "Bra att eleverna får egna datorer, men wifi:t i matsalen fungerar dåligt.",
    *,
    status: str = Feedback.Status.PENDING,
    answer: str = "",
    unit: OrgUnit | None = None,
) -> Feedback:
    with scope(org):
        return Feedback.objects.create(
            organisation=org,
            message=message,
            status=status,
            answer=answer,
            answered_at=timezone.now() if answer else None,
            unit=unit,
        )
