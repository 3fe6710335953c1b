from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Organisation
from malbild.tenants.scope import TenantManager


class ApiToken(models.Model):
    """A personal key to the JSON API of one organisation (docs/api.md). The key itself is shown
    once, when it is made; only its SHA-256 hash is kept, with a short prefix that lets its
    owner tell keys apart. A revoked key is kept (with when) so that the audit trail reads."""

    class Scope(models.TextChoices):
        READ = "read", _("read")
        WRITE = "write", _("read and write")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("person"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the key is for, for example “Elevregistret”.")
    )
    scope = models.CharField(_("access"), max_length=10, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    # Indexed for the lookup by hash; unique with the organisation, like every constraint here
    # (a 256-bit random key's hash does not collide).
    key_hash = models.CharField(max_length=64, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        indexes = [models.Index(fields=["organisation", "user"], name="api_token_owner")]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key_hash"], name="api_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE
