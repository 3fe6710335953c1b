import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from malbild.tenants.scope import TenantManager, unscoped

# Words the URL scheme uses, or may use, at the top level; never an organisation's slug.
RESERVED_SLUGS = frozenset(
    {
        "o", "offentlig", "delat", "konto", "api", "static", "media", "admin", "django-admin",
        "healthz", "sprak", "tillganglighet", "inbjudan", "login", "logout", "www", "ny", "new",
        "om", "hjalp", "sok", "rss", "atom", "feed", "flode", "ical", "demo", "test",
    }
)  # fmt: skip


def validate_slug(value: str) -> None:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise ValidationError(
            _("Use lower-case letters a–z, digits and single hyphens, for example mittkoping."),
            code="invalid",
        )
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for Målbild's own addresses. Choose another."),
            code="reserved",
            params={"slug": value},
        )


_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


def parse_domains(value: str) -> list[str]:
    """The domains in a comma- or space-separated text, lower-case, without a leading @."""
    return [d.strip().lstrip("@").lower() for d in re.split(r"[\s,;]+", value) if d.strip()]


def validate_domains(value: str) -> None:
    wrong = [d for d in parse_domains(value) if not _DOMAIN.fullmatch(d)]
    if wrong:
        raise ValidationError(
            _("“%(domain)s” is not a domain. Write domains like kommun.se, separated by commas."),
            code="invalid",
            params={"domain": wrong[0]},
        )


# The bounds of an organisation's age of consent: 13 is the lowest age GDPR art. 8 allows, 18
# the age of majority.
CONSENT_AGE_MIN, CONSENT_AGE_MAX = 13, 18


# The audit actions of the frequent writes counted apart in `Organisation.data_changed`. A
# self-assessment answer saved changes that answer and its participant's count; a value entered
# changes one measurement and the stored progress (and lights) of the goals and units it moves.
# Anything else, imports included, is counted only in `data_version`. Named here as data, not
# imported: the apps that write them sit above this one.
ANSWER_ACTIONS = frozenset({"assessments.answered"})
VALUE_ACTIONS = frozenset({"indicators.measurement_saved"})


