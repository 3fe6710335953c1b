"""Self-assessment of digital maturity (självskattning): the maturity model, a unit's rounds,
the participants' answers and the results kept when a round closes.

The model (`MaturityModel` → `Area` → `Statement`) is the same for every organisation and is
written by `assessments.content`; everything else belongs to one organisation. Individual
answers are read only by their author: pages show a round's results through `RoundResult`,
written when the round closes, and through `assessments.summary`.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from malbild.plans.models import Activity
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


def in_reader_language(swedish: str, english: str) -> str:
    """The text for the reader's language (the active one), Swedish when there is no other.

    The maturity model's texts are versioned data stored in both languages (why, in
    `assessments.content`); every place that shows them goes through this function."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return english if language == "en" and english else swedish


class MaturityModel(models.Model):
    """One version of the maturity model. Rounds record the version they were answered on.

    Its texts, and those of its areas and statements, are stored in Swedish and English and
    shown in the reader's language (`in_reader_language`)."""

    version = models.PositiveSmallIntegerField(_("version"), unique=True)
    title_sv = models.CharField(_("title in Swedish"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("maturity model")
        verbose_name_plural = _("maturity models")

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_reader_language(self.title_sv, self.title_en)


class Area(models.Model):
    """One of the model's areas (Ledning, Infrastruktur, Kompetens, Användning). Foundations
    come first among the suggested actions."""

    model = models.ForeignKey(
        MaturityModel, on_delete=models.CASCADE, related_name="areas",
        verbose_name=_("maturity model"),
    )  # fmt: skip
    key = models.CharField(_("key"), max_length=10)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    foundation = models.BooleanField(
        _("foundation"), default=False,
        help_text=_("Comes first among the suggested actions: the rest builds on it."),
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["model", "position", "id"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="assessments_area_key_unique"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language."""
        return in_reader_language(self.name_sv, self.name_en)

    @property
    def description_label(self) -> str:
        return in_reader_language(self.description_sv, self.description_en)


class Statement(models.Model):
    """A concrete statement about what the unit does, with the next step that moves it up.

    `key` is stable across versions of the model: results are compared by it."""

    model = models.ForeignKey(
        MaturityModel, on_delete=models.CASCADE, related_name="statements",
        verbose_name=_("maturity model"),
    )  # fmt: skip
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="statements", verbose_name=_("area")
    )
    key = models.CharField(_("key"), max_length=10)
    text_sv = models.TextField(_("statement in Swedish"))
    text_en = models.TextField(_("statement in English"))
    next_step_sv = models.TextField(_("next step in Swedish"))
    next_step_en = models.TextField(_("next step in English"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["model", "area__position", "position", "id"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.UniqueConstraint(
                fields=["model", "key"], name="assessments_statement_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.label}"

    @property
    def label(self) -> str:
        """The statement in the reader's language."""
        return in_reader_language(self.text_sv, self.text_en)

    @property
    def next_step_label(self) -> str:
        return in_reader_language(self.next_step_sv, self.next_step_en)

    def tag_labels(self) -> list[str]:
        from malbild.assessments.content import TAGS

        return [str(TAGS[tag]) for tag in self.tags if tag in TAGS]


class Level(models.IntegerChoices):
    """The answer scale; the value is the score (0–4). "Not relevant" is stored as None.

    In Swedish the words LIKA's users know: uppnådd, nästan där, påbörjad, planerad, ej
    planerad, ej relevant (the context keeps them apart from the same English words elsewhere)."""

    ACHIEVED = 4, pgettext_lazy("maturity level", "achieved")
    ALMOST = 3, pgettext_lazy("maturity level", "almost there")
    STARTED = 2, pgettext_lazy("maturity level", "started")
    PLANNED = 1, pgettext_lazy("maturity level", "planned")
    NOT_PLANNED = 0, pgettext_lazy("maturity level", "not planned")


# The choice "not relevant" as it travels in forms (it is stored as `level=None`).
NOT_RELEVANT = "na"
NOT_RELEVANT_LABEL = pgettext_lazy("maturity level", "not relevant")


class AssessmentRound(models.Model):
    """A unit's self-assessment on one version of the model.

    Open while the participants answer; the unit lead closes it, which writes its `RoundResult`
    rows and makes it the unit's latest (`is_latest`). In a group round the group answers
    together, through the person who started it."""

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", _("each participant answers")
        GROUP = "group", _("the group answers together")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="assessment_rounds",
        verbose_name=_("unit"),
    )  # fmt: skip
    model = models.ForeignKey(
        MaturityModel, on_delete=models.PROTECT, related_name="rounds",
        verbose_name=_("maturity model"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    mode = models.CharField(_("how"), max_length=12, choices=Mode.choices, default=Mode.INDIVIDUAL)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    is_latest = models.BooleanField(_("the unit's latest closed round"), default=False)
    is_public = models.BooleanField(
        _("anonymised summary shared"), default=False,
        help_text=_("Counts, without the unit's name, in the national comparison."),
    )  # fmt: skip
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("started by"),
    )  # fmt: skip
    started_at = models.DateTimeField(_("started"))
    # The day the participants are asked to have answered by: in their to-dos, coming dates and
    # calendars. Optional, and only a date to aim for: the round stays open until its lead
    # closes it.
    closes_on = models.DateField(_("last day to answer"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("closed by"),
    )  # fmt: skip
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    participant_count = models.PositiveIntegerField(_("took part"), default=0, editable=False)
    score = models.DecimalField(
        _("result"), max_digits=4, decimal_places=2, null=True, blank=True, editable=False,
        help_text=_("The mean of the statements' results, 0–4, when the round closed."),
    )  # fmt: skip

    objects = TenantManager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("self-assessment round")
        verbose_name_plural = _("self-assessment rounds")
        indexes = [
            models.Index(fields=["organisation", "unit", "status"], name="assessments_round_unit"),
            models.Index(fields=["organisation", "is_latest"], name="assessments_round_latest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "unit"],
                condition=models.Q(is_latest=True),
                name="assessments_round_one_latest",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def is_group(self) -> bool:
        return self.mode == self.Mode.GROUP

    @property
    def is_late(self) -> bool:
        """Whether the round is still open after its last day to answer (the local date)."""
        return self.is_open and self.closes_on is not None and self.closes_on < timezone.localdate()


class Participant(models.Model):
    """A person invited to answer a round. `answered` counts their answers (kept by the
    service that saves them), so progress shows without reading anyone's answers."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="participants",
        verbose_name=_("round"),
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip
    answered = models.PositiveSmallIntegerField(_("answered"), default=0, editable=False)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["round", "id"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "round", "user"], name="assessments_participant_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Answer(models.Model):
    """One participant's answer to one statement: a level (None: not relevant) and an optional
    comment, shown in summaries without the author's name unless `comment_named`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="answers",
        verbose_name=_("round"),
    )  # fmt: skip
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="answers",
        verbose_name=_("participant"),
    )  # fmt: skip
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="+", verbose_name=_("statement")
    )
    level = models.PositiveSmallIntegerField(
        _("answer"), choices=Level.choices, null=True, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    comment_named = models.BooleanField(_("show my name with the comment"), default=False)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["round", "statement", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "participant", "statement"],
                name="assessments_answer_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} – {self.statement.key}"


class RoundResult(models.Model):
    """A closed round's result for one statement: the mean score (0–4, None when everyone
    found it not relevant), the spread between participants and the count per level.

    Kept by statement key as well, so rounds on different model versions compare, and so the
    municipality's picture and the national comparison read a few rows per unit."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="results",
        verbose_name=_("round"),
    )  # fmt: skip
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="+", verbose_name=_("statement")
    )
    statement_key = models.CharField(_("statement key"), max_length=10)
    area_key = models.CharField(_("area key"), max_length=10)
    score = models.DecimalField(_("result"), max_digits=4, decimal_places=2, null=True, blank=True)
    spread = models.PositiveSmallIntegerField(
        _("spread"), null=True, blank=True,
        help_text=_("Steps between the highest and the lowest answer."),
    )  # fmt: skip
    counts = models.JSONField(_("answers per level"), default=dict, blank=True)
    answers = models.PositiveSmallIntegerField(_("answers"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["round", "statement_key"]
        verbose_name = _("result of a statement")
        verbose_name_plural = _("results of statements")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "round", "statement_key"],
                name="assessments_result_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "statement_key"], name="assessments_result_key"),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.statement_key}"


class Adoption(models.Model):
    """A suggestion taken into the action plan: the activity made from a statement's next step
    after a round."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    round = models.ForeignKey(
        AssessmentRound, on_delete=models.CASCADE, related_name="adoptions",
        verbose_name=_("round"),
    )  # fmt: skip
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, related_name="+", verbose_name=_("statement")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="+",
        verbose_name=pgettext_lazy("activity", "activity"),
    )  # fmt: skip
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("adopted by"),
    )  # fmt: skip
    adopted_at = models.DateTimeField(_("adopted"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["round", "adopted_at", "id"]
        verbose_name = _("adopted suggestion")
        verbose_name_plural = _("adopted suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "round", "statement"], name="assessments_adoption_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.statement.key}"


def level_label(level: Any) -> str:
    """The words for a stored level (None: not relevant)."""
    if level is None:
        return str(NOT_RELEVANT_LABEL)
    return str(Level(level).label)
