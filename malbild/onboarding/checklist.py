"""The getting-started checklist, read from the organisation's own data in one query.

Nothing about the steps is stored: a step is done when the data it leads to exists (a Kolada
municipality, schools, people invited, a platform, a målbild, indicators, a follow-up period),
whoever made it and however. So the checklist is never out of date, and it costs the start
page one query, whatever the size of the organisation.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from malbild.followup.models import Period
from malbild.imports.models import KoladaValue
from malbild.indicators.models import Indicator
from malbild.onboarding.models import Checklist
from malbild.platforms.models import PlatformVersion
from malbild.targets.models import TargetVision
from malbild.tenants.models import Invitation, Membership, Organisation, OrgUnit


def _count(queryset: Any) -> Coalesce:
    """A count of `queryset` (scoped to the organisation) as a subquery."""
    counted = queryset.order_by().values("organisation").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


@dataclass(frozen=True)
class Link:
    label: Promise | str
    url: str


@dataclass(frozen=True)
class Step:
    key: str
    title: Promise | str
    done: bool
    detail: str
    links: list[Link] = field(default_factory=list)


@dataclass(frozen=True)
class Status:
    steps: list[Step]
    hidden: bool
    figures: dict[str, int]

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def ready(self) -> bool:
        return all(step.done for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)

    @property
    def shows_box(self) -> bool:
        """Whether the start page shows the box: until every step is done or it is put away."""
        return not self.ready and not self.hidden


def figures(organisation: Organisation) -> dict[str, int]:
    """Everything the checklist counts, for the organisation in scope (one query)."""
    active = OrgUnit.objects.filter(archived_at__isnull=True)
    row = (
        Organisation.objects.filter(pk=organisation.pk)
        .annotate(
            units=_count(active),
            schools=_count(active.filter(kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.PRESCHOOL])),
            kolada_units=_count(active.exclude(kolada_ou_id="")),
            members=_count(Membership.objects.all()),
            invited=_count(Invitation.objects.all()),
            waiting=_count(Invitation.objects.filter(accepted_at__isnull=True)),
            platform=Exists(PlatformVersion.objects.all()),
            platform_in_force=Exists(PlatformVersion.objects.filter(status="adopted")),
            target=Exists(TargetVision.objects.all()),
            target_adopted=Exists(TargetVision.objects.filter(status="adopted")),
            indicators=_count(Indicator.objects.all()),
            linked=_count(Indicator.objects.exclude(kolada_kpi="")),
            kolada_values=Exists(KoladaValue.objects.all()),
            periods=_count(Period.objects.all()),
            hidden=Exists(Checklist.objects.filter(~Q(hidden_at=None))),
        )
        .values(
            "units",
            "schools",
            "kolada_units",
            "members",
            "invited",
            "waiting",
            "platform",
            "platform_in_force",
            "target",
            "target_adopted",
            "indicators",
            "linked",
            "kolada_values",
            "periods",
            "hidden",
        )
        .get()
    )
    return {name: int(value) for name, value in row.items()}


def status(organisation: Organisation) -> Status:
    """The steps, each done or not with what it found and where to go (one query)."""
    n = figures(organisation)
    slug = organisation.slug

    def url(name: str) -> str:
        return reverse(name, args=[slug])

    municipality = organisation.kolada_municipality_id
    unit_links = [Link(_("From a file"), url("onboarding:unit_file"))]
    if municipality:
        unit_links.insert(
            0, Link(_("From Kolada's list of schools"), url("onboarding:kolada_units"))
        )
    steps = [
        Step(
            "municipality",
            _("Choose your municipality in Kolada"),
            bool(municipality),
            str(_("Kolada municipality %(id)s.") % {"id": municipality}) if municipality else "",
            [Link(_("Choose the municipality"), url("onboarding:municipality"))],
        ),
        Step(
            "units",
            _("Bring in your schools and preschools"),
            n["schools"] > 0,
            ngettext(
                "%(count)s school or preschool, %(linked)s of them linked to Kolada.",
                "%(count)s schools and preschools, %(linked)s of them linked to Kolada.",
                n["schools"],
            )
            % {"count": n["schools"], "linked": n["kolada_units"]},
            unit_links,
        ),
        Step(
            "people",
            _("Invite the people who will work in Målbild"),
            n["invited"] > 0 or n["members"] > 1,
            ngettext(
                "%(count)s invitation, %(waiting)s not yet accepted.",
                "%(count)s invitations, %(waiting)s not yet accepted.",
                n["invited"],
            )
            % {"count": n["invited"], "waiting": n["waiting"]},
            [
                Link(_("Invite people from a file"), url("onboarding:people")),
                Link(_("Invite one person"), url("tenants:person_invite")),
            ],
        ),
        Step(
            "platform",
            _("Start from the common platform and its four values"),
            bool(n["platform"]),
            str(_("In force.") if n["platform_in_force"] else _("A draft, to be made your own."))
            if n["platform"]
            else "",
            [
                Link(_("The platform"), url("platform:detail")),
                Link(_("The starting texts"), url("onboarding:platform")),
            ]
            if n["platform"]
            else [Link(_("Start the platform's draft"), url("onboarding:platform"))],
        ),
        Step(
            "target",
            _("Draft the målbild with its four focus areas"),
            bool(n["target"]),
            str(_("Adopted.") if n["target_adopted"] else _("A draft, to be made your own."))
            if n["target"]
            else "",
            [
                Link(_("The målbild"), url("targets:detail")),
                Link(_("The starting texts"), url("onboarding:target")),
            ]
            if n["target"]
            else [Link(_("Start the målbild's draft"), url("onboarding:target"))],
        ),
        Step(
            "indicators",
            _("Follow your first key figures from Kolada"),
            n["indicators"] > 0,
            ngettext(
                "%(count)s indicator, %(linked)s of them following Kolada.",
                "%(count)s indicators, %(linked)s of them following Kolada.",
                n["indicators"],
            )
            % {"count": n["indicators"], "linked": n["linked"]},
            [Link(_("Choose key figures"), url("onboarding:indicators"))],
        ),
        Step(
            "period",
            _("Create the first follow-up period"),
            n["periods"] > 0,
            ngettext("%(count)s period.", "%(count)s periods.", n["periods"])
            % {"count": n["periods"]},
            [Link(_("Create the period"), url("onboarding:period"))],
        ),
    ]
    return Status(steps, bool(n["hidden"]), n)