class Organisation(models.Model):
    """A huvudman: usually a municipality. The tenant that every other table belongs to."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("address name"),
        max_length=50,
        unique=True,
        validators=[validate_slug],
        help_text=_("Used in addresses: /o/<address name>/."),
    )
    kolada_municipality_id = models.CharField(
        _("Kolada municipality id"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Four digits, for example 2480."))],
    )
    has_public_pages = models.BooleanField(
        _("public pages"),
        default=True,
        help_text=_("Show published content to everyone, without login, under /offentlig/."),
    )
    consent_age = models.PositiveSmallIntegerField(
        _("age of consent for pupils"),
        default=16,
        validators=[MinValueValidator(CONSENT_AGE_MIN), MaxValueValidator(CONSENT_AGE_MAX)],
        help_text=_(
            "From this age a pupil consents for themselves to the publishing of their words or "
            "picture; below it, a guardian consents."
        ),
    )
    sso_email_domains = models.CharField(
        _("e-mail domains the login service vouches for"),
        max_length=500,
        blank=True,
        validators=[validate_domains],
        help_text=_(
            "Domains, separated by commas, whose addresses the municipality's login service "
            "(single sign-on) may link to accounts in Målbild without saying that it verified "
            "them, for example kommun.se. Only for a service that this organisation's own IT "
            "department controls: whoever administers it can then log in as anyone with an "
            "address in these domains. Exact domains; subdomains are not included."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    data_version = models.PositiveBigIntegerField(
        _("data version"),
        default=0,
        editable=False,
        help_text=_("Counts the audited writes to the organisation's data; keys cached figures."),
    )
    # Of those writes, the frequent kinds that leave most cached content as it was, counted
    # apart (see `data_changed`).
    answers_version = models.PositiveBigIntegerField(
        _("answers version"),
        default=0,
        editable=False,
        help_text=_("Counts the self-assessment answers saved, of the audited writes."),
    )
    values_version = models.PositiveBigIntegerField(
        _("values version"),
        default=0,
        editable=False,
        help_text=_("Counts the values entered one at a time, of the audited writes."),
    )
    # Of the values entered, those that moved a goal's or a unit's stored figures (see
    # `progress_moved`): the dashboards show nothing else that a value changes.
    progress_version = models.PositiveBigIntegerField(
        _("progress version"),
        default=0,
        editable=False,
        help_text=_(
            "Counts the values entered that moved the stored progress of a goal or a unit."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def vouched_domains(self) -> set[str]:
        """The e-mail domains whose addresses single sign-on may link without a verified claim."""
        return set(parse_domains(self.sso_email_domains))

    @staticmethod
    def data_changed(organisation_id: int, action: str = "") -> None:
        """Count a change to the organisation's data once the current transaction commits (one
        UPDATE then), so that figures cached under the old `data_version` are no longer read.
        A write of one of the kinds in ANSWER_ACTIONS or VALUE_ACTIONS (by its audit action) is
        also counted apart, in the same UPDATE, so that content that does not show that kind of
        data can be keyed by `version_without_answers` or `version_without_answers_or_values`.

        After the commit rather than inside the transaction: a reader that reads the new version
        always sees the change, and concurrent writers never wait on the organisation's row."""
        counts: dict[str, Any] = {"data_version": models.F("data_version") + 1}
        if action in ANSWER_ACTIONS:
            counts["answers_version"] = models.F("answers_version") + 1
        elif action in VALUE_ACTIONS:
            counts["values_version"] = models.F("values_version") + 1

        def bump() -> None:
            Organisation.objects.filter(pk=organisation_id).update(**counts)

        transaction.on_commit(bump, robust=True)

    @staticmethod
    def progress_moved(organisation_id: int) -> None:
        """Count, once the current transaction commits, that a value entered (one of
        VALUE_ACTIONS, counted by `data_changed`) moved the stored progress, light or trend of a
        goal or the progress of a unit. A value that moved none of them leaves
        `version_of_goal_figures` as it was, and the dashboards cached under it."""

        def bump() -> None:
            Organisation.objects.filter(pk=organisation_id).update(
                progress_version=models.F("progress_version") + 1
            )

        transaction.on_commit(bump, robust=True)

    @property
    def version_without_answers(self) -> int:
        """The count of the audited writes other than self-assessment answers: it changes with
        everything a page shows that no answer changes."""
        return self.data_version - self.answers_version

    @property
    def version_of_goal_figures(self) -> int:
        """The count of the audited writes other than self-assessment answers and the values
        entered that moved no goal's or unit's stored figures: it changes with everything a
        page shows that neither changes (a page that shows values themselves, not only the
        progress read from them, must not be keyed by it). It never goes down, as each write
        counts up `data_version` by one and at most one of the others."""
        return (
            self.data_version - self.answers_version - self.values_version + self.progress_version
        )

    @property
    def version_without_answers_or_values(self) -> int:
        """The count of the audited writes other than self-assessment answers and values
        entered: it changes with everything a page shows that neither changes (neither the
        goals' progress nor any value)."""
        return self.data_version - self.answers_version - self.values_version


def within(subtrees: Iterable["OrgUnit"], field: str = "path") -> models.Q:
    """A filter for what lies in any of `subtrees`: units by their `path`, or rows that hang on a
    unit by `unit__path` (or another path lookup in `field`). No subtrees: it matches nothing."""
    found = models.Q(pk__in=[])
    for unit in subtrees:
        found |= models.Q(**{f"{field}__startswith": unit.path})
    return found


