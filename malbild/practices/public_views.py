"""An organisation's public practices, under `/offentlig/<org>/praxis/…`, without login."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from malbild.lib.paging import paginate
from malbild.practices.forms import SearchForm
from malbild.practices.models import Practice
from malbild.practices.views import area_choices, filtered
from malbild.targets.models import FocusArea
from malbild.tenants.decorators import public_view
from malbild.tenants.requests import PublicRequest


@require_safe
@public_view
def public_list(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    practices = (
        Practice.objects.filter(state=Practice.State.PUBLIC)
        .select_related("unit", "focus_area")
        .order_by("-shared_at", "-id")
    )
    form = SearchForm(
        request.GET or None,
        areas=area_choices(FocusArea.objects.values_list("name", flat=True)),
    )
    found, query = filtered(practices, form)
    return render(
        request,
        "practices/public_list.html",
        {
            "organisation": organisation,
            "form": form,
            "query": query,
            "no_words": found is None,
            "page": paginate(request, found if found is not None else practices.none()),
        },
    )


@require_safe
@public_view
def public_detail(request: PublicRequest, practice_id: int) -> HttpResponse:
    practice = get_object_or_404(
        Practice.objects.filter(state=Practice.State.PUBLIC).select_related("unit", "focus_area"),
        pk=practice_id,
    )
    return render(
        request,
        "practices/public_detail.html",
        {
            "organisation": request.organisation,
            "practice": practice,
            "tips": [tip.text for tip in practice.tips.all()],
        },
    )
