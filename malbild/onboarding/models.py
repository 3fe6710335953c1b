"""Getting started ("Kom igång"): whether the checklist is out of the way, the files of units and
people it reads, and the roles it gives at a person's first login.

The checklist's state itself is not stored: it is read from the organisation's data
(onboarding.checklist), so it is never out of date.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Invitation, Organisation
from malbild.tenants.scope import TenantManager


class Checklist(models.Model):
    """An organisation's choice to put the getting-started box away before every step is done
    (when every step is done it goes away by itself). The checklist page stays reachable."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    hidden_at = models.DateTimeField(_("put away"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("put away by"),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["organisation"]
        verbose_name = _("getting-started checklist")
        verbose_name_plural = _("getting-started checklists")

    def __str__(self) -> str:
        return str(self.organisation)


class FileBatch(models.Model):
    """A file of units or people read for the getting-started import: checked first (every row
    error kept for the preview), then written all or nothing with one audit event that refers
    to it. The checked rows wait here between the preview and the import, and are dropped once
    it is done."""

    class Kind(models.TextChoices):
        UNITS = "units", _("units")
        PEOPLE = "people", _("people")

    class State(models.TextChoices):
        CHECKED = "checked", _("checked, waiting to be imported")
        REJECTED = "rejected", _("has errors, nothing imported")
        DONE = "done", _("imported")

    class Delivery(models.TextChoices):
        EMAIL = "email", _("an invitation by e-mail")
        LOGIN = "login", _("at their first login with the municipality's account")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    delivery = models.CharField(
        _("roles given by"), max_length=10, choices=Delivery.choices, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=255)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("imported"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors by row"), default=list, blank=True)
    rows = models.JSONField(_("checked rows"), default=list, blank=True)
    counts = models.JSONField(_("what it holds"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("getting-started file")
        verbose_name_plural = _("getting-started files")
        indexes = [
            models.Index(
                fields=["organisation", "kind", "-created_at"], name="onboarding_batch_recent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"


class LoginGrant(models.Model):
    """A role from a file of people that the person receives when they next log in, instead of
    an invitation by e-mail: for municipalities whose people log in with the municipality's own
    account (single sign-on). It rides on an :class:`Invitation` that is never e-mailed, so the
    people page lists it among the open invitations and an administrator can withdraw it, and
    it is accepted by the same rule: only while the person who gave it may still give the role.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, related_name="+", verbose_name=_("invitation")
    )
    # The invitation's address again, indexed: every login looks for the person's grants.
    email = models.EmailField(_("e-mail address"), db_index=True)
    batch = models.ForeignKey(
        FileBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the file"),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["organisation", "email"]
        verbose_name = _("role given at login")
        verbose_name_plural = _("roles given at login")

    def __str__(self) -> str:
        return self.email
