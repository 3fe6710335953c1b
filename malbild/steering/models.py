from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Organisation
from malbild.tenants.scope import TenantManager


class SteeringDocument(models.Model):
    """A steering document (styrdokument) the målbild and goals build on: the Education Act, the
    curriculum, a national strategy, Skolverket's recommendations, a local IT policy."""

    class Kind(models.TextChoices):
        LAW = "law", _("law or ordinance")
        CURRICULUM = "curriculum", _("curriculum")
        STRATEGY = "strategy", _("strategy")
        RECOMMENDATION = "recommendation", _("recommendation or guidance")
        POLICY = "policy", _("local policy or plan")
        OTHER = "other", _("other")

    class Level(models.TextChoices):
        NATIONAL = "national", _("national")
        LOCAL = "local", _("local")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    issuer = models.CharField(
        _("issued by"), max_length=150, help_text=_("For example Regeringen or Skolverket.")
    )
    url = models.URLField(_("link"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("steering document")
        verbose_name_plural = _("steering documents")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="steering_title"),
        ]

    def __str__(self) -> str:
        return self.title


class SteeringChange(models.Model):
    """A dated event in a steering document's life: proposed, decided, in force, repealed.
    Each one names its source (källa), so that nothing rests on hearsay."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        DECIDED = "decided", _("decided")
        IN_FORCE = "in_force", _("in force from")
        REPEALED = "repealed", _("repealed or ended")
        NOT_ADOPTED = "not_adopted", _("not adopted")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    document = models.ForeignKey(
        SteeringDocument, on_delete=models.CASCADE, related_name="changes",
        verbose_name=_("steering document"),
    )  # fmt: skip
    kind = models.CharField(_("what happens"), max_length=12, choices=Kind.choices)
    date = models.DateField(_("date"))
    description = models.TextField(_("description"))
    source = models.CharField(
        _("source"), max_length=300, help_text=_("Where this is stated, for example a decision.")
    )
    source_url = models.URLField(_("link to the source"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("change to a steering document")
        verbose_name_plural = _("changes to steering documents")
        indexes = [models.Index(fields=["organisation", "date"], name="steering_change_date")]

    def __str__(self) -> str:
        return f"{self.document}: {self.get_kind_display()} {self.date:%Y-%m-%d}"