class OrgUnit(models.Model):
    """A unit in an organisation's tree: förvaltning, område, skola, förskola, arbetslag.

    `path` is the materialised path of primary keys ("/3/17/42/"), so a subtree is one indexed
    prefix query and a move rewrites the paths of the subtree in one UPDATE.
    """

    class Kind(models.TextChoices):
        ADMINISTRATION = "forvaltning", _("administration (förvaltning)")
        AREA = "omrade", _("area")
        SCHOOL = "skola", _("school")
        PRESCHOOL = "forskola", _("preschool")
        TEAM = "arbetslag", _("team (arbetslag)")
        OTHER = "annan", _("other unit")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SCHOOL)
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                _("Letters a–z, digits, dots, hyphens and underscores, for example ASEN-7."),
            )
        ],
        help_text=_("Short and unique in the organisation; used in imports and exports."),
    )
    kolada_ou_id = models.CharField(
        _("Kolada unit id"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^V\d{2}E\d{9}$", _("Like V15E248000101."))],
    )
    school_unit_code = models.CharField(
        _("school unit code (skolenhetskod)"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("Eight digits."))],
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The weighted mean of the progress of the goals the unit owns."),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="tenants_orgunit_code_unique"
            ),
            models.UniqueConstraint(
                models.F("organisation"),
                models.F("parent"),
                Lower("name"),
                condition=models.Q(archived_at__isnull=True),
                name="tenants_orgunit_sibling_name_unique",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "path"], name="tenants_orgunit_tree")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def indented_name(self, top: int = 0) -> str:
        """The name indented by its depth below `top`, for a list of choices: no-break spaces,
        which the eye sees as a tree and a screen reader does not read aloud (no query)."""
        return "\u00a0" * 4 * max(self.depth - top, 0) + self.name

    def contains(self, other: "OrgUnit") -> bool:
        """Whether `other` is this unit or below it."""
        return other.path.startswith(self.path)

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to the parent, read from the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class Membership(models.Model):
    """A person's role in an organisation, for the whole organisation or one unit's subtree."""

    class Role(models.TextChoices):
        ELECTED = "elected", _("elected representative (förtroendevald)")
        ADMIN = "admin", _("administration (förvaltningsledning)")
        UNIT_LEAD = "unit_lead", _("unit lead (rektor, förskolechef)")
        STAFF = "staff", _("staff (lärare, medarbetare)")
        VIEWER = "viewer", _("reader")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Limits the role to this unit and the units below it. Empty: everything."),
    )
    created_at = models.DateTimeField(_("given"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("given by"),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["organisation", "user", "role"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role", "unit"],
                name="tenants_membership_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "user", "role"],
                condition=models.Q(unit__isnull=True),
                name="tenants_membership_whole_org_unique",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id and self.unit else str(_("whole organisation"))
        return f"{self.get_role_display()}, {where}"

    def covers(self, unit: OrgUnit | None) -> bool:
        """Whether this role reaches `unit` (None: something of the whole organisation)."""
        if self.unit_id is None:
            return True
        return unit is not None and self.unit is not None and self.unit.contains(unit)

    @classmethod
    def of_person(cls, user: Any) -> list["Membership"]:
        """Every role the person holds, in every organisation (one query).

        Crosses organisations on purpose: a person may see their own roles wherever they are.
        """
        with unscoped():
            return list(cls.objects.filter(user=user).select_related("organisation", "unit"))

    @classmethod
    def of_person_in(cls, user: Any, slug: str) -> list["Membership"]:
        """The person's roles in the organisation with `slug`, each with that organisation (one
        object for them all) and its unit: empty when the person has none there or there is no
        such organisation (one query; `member_view` answers both with the same 404)."""
        with unscoped():
            found: list[Membership] = list(
                Membership.objects.filter(organisation__slug=slug, user=user)
                .select_related("organisation", "unit")
                .order_by("pk")
            )
        for membership in found[1:]:
            membership.organisation = found[0].organisation
        return found


class Invitation(models.Model):
    """An invitation by e-mail to take a role. The link carries a signed, expiring `key`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    key = models.CharField(
        max_length=64, unique=True, default=secrets.token_urlsafe, editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return self.email
