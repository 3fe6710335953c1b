"""Elevrösten: short anonymous surveys that pupils answer without an account, and whose results
measure the goals.

The bank of statements (`Bank` → `Area` → `Statement`) is the same for every organisation and is
written by `surveys.content`; everything else belongs to one organisation. A `Survey` is opened
for a group of pupils (a unit and an optional label such as "5B"); each pupil's submission is one
`Response` row, which names nobody and carries no time, address or device. When a survey closes
with at least `MIN_ANSWERS` answers its `Result` rows are written, and statements linked to an
indicator (`IndicatorLink`) enter their share of agreeing pupils as measurements.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild.indicators.models import Indicator
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager

# No result of fewer answers is shown or measured anywhere (DESIGN.md: n ≥ 5).
MIN_ANSWERS = 5
TEXT_LIMIT = 1000  # characters of free text a pupil may write


class Bank(models.Model):
    """One version of the bank of statements. Surveys record the version they were opened on."""

    version = models.PositiveSmallIntegerField(_("version"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("bank of statements")
        verbose_name_plural = _("banks of statements")

    def __str__(self) -> str:
        return gettext(self.title)


class Area(models.Model):
    """One of the bank's four areas, the pupils' side of a classic area of digital maturity."""

    class Classic(models.TextChoices):
        LEADERSHIP = "L", _("Leadership")
        INFRASTRUCTURE = "I", _("Infrastructure")
        COMPETENCE = "K", _("Competence")
        USE = "A", _("Use")

    bank = models.ForeignKey(
        Bank, on_delete=models.CASCADE, related_name="areas", verbose_name=_("bank of statements")
    )
    key = models.CharField(_("key"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    classic_area = models.CharField(_("area of digital maturity"), max_length=1, choices=Classic)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["bank", "position", "id"]
        verbose_name = _("area of the pupil survey")
        verbose_name_plural = _("areas of the pupil survey")
        constraints = [
            models.UniqueConstraint(fields=["bank", "key"], name="surveys_area_key_unique"),
        ]

    def __str__(self) -> str:
        return gettext(self.name)

    @property
    def label(self) -> str:
        """The name in the current language (the stored name is the catalogue's msgid)."""
        return gettext(self.name)


class AgeGroup(models.TextChoices):
    """Who answers: the wording of the statements follows the pupils' age."""

    YOUNG = "f3", _("förskoleklass to year 3")
    MIDDLE = "4-6", _("years 4–6")
    OLDER = "7-9", _("years 7–9")
    UPPER = "gy", _("upper secondary school")


# The youngest age in each group: from the organisation's age of consent a pupil may consent
# for themselves to their words being shown publicly (the stories' rule).
YOUNGEST_AGE: dict[str, int] = {
    AgeGroup.YOUNG: 6,
    AgeGroup.MIDDLE: 10,
    AgeGroup.OLDER: 13,
    AgeGroup.UPPER: 16,
}
WORDING: dict[str, str] = {
    AgeGroup.YOUNG: "young",
    AgeGroup.MIDDLE: "middle",
    AgeGroup.OLDER: "older",
    AgeGroup.UPPER: "older",
}


class Statement(models.Model):
    """A statement pupils agree or disagree with, in three wordings by age. `key` is stable
    across versions: results are compared and indicators linked by it."""

    bank = models.ForeignKey(
        Bank, on_delete=models.CASCADE, related_name="statements",
        verbose_name=_("bank of statements"),
    )  # fmt: skip
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="statements", verbose_name=_("area")
    )
    key = models.CharField(_("key"), max_length=10)
    young = models.TextField(_("for förskoleklass to year 3"))
    middle = models.TextField(_("for years 4–6"))
    older = models.TextField(_("for years 7–9 and upper secondary school"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["bank", "area__position", "position", "id"]
        verbose_name = _("statement of the pupil survey")
        verbose_name_plural = _("statements of the pupil survey")
        constraints = [
            models.UniqueConstraint(fields=["bank", "key"], name="surveys_statement_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {gettext(self.middle)}"

    def text_for(self, age_group: str) -> str:
        """The wording for pupils of `age_group`, in the current language."""
        return gettext(getattr(self, WORDING.get(age_group, "middle")))

    @property
    def label(self) -> str:
        """The wording for years 4–6, which staff pages use to name the statement."""
        return gettext(self.middle)


class Scale(models.IntegerChoices):
    """The four steps and "I don't know" (0, counted apart from the scale)."""

    YES = 4, _("Yes, that's right")
    MOSTLY = 3, _("That's mostly right")
    NOT_REALLY = 2, _("That's not really right")
    NO = 1, _("No, that's not right at all")
    DONT_KNOW = 0, _("I don't know")


AGREE = (Scale.YES, Scale.MOSTLY)


class Survey(models.Model):
    """A short survey of one group of pupils (a unit, and a label such as "5B"), answered
    through a short code until it closes or its last day has passed."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    group_label = models.CharField(
        _("group"), max_length=60, blank=True,
        help_text=_("For example “5B” or “year 8”. Leave empty when the whole unit answers."),
    )  # fmt: skip
    age_group = models.CharField(_("pupils"), max_length=4, choices=AgeGroup.choices)
    bank = models.ForeignKey(
        Bank, on_delete=models.PROTECT, related_name="+", verbose_name=_("bank of statements")
    )
    statement_keys = models.JSONField(_("statements"), default=list)
    ask_free_text = models.BooleanField(_("ask an open question"), default=True)
    shared_devices = models.BooleanField(
        _("the pupils share devices"), default=False,
        help_text=_("Then one device may send several answers, one pupil after another."),
    )  # fmt: skip
    expected_pupils = models.PositiveSmallIntegerField(
        _("pupils in the group"), null=True, blank=True,
        help_text=_("Optional: shows how many of them have answered."),
    )  # fmt: skip
    code = models.CharField(_("code"), max_length=8, editable=False)
    period = models.CharField(
        _("term"), max_length=10, editable=False, help_text=_("The term it was opened in.")
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    closes_on = models.DateField(
        _("last day to answer"), help_text=_("The code stops working after this day.")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("opened by"),
    )  # fmt: skip
    opened_at = models.DateTimeField(_("opened"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("closed by"),
    )  # fmt: skip
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    answer_count = models.PositiveIntegerField(_("answers"), default=0, editable=False)
    results_public = models.BooleanField(
        _("results on the public pages"), default=False,
        help_text=_("The share of pupils who agree, per statement, under “What the pupils say”."),
    )  # fmt: skip

    objects = TenantManager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("pupil survey")
        verbose_name_plural = _("pupil surveys")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="surveys_code_unique"),
        ]
        indexes = [
            # A pupil's code names no organisation: it is looked up alone (services.find).
            models.Index(fields=["code"], name="surveys_survey_code"),
            models.Index(fields=["organisation", "unit", "status"], name="surveys_survey_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.group_label}".strip()

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def title(self) -> str:
        """The group as people say it: "Åsens skola, 5B"."""
        if self.group_label:
            return f"{self.unit.name}, {self.group_label}"
        return self.unit.name

    @property
    def shown_code(self) -> str:
        """The code in two halves, easier to read aloud and to type: "K7P 4QX"."""
        return f"{self.code[:3]} {self.code[3:]}"

    @property
    def has_results(self) -> bool:
        return not self.is_open and self.answer_count >= MIN_ANSWERS

    def may_consent(self) -> bool:
        """Whether its pupils are old enough to consent themselves to their words being shown
        publicly (the organisation's age of consent, as for the stories' quotes)."""
        return YOUNGEST_AGE[AgeGroup(self.age_group)] >= self.organisation.consent_age


class Response(models.Model):
    """One pupil's answers: statement key → step of the scale (0: I don't know), and the open
    answer, if any. One row, written with one INSERT; it holds nothing about who, when or from
    where. Rows are removed `services.RETENTION_DAYS` after the survey closes; a text a teacher
    chose for the public pages is kept without the answers."""

    class TextState(models.TextChoices):
        NONE = "", _("no text")
        UNREAD = "unread", _("not read yet")
        READ = "read", _("read")
        HIDDEN = "hidden", _("hidden")
        CHOSEN = "chosen", _("chosen for the public pages")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False,
        verbose_name=_("organisation"),
    )  # fmt: skip
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey")
    )
    answers = models.JSONField(_("answers"), default=dict)
    text = models.TextField(_("open answer"), blank=True, max_length=TEXT_LIMIT)
    text_state = models.CharField(
        _("open answer"), max_length=8, choices=TextState.choices, blank=True
    )
    text_masked = models.BooleanField(
        _("contact details removed"), default=False,
        help_text=_("A telephone number or an e-mail address was taken out of the text."),
    )  # fmt: skip
    may_publish = models.BooleanField(
        _("the pupil agrees to it being shown publicly"), default=False
    )

    objects = TenantManager()

    class Meta:
        ordering = ["survey", "id"]
        verbose_name = _("answer to a pupil survey")
        verbose_name_plural = _("answers to pupil surveys")

    def __str__(self) -> str:
        return f"{self.survey_id} #{self.pk}"


# The columns of a result that count the answers of each step of the scale.
STEP_FIELDS = {Scale.YES: "yes", Scale.MOSTLY: "mostly", Scale.NOT_REALLY: "not_really",
               Scale.NO: "no", Scale.DONT_KNOW: "dont_know"}  # fmt: skip


class Result(models.Model):
    """A closed survey's result for one statement: the answers of each step of the scale, and
    the share of those who took a position who agreed (steps 3 and 4). Written only when the
    survey had at least MIN_ANSWERS answers. The counts are columns, so that a school's or the
    municipality's result is one SUM over its surveys (`surveys.results`)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="results", verbose_name=_("survey")
    )
    statement_key = models.CharField(_("statement key"), max_length=10)
    yes = models.PositiveIntegerField(Scale.YES.label, default=0)
    mostly = models.PositiveIntegerField(Scale.MOSTLY.label, default=0)
    not_really = models.PositiveIntegerField(Scale.NOT_REALLY.label, default=0)
    no = models.PositiveIntegerField(Scale.NO.label, default=0)
    dont_know = models.PositiveIntegerField(Scale.DONT_KNOW.label, default=0)
    agree = models.DecimalField(
        _("share who agree"), max_digits=4, decimal_places=1, null=True, blank=True,
        help_text=_("Per cent of those who did not answer “I don't know”."),
    )  # fmt: skip

    objects = TenantManager()

    class Meta:
        ordering = ["survey", "statement_key"]
        verbose_name = _("result of a pupil survey")
        verbose_name_plural = _("results of pupil surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "survey", "statement_key"], name="surveys_result_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "statement_key"], name="surveys_result_key"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} – {self.statement_key}"

    def counts(self) -> dict[int, int]:
        """Step of the scale → answers."""
        return {step: getattr(self, name) for step, name in STEP_FIELDS.items()}


class IndicatorLink(models.Model):
    """A statement that measures an indicator: closing a survey that asked it enters the share of
    pupils who agree as the indicator's value for the survey's unit and the units above it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    statement_key = models.CharField(_("statement"), max_length=10)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", verbose_name=_("indicator")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("linked by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("linked"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["statement_key"]
        verbose_name = _("statement measuring an indicator")
        verbose_name_plural = _("statements measuring indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "statement_key"], name="surveys_link_statement_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "indicator"], name="surveys_link_indicator_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_key} → {self.indicator.code}"
