"""Imports of outside data: runs of file and Kolada imports, the Kolada figures kept for
comparison, and the peer groups an organisation compares itself with."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Organisation
from malbild.tenants.scope import TenantManager


class ImportRun(models.Model):
    """One import of measurements, from a file or from Kolada: what was read, what went wrong
    (row by row), what was written, by whom and when. Measurements written by it carry its id
    (`Measurement.import_run`), and its one audit event refers to it."""

    class Kind(models.TextChoices):
        FILE = "file", _("file")
        KOLADA = "kolada", _("Kolada")

    class State(models.TextChoices):
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked, waiting to be imported")
        REJECTED = "rejected", _("has errors, nothing imported")
        IMPORTING = "importing", _("being imported")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed, nothing imported")

    class Via(models.TextChoices):
        WEB = "web", _("the web")
        COMMAND = "command", _("the command line")
        SCHEDULE = "schedule", _("the weekly refresh")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.CHECKING
    )
    via = models.CharField(_("started from"), max_length=10, choices=Via.choices, default="web")
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    stored_file = models.CharField(_("stored file"), max_length=255, blank=True, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows handled"), default=0)
    rows_created = models.PositiveIntegerField(_("new values"), default=0)
    rows_replaced = models.PositiveIntegerField(_("replaced values"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors by row"), default=list, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    preview = models.JSONField(_("first rows"), default=list, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="imports_run_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} {self.file_name}".strip()

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.IMPORTING)

    @property
    def percent(self) -> int:
        """How far the run has come, 0–100 (no query)."""
        if self.rows_total <= 0:
            return 100 if not self.is_working else 0
        return min(100, self.rows_done * 100 // self.rows_total)


class KoladaValue(models.Model):
    """A figure fetched from Kolada for a municipality (also the country, `0000`) or a school
    unit (OU): kept so that comparisons show without asking Kolada, and with the run that
    fetched it, so every figure has its source and time."""

    class Area(models.TextChoices):
        MUNICIPALITY = "municipality", _("municipality")
        UNIT = "ou", _("school unit")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    import_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("import run"),
    )  # fmt: skip
    kpi = models.CharField(_("Kolada KPI"), max_length=20)
    area = models.CharField(_("area"), max_length=12, choices=Area.choices)
    area_id = models.CharField(_("Kolada id"), max_length=20)
    area_title = models.CharField(_("name"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    gender = models.CharField(_("gender"), max_length=1, default="T")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, blank=True)
    fetched_at = models.DateTimeField(_("fetched"))

    objects = TenantManager()

    class Meta:
        ordering = ["kpi", "area_id", "year", "gender"]
        verbose_name = _("Kolada figure")
        verbose_name_plural = _("Kolada figures")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kpi", "area", "area_id", "year", "gender"],
                name="imports_koladavalue_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.area_id} {self.year} {self.gender}: {self.value}"


class PeerGroup(models.Model):
    """Municipalities an organisation compares itself with: a Kolada municipality group (such
    as "Liknande kommuner …") or one put together by hand. Members are Kolada municipality ids
    with their names, as Kolada gives them."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    kolada_group_id = models.CharField(_("Kolada group id"), max_length=20, blank=True)
    members = models.JSONField(_("members"), default=list)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("comparison group")
        verbose_name_plural = _("comparison groups")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="imports_group_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def member_ids(self) -> list[str]:
        return [str(m["id"]) for m in self.members]
