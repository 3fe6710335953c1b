"""Getting started ("Kom igång"): the checklist and the pages of its steps.

Every step page says what it will do, does it through the services of the app it concerns and
leads back to the checklist, so an administrator can follow the checklist alone from an empty
organisation to a working overview. The checklist is for the organisation's administrators
(`can_set_up_organisation`); each step needs its own capability for the whole organisation,
except the file of people, which a unit lead may also use for the roles they may give.
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.followup import services as followup_services
from malbild.followup.forms import PeriodForm
from malbild.followup.models import Period
from malbild.imports import comparison, links
from malbild.imports.kolada import KoladaError
from malbild.indicators.models import Indicator
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.onboarding import checklist, content, koladaunits, services
from malbild.onboarding.forms import (
    KpiForm,
    PeopleFileForm,
    PlatformTextForm,
    TargetTextForm,
    UnitFileForm,
)
from malbild.onboarding.models import FileBatch
from malbild.platforms import services as platform_services
from malbild.platforms.forms import value_formset
from malbild.targets.models import TargetVision
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest

SET_UP = "can_set_up_organisation"
UNITS = "can_manage_units"
PEOPLE = "can_manage_people"
PLATFORM = "can_edit_platform"
TARGET = "can_draft_target_vision"
INDICATORS = "can_edit_indicators"
KOLADA = "can_import_data"
FOLLOWUP = "can_manage_followup"
MAX_QUERY = 100
PREVIEW_ROWS = 10
LATEST_SHOWN = 20  # key figures shown with their latest value on the checklist
UNIT_PREVIEW = ("row", "kod", "namn", "typ", "överordnad_kod")
PEOPLE_PREVIEW = ("row", "namn", "e-post", "roll", "enhet_kod")


def _to_checklist(request: MemberRequest, anchor: str = "") -> HttpResponse:
    url = reverse("onboarding:checklist", args=[request.organisation.slug])
    return redirect(url + (f"#{anchor}" if anchor else ""))


# The checklist ------------------------------------------------------------------------------------


@require_safe
@member_view(SET_UP)
def checklist_page(request: MemberRequest) -> HttpResponse:
    """The steps, what each found and where to go next; once figures have come from Kolada,
    the latest of each key figure the organisation follows (three queries in all)."""
    organisation = request.organisation
    request.access.require(SET_UP)
    status = checklist.status(organisation)
    latest = (
        comparison.latest_of_municipality(organisation, LATEST_SHOWN)
        if status.figures["linked"]
        else []
    )
    return render(
        request,
        "onboarding/checklist.html",
        {"organisation": organisation, "status": status, "latest": latest},
    )


@require_POST
@member_view(SET_UP)
def box(request: MemberRequest) -> HttpResponse:
    """Put the start page's box away (`hide=1`) or bring it back."""
    organisation = request.organisation
    request.access.require(SET_UP)
    hide = request.POST.get("hide") == "1"
    services.set_hidden(organisation, request, hide)
    if hide:
        messages.success(
            request,
            _("The box is put away. The checklist stays a link away on the start page."),
        )
    else:
        messages.success(request, _("The box is shown on the start page again."))
    return _to_checklist(request)


# Kolada municipality ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(KOLADA)
def municipality(request: MemberRequest) -> HttpResponse:
    """Search Kolada's municipalities by name and choose one."""
    organisation = request.organisation
    request.access.require(KOLADA)
    if request.method == "POST":
        try:
            links.set_municipality(organisation, request, request.POST.get("kolada_id", ""))
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request,
                _("Kolada municipality %(id)s is chosen.")
                % {"id": organisation.kolada_municipality_id},
            )
            return _to_checklist(request, "municipality")
    query = request.GET.get("q", "").strip()[:MAX_QUERY]
    found: list[dict[str, str]] = []
    error = ""
    if query:  # Kolada is asked only when someone searches
        client = services.kolada_client()
        try:
            found = client.search_municipalities(query)
        except KoladaError as e:
            error = str(e)
        finally:
            client.close()
    return render(
        request,
        "onboarding/municipality.html",
        {
            "organisation": organisation,
            "query": query,
            "found": found,
            "error": error,
            "suggestion": query or organisation.name.removesuffix(" kommun"),
        },
    )


