"""Feedback from the public (DESIGN.md R6): what someone outside said through the public form,
moderated, answered publicly, and perhaps carried into omvärldsbevakning as a signal.

The table keeps the name it had in the communication app (communication/migrations/0004)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


class Feedback(models.Model):
    """What someone outside said through the public form. No account and no personal data: an
    e-mail address only if they want the answer by mail (never shown). Moderated; an approved
    one shows publicly with the organisation's answer, and may become a signal."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for moderation")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    message = models.TextField(_("feedback"), max_length=3000)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("about the unit"),
    )  # fmt: skip
    contact_email = models.EmailField(_("e-mail for an answer"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField(_("our answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("moderated by"),
    )  # fmt: skip
    signal = models.ForeignKey(
        "scanning.Signal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("signal"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        db_table = "communication_feedback"
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["organisation", "status", "answered_at"], name="comm_fb_status"),
        ]

    def __str__(self) -> str:
        return self.message[:60]
