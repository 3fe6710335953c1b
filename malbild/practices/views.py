"""The practice library.

* `/o/<org>/praxis/…`: the organisation's own practices (drafts included) for its members;
  writing them (`can_edit_practices`), sharing or publishing them (`can_publish_practices`),
  importing them, using any practice in the own work, and commenting on another's.
* `/delat/praxis/…`: every practice that its organisation shared, for anyone who is a member
  somewhere on the installation. Read only through `tenants.shared` (DESIGN.md §4).
* `/offentlig/<org>/praxis/…`: the organisation's public practices, without login
  (`public_views.py`).
"""

from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.practices import importers, search, services
from malbild.practices.forms import (
    CommentForm,
    ImportForm,
    PracticeForm,
    SearchForm,
    StateForm,
    UseForm,
)
from malbild.practices.models import Practice, PracticeComment, PracticeUse, Tip
from malbild.targets import services as target_services
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants import shared
from malbild.tenants.decorators import member_view, shared_view
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.permissions import Access, roles_with
from malbild.tenants.requests import MemberRequest, SharedRequest
from malbild.tenants.scope import scope

EDIT = "can_edit_practices"
PUBLISH = "can_publish_practices"
PLAN = "can_edit_action_plans"
IMPORT_SALT = "malbild.practices.import"
DEFAULT_AREAS = [name for name, _description in FocusArea.DEFAULTS]


# Helpers ------------------------------------------------------------------------------------------


def _units(access: Access, capability: str) -> QuerySet[OrgUnit]:
    """The active units in which the person holds `capability`."""
    units = OrgUnit.objects.filter(archived_at__isnull=True)
    subtrees = access.subtrees(capability)
    if subtrees is not None:
        within = Q(pk__in=[])
        for unit in subtrees:
            within |= Q(path__startswith=unit.path)
        units = units.filter(within)
    return units.order_by("path")


def _practice(practice_id: int) -> Practice:
    """A practice of the organisation in scope (any state), or 404."""
    return get_object_or_404(Practice.objects.select_related("unit", "focus_area"), pk=practice_id)


def _editable(request: MemberRequest, practice_id: int) -> Practice:
    practice = _practice(practice_id)
    request.access.require(EDIT, practice.unit)
    return practice


def filtered(
    practices: QuerySet[Practice], form: SearchForm
) -> tuple[QuerySet[Practice] | None, str]:
    """The practices matching the search form, and the query; None when the query has no
    word to search for."""
    if area := form.value("area"):
        practices = practices.filter(focus_area__name=area)
    if kind := form.value("kind"):
        practices = practices.filter(unit__kind=kind)
    if org := form.value("org"):
        practices = practices.filter(organisation__slug=org)
    query = (form.data.get("q") or "")[:200].strip() if form.is_bound else ""
    if query:
        return search.matching(practices, query), query
    return practices, query


def _draft(form: PracticeForm) -> services.Draft:
    data = form.cleaned_data
    return services.Draft(
        title=data["title"],
        summary=data["summary"],
        details=data["details"],
        focus_area=data["focus_area"],
        unit=data["unit"],
        contact_role=data["contact_role"],
        contact_email=data["contact_email"],
        tips=data["tips"].splitlines(),
        goals=list(data["goals"]),
        indicators=list(data["indicators"]),
    )


def _shared_practices() -> QuerySet[Practice]:
    """Every organisation's shared and public practices (the one cross-organisation read)."""
    return shared.published(Practice).select_related("organisation", "unit", "focus_area")


def _shared_practice(practice_id: int) -> Practice:
    return get_object_or_404(_shared_practices(), pk=practice_id)


def _shared_tips(practice: Practice) -> list[str]:
    tips = shared.published(Tip).filter(practice=practice).order_by("position", "id")
    return [tip.text for tip in tips]


def _shared_comments(practice: Practice) -> list[PracticeComment]:
    comments = (
        shared.published(PracticeComment)
        .filter(practice=practice)
        .select_related("organisation", "author")
        .order_by("created_at", "id")
    )
    return list(comments)


def _shared_url(practice: Practice) -> str:
    return reverse("practices_shared:detail", args=[practice.pk])


def area_choices(names: QuerySet[Any]) -> list[str]:
    found = [n for n in names if n]
    return sorted(set(DEFAULT_AREAS) | set(found), key=lambda n: (n not in DEFAULT_AREAS, n))


# The organisation's own practices -----------------------------------------------------------------


