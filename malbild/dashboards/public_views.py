"""The organisation's public start page (`/offentlig/<org>/`, no login), and the language choice
of every public page."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from malbild.lib.paging import paginate
from malbild.platforms import services as platform_services
from malbild.platforms.models import Value
from malbild.stories import services as story_services
from malbild.targets import services as target_services
from malbild.tenants.decorators import public_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import PublicRequest


@require_safe
@public_view
def home(request: PublicRequest) -> HttpResponse:
    """What anyone may read about the organisation: the platform with its values, the adopted
    målbild with its decision and investments, and the schools and preschools. No personal data:
    no names of the people who proposed or decided."""
    organisation = request.organisation
    units = OrgUnit.objects.filter(
        archived_at__isnull=True, kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.PRESCHOOL]
    ).order_by("name", "id")
    target = target_services.adopted(organisation)
    return render(
        request,
        "dashboards/public_home.html",
        {
            "organisation": organisation,
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
