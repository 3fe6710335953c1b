"""Audit events by the person, or about them (their account is the object)."""

from typing import Any

from malbild.accounts.models import User
from malbild.accounts.personal_data import Part, register
from malbild.audit.models import AuditEvent


def about(user: User) -> Any:
    target = {"target_type": User._meta.label_lower, "target_id": str(user.pk)}
    return AuditEvent.objects.filter(actor=user) | AuditEvent.objects.filter(**target)


register(Part("audit.events", "audit.AuditEvent", collect=about))