@require_safe
@member_view()
def practice_list(request: MemberRequest) -> HttpResponse:
    """The organisation's practices in every state, searchable, and the way to the library."""
    organisation = request.organisation
    access = request.access
    practices = Practice.objects.select_related("unit", "focus_area").order_by("title", "id")
    form = SearchForm(
        request.GET or None,
        areas=area_choices(FocusArea.objects.values_list("name", flat=True)),
    )
    found, query = filtered(practices, form)
    uses = PracticeUse.objects.select_related(
        "practice", "practice__organisation", "activity"
    ).order_by("-used_at", "-id")[:10]
    return render(
        request,
        "practices/list.html",
        {
            "form": form,
            "query": query,
            "no_words": found is None,
            "page": paginate(request, found if found is not None else practices.none()),
            "uses": uses,
            "may_edit": access.can(EDIT, anywhere=True),
            "organisation": organisation,
        },
    )


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    form = PracticeForm(request.POST or None, units=_units(request.access, EDIT))
    if request.method == "POST" and form.is_valid():
        request.access.require(EDIT, form.cleaned_data["unit"])
        try:
            practice = services.create(organisation, request, _draft(form))
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _(
                    "The practice is saved as a draft. Only %(organisation)s reads it until you "
                    "share it."
                )
                % {"organisation": organisation.name},
            )
            return redirect("practices:detail", organisation.slug, practice.pk)
    return render(request, "practices/form.html", {"form": form})


@require_safe
@member_view()
def detail(request: MemberRequest, practice_id: int) -> HttpResponse:
    """One of the organisation's own practices, with what other organisations asked about it."""
    practice = _practice(practice_id)
    access = request.access
    comments = _shared_comments(practice) if practice.is_shared else []
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "tips": [tip.text for tip in practice.tips.all()],
            "goals": practice.goals.select_related("unit"),
            "indicators": practice.indicators.all(),
            "comments": comments,
            "may_edit": access.can(EDIT, practice.unit),
            "may_publish": access.can(PUBLISH),
            "state_form": StateForm(initial={"state": practice.state}),
            "may_use": access.can(PLAN, anywhere=True),
        },
    )


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def edit(request: MemberRequest, practice_id: int) -> HttpResponse:
    organisation = request.organisation
    practice = _editable(request, practice_id)
    form = PracticeForm(request.POST or None, units=_units(request.access, EDIT), practice=practice)
    if request.method == "POST" and form.is_valid():
        request.access.require(EDIT, form.cleaned_data["unit"])
        try:
            services.update(practice, request, _draft(form))
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The practice is saved."))
            return redirect("practices:detail", organisation.slug, practice.pk)
    return render(request, "practices/form.html", {"form": form, "practice": practice})


@require_POST
@member_view(PUBLISH)
def set_state(request: MemberRequest, practice_id: int) -> HttpResponse:
    """Keep it a draft, share it with every organisation, or make it public too."""
    organisation = request.organisation
    practice = _practice(practice_id)
    request.access.require(PUBLISH)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose draft, shared or public."))
    else:
        services.set_state(practice, request, form.cleaned_data["state"])
        messages.success(
            request,
            {
                Practice.State.DRAFT: _("The practice is a draft again: only we read it."),
                Practice.State.SHARED: _("The practice is shared with every organisation."),
                Practice.State.PUBLIC: _("The practice is public: anyone can read it."),
            }[Practice.State(practice.state)],
        )
    return redirect("practices:detail", organisation.slug, practice.pk)


def _usable(practice_id: int) -> tuple[Practice, list[str], str]:
    """A practice the organisation in scope may use (its own, or a shared one), its tips and
    the name of its organisation."""
    own = Practice.objects.select_related("organisation").filter(pk=practice_id).first()
    if own is not None:
        return own, [t.text for t in own.tips.all()], own.organisation.name
    practice = _shared_practice(practice_id)
    return practice, _shared_tips(practice), practice.organisation.name


