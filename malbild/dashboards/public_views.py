"""The organisation's public start page (`/offentlig/<org>/`, no login), and the language choice
of every public page."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from malbild.dashboards import start
from malbild.goals.access import PUBLIC_STATUSES
from malbild.goals.models import Goal
from malbild.lib.paging import paginate
from malbild.platforms import services as platform_services
from malbild.platforms.models import Value
from malbild.stories import services as story_services
from malbild.targets import services as target_services
from malbild.tenants.decorators import public_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import PublicRequest

TOP_GOALS = 20  # the organisation's own goals on its public start page (the goals page has all)


@require_safe
@public_view
def home(request: PublicRequest) -> HttpResponse:
    """What anyone may read about the organisation: first how it is going ("Så går det": the
    active goals by focus area and status as a picture, then the organisation's own goals with
    their progress), then the platform with its values, the adopted målbild with its decision
    and investments, and the schools and preschools, each linked to its own goals. No personal data:
    no names of the people who proposed or decided."""
    organisation = request.organisation
    units = OrgUnit.objects.filter(
        archived_at__isnull=True, kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.PRESCHOOL]
    ).order_by("name", "id")
    target = target_services.adopted(organisation)
    goals = Goal.objects.filter(target_vision=target) if target else Goal.objects.none()
    status = start.status(goals, None)
    top_goals = (
        goals.filter(unit__parent__isnull=True, status__in=PUBLIC_STATUSES)
        .select_related("focus_area")
        .order_by("focus_area__position", "focus_area__name", "title", "pk")[:TOP_GOALS]
    )
    return render(
        request,
        "dashboards/public_home.html",
        {
            "organisation": organisation,
            "status": status,
            "chart": status.chart(
                title=_("Active goals by focus area and status in %(scope)s")
                % {"scope": organisation.name},
                description=_(
                    "One bar per focus area, divided by status: on track, at risk, off track "
                    "and without data. The table below has the same figures."
                ),
            ),
            "lights": start.light_counts(status),
            "goals": start.progress_bars(top_goals),
            "platform": platform_services.in_force(organisation),
            "values": Value.objects.filter(retired_at__isnull=True),
            "target": target,
            "investments": target.investments.all() if target else [],
            "focus_areas": target.focus_areas.all() if target else [],
            "page": paginate(request, units),
            "highlights": story_services.highlights(),
        },
    )


@require_safe
@public_view
def language(request: PublicRequest) -> HttpResponse:
    """The language choice, on its own page: its form carries a CSRF token, which the cached
    public pages must not."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("dashboards_public:home", args=[request.organisation.slug])
    return render(
        request,
        "dashboards/public_language.html",
        {"organisation": request.organisation, "next": next_url},
    )
