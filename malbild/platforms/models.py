from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Organisation
from malbild.tenants.scope import TenantManager


class Decision(models.Model):
    """A political decision: who decided what, when, under which paragraph, with the minutes.

    Made in Målbild by an elected member, or recorded by an admin on behalf of the body that
    decided at its meeting (`recorded_on_behalf`); the record always says which.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    body = models.CharField(
        _("decided by"),
        max_length=150,
        help_text=_("The body that decided, for example Barn- och utbildningsnämnden."),
    )
    decided_on = models.DateField(_("date of the decision"))
    reference = models.CharField(
        _("paragraph or diary number"), max_length=60, blank=True, help_text=_("For example § 42.")
    )
    minutes = models.FileField(_("minutes (PDF)"), upload_to="minutes/%Y/", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("adopted or recorded by"),
    )
    recorded_on_behalf = models.BooleanField(
        _("recorded on behalf of the body"),
        default=False,
        help_text=_("An administrator recorded the body's decision; no elected member adopted it "
                    "in Målbild."),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        ref = f" {self.reference}" if self.reference else ""
        return f"{self.body}, {self.decided_on:%Y-%m-%d}{ref}"


class PlatformVersion(models.Model):
    """One version of the common platform: vision, verksamhetsidé and värdegrund.

    Drafted by admins; it takes effect when its decision is recorded, and the version before it
    is then superseded. Every version is kept. `core_values` holds the värdegrund as written in this
    version; adopting a version brings the organisation's stable :class:`Value` rows in line.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("in force")
        SUPERSEDED = "superseded", _("superseded")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    vision = models.TextField(_("vision"))
    mission = models.TextField(_("verksamhetsidé (mission)"))
    core_values = models.JSONField(_("värdegrund (values)"), default=list)
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decision"),
    )  # fmt: skip
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("drafted by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    adopted_at = models.DateTimeField(_("in force since"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("platform version")
        verbose_name_plural = _("platform versions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="platform_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="adopted"),
                name="platform_one_in_force",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="draft"),
                name="platform_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} v{self.number}"


class Value(models.Model):
    """One value of the värdegrund (medborgarfokus, öppenhet, …), stable across platform versions,
    so that goals, activities and stories can say which values they express."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    key = models.SlugField(_("key"), max_length=60)
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    retired_at = models.DateTimeField(_("no longer in the platform since"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("value")
        verbose_name_plural = _("values")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="platform_value_key"),
        ]

    def __str__(self) -> str:
        return self.name