@require_http_methods(["GET", "POST"])
@member_view()
def use(request: MemberRequest, practice_id: int) -> HttpResponse:
    """Take a practice's tips into the own work: suggested activities in a unit's action plan,
    or a note in the discussion of the målbild being drafted."""
    organisation = request.organisation
    access = request.access
    practice, tips, publisher = _usable(practice_id)
    units = _units(access, PLAN)
    version = target_services.open_version(organisation)
    may_note = (
        version is not None
        and version.status in (TargetVision.Status.DRAFT, TargetVision.Status.PROPOSED)
        and access.can("can_comment", anywhere=True)
    )
    may_plan = access.can(PLAN, anywhere=True)
    if not may_plan and not may_note:
        raise PermissionDenied(
            _(
                "Only people who plan activities for a unit (rektor or förvaltningsledning) may "
                "use a practice here."
            )
        )
    if not tips:
        return render(request, "practices/no_tips.html", {"practice": practice}, status=400)
    form = UseForm(
        request.POST or None, tips=tips, units=units, may_plan=may_plan, may_note=may_note
    )
    if request.method == "POST" and form.is_valid():
        link = request.build_absolute_uri(_shared_url(practice))
        chosen = form.chosen_tips()
        try:
            if form.cleaned_data["how"] == UseForm.NOTE and version is not None:
                services.use_as_note(
                    practice,
                    request,
                    organisation,
                    version=version,
                    tips=chosen,
                    publisher=publisher,
                    url=link,
                )
                messages.success(
                    request, _("The tips are a note in the discussion of the målbild.")
                )
                return redirect("targets:version", organisation.slug, version.number)
            unit = form.cleaned_data["unit"]
            access.require(PLAN, unit)
            services.use_in_plan(
                practice,
                request,
                organisation,
                unit=unit,
                tips=chosen,
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                publisher=publisher,
                url=link,
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("%(count)s suggested activities are in the action plan of %(unit)s.")
                % {"count": len(chosen), "unit": unit.name},
            )
            return redirect("plans:unit_plan", organisation.slug, unit.pk)
    return render(
        request,
        "practices/use.html",
        {"form": form, "practice": practice, "publisher": publisher, "version": version},
    )


@require_POST
@member_view("can_comment")
def comment(request: MemberRequest, practice_id: int) -> HttpResponse:
    """A comment or question on a shared practice, stored with the commenter's organisation."""
    organisation = request.organisation
    practice = _shared_practice(practice_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment(practice, request, organisation, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(_shared_url(practice) + "#comments")
    for error in form.errors.values():
        messages.error(request, " ".join(str(e) for e in error))
    return redirect(_shared_url(practice) + "#comment-form")


# Import -------------------------------------------------------------------------------------------


def _read(files: list[Any]) -> tuple[list[importers.Parsed], list[str]]:
    """Parsed practices and the errors that stop a whole file."""
    items: list[importers.Parsed] = []
    errors: list[str] = []
    for upload in files:
        data = upload.read()
        if upload.name.lower().endswith(".xml"):
            try:
                items.extend(importers.read_mediawiki(data, upload.name))
            except importers.ImportError_ as e:
                errors.append(f"{upload.name}: {e}")
        else:
            items.append(importers.read_markdown(data, upload.name))
    return items, errors


def _resolve(
    items: list[importers.Parsed],
    default_area: FocusArea,
    default_unit: OrgUnit,
    default_contact: str,
    access: Access,
) -> list[services.Draft | None]:
    """Drafts for the items, checking the named key areas and units against the organisation
    (adds errors to the items; None where an item cannot become a practice)."""
    areas = {a.name.lower(): a for a in FocusArea.objects.all()}
    codes = {i.unit.upper() for i in items if i.unit}
    units = {u.code.upper(): u for u in OrgUnit.objects.filter(code__in=codes)} if codes else {}
    existing = {
        t.lower()
        for t in Practice.objects.filter(title__in=[i.title for i in items]).values_list(
            "title", flat=True
        )
    }
    drafts: list[services.Draft | None] = []
    seen: set[str] = set()
    for item in items:
        area = areas.get(item.area.lower()) if item.area else default_area
        if area is None:
            item.errors.append(
                _("The key area “%(area)s” is not one of ours (%(areas)s).")
                % {"area": item.area, "areas": ", ".join(a.name for a in areas.values())}
            )
        unit = units.get(item.unit.upper()) if item.unit else default_unit
        if unit is None:
            item.errors.append(_("No unit has the code “%(code)s”.") % {"code": item.unit})
        elif not access.can(EDIT, unit):
            item.errors.append(_("You may not write practices for %(unit)s.") % {"unit": unit.name})
        if item.title.lower() in existing:
            item.errors.append(_("We already have a practice with this title."))
        if item.title.lower() in seen:
            item.errors.append(_("Another practice in the import has the same title."))
        seen.add(item.title.lower())
        if item.errors or area is None or unit is None:
            drafts.append(None)
            continue
        drafts.append(
            services.Draft(
                title=item.title,
                summary=item.summary,
                details=item.details,
                focus_area=area,
                unit=unit,
                contact_role=item.contact or default_contact,
                contact_email="",
                tips=item.tips,
            )
        )
    return drafts


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def import_files(request: MemberRequest) -> HttpResponse:
    """Upload → preview with every error; the practices are written only by `import_commit`."""
    access = request.access
    units = _units(access, EDIT)
    form = ImportForm(request.POST or None, request.FILES or None, units=units)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        items, file_errors = _read(form.cleaned_data["uploads"])
        drafts = _resolve(
            items,
            form.cleaned_data["focus_area"],
            form.cleaned_data["unit"],
            form.cleaned_data["contact_role"],
            access,
        )
        ok = not file_errors and bool(items) and all(d is not None for d in drafts)
        source = ", ".join(f.name for f in form.cleaned_data["uploads"])
        services.record_check(
            request.organisation,
            request,
            source,
            len(items),
            len(file_errors) + sum(1 for i in items if i.errors),
        )
        payload = ""
        if ok:
            payload = signing.dumps(
                {
                    "source": source[:200],
                    "items": [
                        {
                            **item.as_dict(),
                            "area_id": d.focus_area.pk,
                            "unit_id": d.unit.pk,
                            "contact": d.contact_role,
                        }
                        for item, d in zip(items, drafts, strict=True)
                        if d is not None
                    ],
                },
                salt=IMPORT_SALT,
                compress=True,
            )
        context.update(
            {"items": items, "file_errors": file_errors, "payload": payload, "preview": True}
        )
        return render(request, "practices/import.html", context, status=200 if ok else 400)
    return render(request, "practices/import.html", context, status=400 if form.errors else 200)


@require_POST
@member_view(EDIT)
def import_commit(request: MemberRequest) -> HttpResponse:
    """Write the previewed practices, all or nothing (checked again: time has passed)."""
    organisation = request.organisation
    access = request.access
    try:
        data = signing.loads(request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=3600)
    except signing.BadSignature:
        messages.error(request, _("The preview is too old or was changed. Upload the files again."))
        return redirect("practices:import", organisation.slug)
    areas = FocusArea.objects.in_bulk([i["area_id"] for i in data["items"]])
    units = OrgUnit.objects.in_bulk([i["unit_id"] for i in data["items"]])
    drafts = []
    for item in data["items"]:
        area, unit = areas.get(item["area_id"]), units.get(item["unit_id"])
        if area is None or unit is None or not access.can(EDIT, unit):
            raise Http404
        drafts.append(
            services.Draft(
                title=item["title"],
                summary=item["summary"],
                details=item["details"],
                focus_area=area,
                unit=unit,
                contact_role=item["contact"],
                tips=item["tips"],
            )
        )
    try:
        practices = services.import_drafts(organisation, request, drafts, data["source"])
    except ValidationError as e:
        messages.error(
            request,
            _("Nothing was imported: %(error)s Upload the files again.")
            % {"error": " ".join(e.messages)},
        )
        return redirect("practices:import", organisation.slug)
    messages.success(
        request, _("%(count)s practices were imported as drafts.") % {"count": len(practices)}
    )
    return redirect("practices:list", organisation.slug)


# The library, shared across organisations ---------------------------------------------------------


def _my_organisations(request: SharedRequest) -> list[Organisation]:
    found: dict[int, Organisation] = {}
    for membership in request.memberships:
        found.setdefault(membership.organisation_id, membership.organisation)
    return sorted(found.values(), key=lambda o: o.name)


def _may_use_in(request: SharedRequest) -> list[Organisation]:
    """The person's organisations where `use` would let them do something: plan activities,
    or add a note to a målbild being drafted (a query for each organisation without the
    former, usually none or one)."""
    planners = roles_with(PLAN)
    usable = []
    for organisation in _my_organisations(request):
        roles = {m.role for m in request.memberships if m.organisation_id == organisation.pk}
        if roles & planners:
            usable.append(organisation)
            continue
        with scope(organisation):
            version = target_services.open_version(organisation)
        if version is not None and version.status in (
            TargetVision.Status.DRAFT,
            TargetVision.Status.PROPOSED,
        ):
            usable.append(organisation)
    return usable


@require_safe
@shared_view
def library(request: SharedRequest) -> HttpResponse:
    """Search every organisation's shared practices by words, key area, organisation and
    kind of unit."""
    practices = _shared_practices().order_by("-shared_at", "-id")
    form = SearchForm(
        request.GET or None,
        areas=area_choices(
            practices.order_by().values_list("focus_area__name", flat=True).distinct()
        ),
        organisations=list(
            practices.order_by("organisation__name")
            .values_list("organisation__slug", "organisation__name")
            .distinct()
        ),
    )
    found, query = filtered(practices, form)
    return render(
        request,
        "practices/library.html",
        {
            "form": form,
            "query": query,
            "no_words": found is None,
            "page": paginate(request, found if found is not None else practices.none()),
            "my_organisations": _my_organisations(request),
        },
    )


@require_safe
@shared_view
def shared_detail(request: SharedRequest, practice_id: int) -> HttpResponse:
    practice = _shared_practice(practice_id)
    tips = _shared_tips(practice)
    return render(
        request,
        "practices/shared_detail.html",
        {
            "practice": practice,
            "tips": tips,
            "comments": _shared_comments(practice),
            "comment_form": CommentForm(),
            "my_organisations": _my_organisations(request),
            "use_in": _may_use_in(request) if tips else [],
        },
    )
