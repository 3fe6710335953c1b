from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    """Creates users keyed by a normalised (lower-case) e-mail address."""

    use_in_migrations = True

    @staticmethod
    def normalize(email: str) -> str:
        return email.strip().lower()

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> "User":
        return self.get(email=self.normalize(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address.

    The Django admin (`is_staff`) is for the platform's superusers only; what a person may do in a
    municipality comes from their memberships, not from Django's permissions.
    """

    class Language(models.TextChoices):
        SWEDISH = "sv", "svenska"
        ENGLISH = "en", "English"

    email = models.EmailField(_("e-mail address"), max_length=254, unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SWEDISH
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform administrator"),
        default=False,
        help_text=_("May use the technical administration (Django admin)."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class SsoIdentity(models.Model):
    """A person's account at the municipality's login service (OpenID Connect), linked to their
    Målbild account at their first login through it.

    From then on the login service's `iss` and `sub` alone find the person, never the e-mail it
    sends, which its administrators may change (accounts.oidc, docs/configuration.md).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sso_identities",
        verbose_name=_("person"),
    )
    issuer = models.CharField(_("login service (issuer)"), max_length=255)
    subject = models.CharField(_("account at the login service (subject)"), max_length=255)
    email = models.EmailField(
        _("e-mail address when linked"),
        max_length=254,
        help_text=_("What the login service said when the accounts were linked."),
    )
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        ordering = ["user", "issuer"]
        verbose_name = _("account at the municipality's login service")
        verbose_name_plural = _("accounts at the municipality's login service")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="accounts_sso_identity_subject_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="accounts_sso_identity_one_per_issuer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


def signed_in(request: Any) -> User | None:
    """The person behind a request, or None for an anonymous visitor (typed for the services)."""
    user = getattr(request, "user", None)
    return user if isinstance(user, User) else None
