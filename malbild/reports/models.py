"""Follow-up documents for the nämnd (DESIGN.md R7): a follow-up period and a unit subtree put
into a PDF and an Excel workbook by a background task, and kept, with who asked for them, when,
and a checksum of each file.

What a document says is frozen when it is first rendered (`contents`): a document read years
later shows what the nämnd saw. The one change ever made to it is taking out a pupil's quote or
picture whose consent was withdrawn, which renders the kept files again from the frozen contents
with a note saying so (`reports.services.remove_withdrawn`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.followup.models import Period
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


class GeneratedReport(models.Model):
    """One follow-up document of a period for a unit's subtree, in one language, as PDF and Excel.

    queued → running → done, or failed (with the reason; asking again starts anew). Until it is
    done no file is listed: the files are written under a temporary name and moved into place
    only when both are complete. `with_drafts` says whether follow-up reports that were not yet
    ready went into it; such a document is read only by those who read those drafts
    (`followup.access`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be generated")
        RUNNING = "running", _("being generated")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    class Language(models.TextChoices):
        SWEDISH = "sv", _("Swedish")
        ENGLISH = "en", _("English")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="documents", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    with_drafts = models.BooleanField(_("includes reports not yet ready"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.TextField(_("why it failed"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("requested by"),
    )  # fmt: skip
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    finished_at = models.DateTimeField(_("generated"), null=True, blank=True)
    rerendered_at = models.DateTimeField(_("generated again"), null=True, blank=True)
    pdf_file = models.FileField(_("PDF file"), blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    xlsx_file = models.FileField(_("Excel file"), blank=True, editable=False)
    xlsx_sha256 = models.CharField(_("SHA-256 of the Excel file"), max_length=64, blank=True)
    # The frozen contents (reports.contents), and which quotes and images they hold, so that a
    # withdrawn consent finds the documents to render again.
    contents = models.JSONField(default=dict, blank=True, editable=False)
    quote_ids = models.JSONField(default=list, blank=True, editable=False)
    image_ids = models.JSONField(default=list, blank=True, editable=False)

    objects = TenantManager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("follow-up document")
        verbose_name_plural = _("follow-up documents")
        constraints = [
            # The claim that keeps two requests from generating the same document twice.
            models.UniqueConstraint(
                fields=["organisation", "period", "unit", "language", "with_drafts"],
                condition=models.Q(status__in=["queued", "running"]),
                name="reports_one_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="reports_progress_at_most_100"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "period", "status"], name="reports_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period} – {self.unit} ({self.language})"

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE
