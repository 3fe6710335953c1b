"""Kolada in the interface: the organisation's municipality and comparison groups, its units'
school-unit ids, each indicator's KPI, refreshing (in the worker, with a visible import run),
and the comparison of an indicator with the group and the country.

Searches ask Kolada while the page is built; when Kolada is down the page still answers and
says so. Linking, mapping and refreshing concern the whole organisation: they need
`can_import_data` with a role for the whole organisation. Every member reads the comparison.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.imports import comparison, links, refresh, tasks
from malbild.imports.kolada import Client, KoladaError
from malbild.imports.models import ImportRun, KoladaValue, PeerGroup
from malbild.indicators.models import Indicator
from malbild.lib.paging import paginate
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import MemberRequest, OrganisationRequest

IMPORTING = "can_import_data"
MAX_QUERY = 100
PAGE_TIMEOUT = 5.0  # seconds for each request to Kolada while a page waits


def searcher() -> Client:
    """A client for searches while a page is built: one retry and a short timeout, so a page
    never waits long (a Kolada that accepts connections and never answers costs a page twice
    PAGE_TIMEOUT, not twice the background fetch's KOLADA_TIMEOUT)."""
    return Client(retries=1, backoff=0.5, timeout=min(settings.KOLADA_TIMEOUT, PAGE_TIMEOUT))


def _query(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()[:MAX_QUERY]


def _to_kolada(request: OrganisationRequest, anchor: str = "") -> HttpResponse:
    url = reverse("imports:kolada", args=[request.organisation.slug])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _search(request: HttpRequest, what: str, call: Any) -> tuple[list[Any], str]:
    """Ask Kolada; on failure an empty result and the reason, so the page still answers."""
    try:
        return call(), ""
    except KoladaError as e:
        return [], str(e)


@require_safe
@member_view(IMPORTING)
def kolada(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require(IMPORTING)
    client = searcher()
    context: dict[str, Any] = {"municipality_query": _query(request, "kommun"),
                               "group_query": _query(request, "grupp")}  # fmt: skip
    if context["municipality_query"]:
        context["municipalities"], context["municipality_error"] = _search(
            request,
            "municipality",
            lambda: client.search_municipalities(context["municipality_query"]),
        )
    if context["group_query"]:
        context["groups_found"], context["group_error"] = _search(
            request, "group", lambda: client.municipality_groups(context["group_query"])
        )
    latest = dict(
        KoladaValue.objects.values_list("kpi")
        .annotate(last=Max("fetched_at"))
        .values_list("kpi", "last")
    )
    linked = list(Indicator.objects.exclude(kolada_kpi="").order_by("code"))
    for indicator in linked:
        indicator.fetched_at = latest.get(indicator.kolada_kpi)  # type: ignore[attr-defined]
    context.update(
        {
            "organisation": organisation,
            "linked": linked,
            "unlinked_count": Indicator.objects.filter(kolada_kpi="").count(),
            "groups": list(PeerGroup.objects.order_by("name")),
            "runs": list(
                ImportRun.objects.filter(kind=ImportRun.Kind.KOLADA)
                .select_related("started_by")
                .order_by("-created_at")[:5]
            ),
            "mapped_units": OrgUnit.objects.exclude(kolada_ou_id="").count(),
        }
    )
    return render(request, "imports/kolada.html", context)


@require_POST
@member_view(IMPORTING)
def set_municipality(request: MemberRequest) -> HttpResponse:
    request.access.require(IMPORTING)
    try:
        links.set_municipality(request.organisation, request, request.POST.get("kolada_id", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The Kolada municipality has been saved."))
    return _to_kolada(request, "municipality")


@require_safe
@member_view(IMPORTING)
def units(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require(IMPORTING)
    chosen = None
    found: list[Any] = []
    error = ""
    given = request.GET.get("enhet", "").strip()
    if given:
        if not given.isdigit():
            raise Http404
        chosen = get_object_or_404(OrgUnit, pk=int(given))
        query = _query(request, "q") or chosen.name
        found, error = _search(
            request,
            "ou",
            lambda: searcher().search_units(query, organisation.kolada_municipality_id),
        )
    schools = OrgUnit.objects.filter(
        archived_at__isnull=True, kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.PRESCHOOL]
    ).order_by("name", "id")
    return render(
        request,
        "imports/kolada_units.html",
        {"page": paginate(request, schools), "chosen": chosen, "found": found, "error": error,
         "query": _query(request, "q")},
    )  # fmt: skip


@require_POST
@member_view(IMPORTING)
def set_unit(request: MemberRequest, unit_id: int) -> HttpResponse:
    request.access.require(IMPORTING)
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    try:
        links.set_unit(unit, request, request.POST.get("kolada_id", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("The Kolada unit of %(unit)s has been saved.") % {"unit": unit.name}
        )
    return redirect(reverse("imports:kolada_units", args=[request.organisation.slug]))


@require_http_methods(["GET", "POST"])
@member_view(IMPORTING)
def link(request: MemberRequest, indicator_id: int) -> HttpResponse:
    request.access.require(IMPORTING)
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    if request.method == "POST":
        try:
            links.link_kpi(indicator, request, request.POST.get("kpi", ""))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            if indicator.kolada_kpi:
                messages.success(
                    request,
                    _("%(code)s now follows the Kolada KPI %(kpi)s. Refresh to fetch its figures.")
                    % {"code": indicator.code, "kpi": indicator.kolada_kpi},
                )
            else:
                messages.success(
                    request,
                    _("%(code)s no longer follows a Kolada KPI.") % {"code": indicator.code},
                )
            return _to_kolada(request, "indicators")
    query = _query(request, "q")
    found: list[Any] = []
    error = ""
    if query:
        found, error = _search(request, "kpi", lambda: searcher().search_kpis(query))
    return render(
        request,
        "imports/kolada_link.html",
        {"indicator": indicator, "found": found, "error": error, "query": query,
         "suggestion": query or indicator.name},
    )  # fmt: skip


@require_POST
@member_view(IMPORTING)
def refresh_now(request: MemberRequest) -> HttpResponse:
    """Start a refresh of every linked indicator (or one KPI) in the worker."""
    request.access.require(IMPORTING)
    kpi = request.POST.get("kpi", "").strip().upper()
    if kpi and not links.KPI_ID.match(kpi):
        raise Http404
    run = refresh.start(request.organisation, user=request.user, kpis=[kpi] if kpi else [])
    tasks.refresh_kolada.enqueue(run.organisation_id, run.pk)
    run.refresh_from_db()
    if run.state == ImportRun.State.FAILED:
        # Marked failed with its audit event (immediate backends get here at once).
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": run.message})
    else:
        messages.info(
            request, _("The refresh from Kolada has started; this page shows how far it has come.")
        )
    return redirect(reverse("imports:run", args=[run.organisation.slug, run.pk]))


@require_POST
@member_view(IMPORTING)
def group_add(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require(IMPORTING)
    group_id = request.POST.get("kolada_group_id", "").strip()
    try:
        if group_id:
            try:
                groups = searcher().municipality_groups(group_id=group_id)
            except KoladaError as e:
                raise ValidationError(str(e)) from None
            if not groups:
                raise ValidationError(_("Kolada has no such group."))
            found = groups[0]
            links.save_group(organisation, request, name=found["title"] or group_id,
                             members=found["members"], kolada_group_id=group_id)  # fmt: skip
        else:
            ids = [
                part.strip()
                for part in request.POST.get("members", "").replace(";", ",").split(",")
            ]
            links.save_group(
                organisation,
                request,
                name=request.POST.get("name", ""),
                members=[{"id": member, "title": ""} for member in ids if member],
            )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("The comparison group has been saved. Refresh to fetch its figures.")
        )
    return _to_kolada(request, "groups")


@require_POST
@member_view(IMPORTING)
def group_remove(request: MemberRequest, group_id: int) -> HttpResponse:
    request.access.require(IMPORTING)
    group = get_object_or_404(PeerGroup, pk=group_id)
    links.remove_group(group, request)
    messages.success(
        request, _("The comparison group %(name)s has been removed.") % {"name": group.name}
    )
    return _to_kolada(request, "groups")


@require_safe
@member_view()
def compare(request: MemberRequest, indicator_id: int) -> HttpResponse:
    organisation = request.organisation
    indicator = get_object_or_404(Indicator, pk=indicator_id)
    groups = list(PeerGroup.objects.order_by("name"))
    given = request.GET.get("grupp", "").strip()
    group = None
    if given:
        if not given.isdigit():
            raise Http404
        group = next((g for g in groups if g.pk == int(given)), None)
        if group is None:
            raise Http404
    elif groups:
        group = groups[0]
    result = None
    if indicator.kolada_kpi and organisation.kolada_municipality_id:
        result = comparison.compare(
            indicator, group, organisation.kolada_municipality_id, organisation.name
        )
    return render(
        request,
        "imports/compare.html",
        {"indicator": indicator, "groups": groups, "group": group, "result": result,
         "may_link": request.access.can(IMPORTING)},
    )  # fmt: skip


# A panel on the indicators app's page -------------------------------------------------------------


def indicator_links_panel(*, request: HttpRequest, indicator: Indicator, **_signal: Any) -> str:
    """On an indicator's page (`indicators.signals.detail_panels`): its Kolada comparison and the
    link to a Kolada key figure, for those who may import."""
    return render_to_string("imports/_indicator_links.html", {"indicator": indicator}, request)