# Units from Kolada --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(UNITS)
def kolada_units(request: MemberRequest) -> HttpResponse:
    """Kolada's school units of the municipality beside those in Målbild: tick those to bring
    in (all new ones at first), name the area each goes under (empty: the top unit), and tick
    the units Kolada no longer lists to archive them. Kolada is asked when the administrator
    fetches the list (`?hamta=1`), not by merely opening the page; when it cannot be reached,
    the page says so and offers nothing to make. Saving makes everything or nothing."""
    organisation = request.organisation
    request.access.require(UNITS)
    if not organisation.kolada_municipality_id:
        messages.error(request, _("Choose the organisation's Kolada municipality first."))
        return redirect("onboarding:municipality", organisation.slug)
    if request.method == "POST":
        areas = {
            key.removeprefix("area-"): str(request.POST.get(key, ""))
            for key in request.POST
            if key.startswith("area-")
        }
        try:
            created, linked, new_areas, archived = services.bring_in_kolada_units(
                organisation,
                request,
                units=koladaunits.chosen(request.POST),
                areas=areas,
                close=set(request.POST.getlist("close")),
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
            return redirect("onboarding:kolada_units", organisation.slug)
        messages.success(
            request,
            _("%(created)s units brought in from Kolada, %(linked)s units already here linked to "
              "their Kolada ids, %(areas)s new areas, %(archived)s units archived.")
            % {"created": created, "linked": linked, "areas": new_areas, "archived": archived},
        )  # fmt: skip
        return _to_checklist(request, "units")
    found, error = None, ""
    if request.GET.get("hamta") == "1":  # Kolada is asked when the administrator says so
        client = services.kolada_client()
        try:
            found = koladaunits.plan(client.units_of(organisation.kolada_municipality_id))
        except KoladaError as e:
            error = str(e)
        finally:
            client.close()
    return render(
        request,
        "onboarding/kolada_units.html",
        {"organisation": organisation, "plan": found, "error": error, "areas": _areas()},
    )


def _areas() -> list[str]:
    """Names of the units right under the top unit, suggested as places for the schools."""
    top = services.top_unit()
    return list(
        top.children.filter(archived_at__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)[:200]
    )


# Files of units and people ------------------------------------------------------------------------


def _batches(request: MemberRequest, kind: str) -> QuerySet[FileBatch]:
    """The files of this kind the person may see: all for whole-organisation administrators of
    the step, else their own."""
    batches = FileBatch.objects.filter(kind=kind).select_related("created_by")
    capability = UNITS if kind == FileBatch.Kind.UNITS else PEOPLE
    if not request.access.can(capability):
        batches = batches.filter(created_by_id=request.user.pk)
    return batches


def _latest(request: MemberRequest, kind: str) -> FileBatch | None:
    return _batches(request, kind).order_by("-created_at", "-id").first()


def _file_page(
    request: MemberRequest, template: str, form: Any, kind: str, status: int = 200
) -> HttpResponse:
    batch = _latest(request, kind)
    errors = paginate(request, batch.errors) if batch is not None and batch.errors else None
    preview = []
    if batch is not None and batch.state == FileBatch.State.CHECKED:
        columns = UNIT_PREVIEW if kind == FileBatch.Kind.UNITS else PEOPLE_PREVIEW
        preview = [[row.get(c, "") for c in columns] for row in batch.rows[:PREVIEW_ROWS]]
    return render(
        request,
        template,
        {"form": form, "batch": batch, "errors": errors, "preview": preview},
        status=status,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
@member_view(UNITS)
def unit_file(request: MemberRequest) -> HttpResponse:
    """Upload a file of units; the page then shows its check: errors by row, or what it will
    create and a button to import it."""
    organisation = request.organisation
    request.access.require(UNITS)
    form = UnitFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            services.check_unit_file(organisation, request, name=upload.name, data=upload.read())
            return redirect(reverse("onboarding:unit_file", args=[organisation.slug]) + "#result")
        return _file_page(request, "onboarding/unit_file.html", form, FileBatch.Kind.UNITS, 400)
    return _file_page(request, "onboarding/unit_file.html", form, FileBatch.Kind.UNITS)


def _batch(request: MemberRequest, kind: str, batch_id: int) -> FileBatch:
    return get_object_or_404(_batches(request, kind), pk=batch_id)


@require_POST
@member_view(UNITS)
def unit_file_import(request: MemberRequest, batch_id: int) -> HttpResponse:
    organisation = request.organisation
    request.access.require(UNITS)
    batch = _batch(request, FileBatch.Kind.UNITS, batch_id)
    try:
        created = services.import_units(batch, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("onboarding:unit_file", organisation.slug)
    if batch.state != FileBatch.State.DONE:
        messages.error(request, batch.message)
        return redirect(reverse("onboarding:unit_file", args=[organisation.slug]) + "#result")
    messages.success(request, _("%(count)s units have been created.") % {"count": created})
    return _to_checklist(request, "units")


@require_http_methods(["GET", "POST"])
@member_view(PEOPLE)
def people(request: MemberRequest) -> HttpResponse:
    """Upload a file of people; the page then shows its check: every problem by row, or whom
    it will invite and how, and a button to send the invitations."""
    organisation = request.organisation
    form = PeopleFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            services.check_people_file(
                organisation,
                request.access,
                request,
                name=upload.name,
                data=upload.read(),
                delivery=form.cleaned_data["delivery"],
            )
            return redirect(reverse("onboarding:people", args=[organisation.slug]) + "#result")
        return _file_page(request, "onboarding/people.html", form, FileBatch.Kind.PEOPLE, 400)
    return _file_page(request, "onboarding/people.html", form, FileBatch.Kind.PEOPLE)


@require_POST
@member_view(PEOPLE)
def people_import(request: MemberRequest, batch_id: int) -> HttpResponse:
    organisation = request.organisation
    batch = _batch(request, FileBatch.Kind.PEOPLE, batch_id)
    try:
        by_email, at_login = services.import_people(batch, request.access, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("onboarding:people", organisation.slug)
    if batch.state != FileBatch.State.DONE:
        messages.error(request, batch.message)
        return redirect(reverse("onboarding:people", args=[organisation.slug]) + "#result")
    messages.success(
        request,
        _("%(email)s invitations are being sent by e-mail; %(login)s people receive their "
          "roles when they next log in.") % {"email": by_email, "login": at_login},
    )  # fmt: skip
    if request.access.can(SET_UP):
        return _to_checklist(request, "people")
    return redirect("tenants:people", organisation.slug)


# Starting texts -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(PLATFORM)
def platform(request: MemberRequest) -> HttpResponse:
    """The platform's first draft: a vision and verksamhetsidé to rewrite, and the four values
    of the source text with short descriptions to make the organisation's own."""
    organisation = request.organisation
    request.access.require(PLATFORM)
    existing = platform_services.in_force(organisation) or platform_services.draft_of(organisation)
    if request.method == "POST":
        form = PlatformTextForm(request.POST)
        values = value_formset(request.POST)
        if existing is None and form.is_valid() and values.is_valid():
            try:
                services.start_platform(
                    organisation,
                    request,
                    vision=form.cleaned_data["vision"].strip(),
                    mission=form.cleaned_data["mission"].strip(),
                    core_values=values.values(),
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(
                    request,
                    _("The platform's draft has been started. Adopt it when the decision has "
                      "been made."),
                )  # fmt: skip
                return _to_checklist(request, "platform")
    else:
        form = PlatformTextForm(initial={"vision": content.VISION, "mission": content.MISSION})
        values = value_formset(initial=content.VALUES)
    for row in values.forms:  # the starting texts are Swedish whatever the interface's language
        for name in ("name", "description"):
            row.fields[name].widget.attrs["lang"] = "sv"
    return render(
        request,
        "onboarding/platform.html",
        {
            "form": form,
            "values": values,
            "existing": existing,
            "starting": {
                "vision": content.VISION,
                "mission": content.MISSION,
                "values": content.VALUES,
            },
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@member_view(TARGET)
def target(request: MemberRequest) -> HttpResponse:
    """The målbild's first draft, with the four focus areas, to make the organisation's own."""
    organisation = request.organisation
    request.access.require(TARGET)
    existing = TargetVision.objects.order_by("-number").first()
    form = TargetTextForm(request.POST or None, initial=TargetTextForm.starting())
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            services.start_target(organisation, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The målbild's draft has been started with the four focus areas. Rewrite it "
                  "together before it is proposed."),
            )  # fmt: skip
            return _to_checklist(request, "target")
    return render(
        request,
        "onboarding/target.html",
        {"form": form, "existing": existing, "starting": TargetTextForm.starting()},
        status=400 if request.method == "POST" else 200,
    )


# Key figures and the first follow-up --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(INDICATORS)
def indicators(request: MemberRequest) -> HttpResponse:
    """The starter set of Kolada key figures, to follow as indicators in one step."""
    organisation = request.organisation
    access = request.access
    access.require(INDICATORS)
    access.require(KOLADA)
    followed = set(Indicator.objects.exclude(kolada_kpi="").values_list("kolada_kpi", flat=True))
    form = KpiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made, skipped, _run = services.link_starter_kpis(
                organisation, request, form.cleaned_data["kpis"]
            )
        except KoladaError as e:
            messages.error(request, _("Nothing was linked: %(reason)s") % {"reason": str(e)})
            return redirect("onboarding:indicators", organisation.slug)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            if made:
                messages.success(
                    request,
                    _("%(count)s indicators now follow Kolada; their figures are being fetched.")
                    % {"count": len(made)},
                )
            if skipped:
                messages.warning(
                    request,
                    _("Left out, as they are followed already or Kolada has no figures for the "
                      "municipality: %(kpis)s.") % {"kpis": ", ".join(skipped)},
                )  # fmt: skip
            return _to_checklist(request, "indicators")
    return render(
        request,
        "onboarding/indicators.html",
        {"form": form, "starters": content.STARTER_KPIS, "followed": followed,
         "organisation": organisation},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


def _school_year(today: date) -> dict[str, Any]:
    """A first period to suggest: the school year under way, reported a month after it ends."""
    start = today.year if today.month >= 7 else today.year - 1
    return {
        "name": f"Läsåret {start}/{str(start + 1)[2:]}",
        "starts_on": date(start, 8, 1),
        "ends_on": date(start + 1, 6, 30),
        "deadline": date(start + 1, 8, 31),
    }


@require_http_methods(["GET", "POST"])
@member_view(FOLLOWUP)
def period(request: MemberRequest) -> HttpResponse:
    """The first follow-up period, with the school year under way suggested."""
    organisation = request.organisation
    request.access.require(FOLLOWUP)
    form = PeriodForm(request.POST or None, initial=_school_year(timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            followup_services.create_period(organisation, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The period %(name)s has been created.") % {"name": form.cleaned_data["name"]},
            )
            return _to_checklist(request, "period")
    return render(
        request,
        "onboarding/period.html",
        {"form": form, "periods": list(Period.objects.order_by("-starts_on")[:5])},
        status=400 if request.method == "POST" else 200,
    )
