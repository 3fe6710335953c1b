"""The organisation's public start page (`/offentlig/<org>/`, no login)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from malbild.communication import services as communication_services
from malbild.lib.paging import paginate
from malbild.platforms import services as platform_services
from malbild.platforms.models import Value
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
            "highlights": communication_services.highlights(),
        },
    )
