"""The målbild: the adopted version and its history, each version with its discussion and
decision, drafting and investments, proposing, adopting, comparing versions, reviews and the
focus areas. Every member reads all of it; writes go through `targets.services`."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.audit.models import AuditEvent
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.lib.panels import Panel
from malbild.lib.textdiff import has_changes, word_diff
from malbild.platforms.services import EditConflict
from malbild.steering.models import SteeringDocument
from malbild.targets import services, signals
from malbild.targets.forms import (
    AdoptForm,
    CommentForm,
    FocusAreaForm,
    InvestmentForm,
    ReviewForm,
    VisionForm,
)
from malbild.targets.models import FocusArea, Investment, Review, TargetVision
from malbild.tenants.decorators import member_view
from malbild.tenants.permissions import Access
from malbild.tenants.requests import MemberRequest

Status = TargetVision.Status
DRAFTING = "can_draft_target_vision"


def _in_full(versions: QuerySet[TargetVision]) -> QuerySet[TargetVision]:
    """Everything a version's page shows, in a fixed number of queries."""
    return versions.select_related(
        "decision", "decision__made_by", "decision__proposed_by", "proposed_by", "created_by"
    ).prefetch_related(
        "focus_areas",
        "steering_documents",
        "investments",
        Prefetch("reviews", queryset=Review.objects.select_related("reviewed_by", "new_draft")),
    )


def _version(number: int) -> TargetVision:
    """A version of the organisation in scope, by its number, or 404."""
    return get_object_or_404(_in_full(TargetVision.objects.all()), number=number)


def _shown(version: TargetVision) -> dict[str, Any]:
    """The context of a version's text and investments (`targets/_vision.html`)."""
    investments = list(version.investments.all())
    return {
        "version": version,
        "investments": investments,
        "investments_total": sum(i.total for i in investments),
        "overdue": version.review_overdue(timezone.localdate()),
    }


def _vision(request: HttpRequest, version: TargetVision) -> dict[str, Any]:
    """`_shown` for `targets/_vision.html`, with what the apps above show under the investments
    (followup: what each spent and achieved)."""
    shown = _shown(version)
    investments = shown["investments"]
    panels = signals.investment_panels.render(
        TargetVision, request=request, version=version, investments=investments
    )
    return shown | {"investment_panels": panels}


def _panels(request: HttpRequest, version: TargetVision) -> list[Panel]:
    """What the apps above show on a version's page (scanning: the signals behind it)."""
    return signals.version_panels.render(TargetVision, request=request, version=version)


def _may_adopt(access: Access) -> bool:
    return access.can("can_adopt_target_vision") or access.can("can_record_decision")


def _not_possible(
    request: HttpRequest, message: str, version: TargetVision | None = None
) -> HttpResponse:
    """A clear 400 page for a request that the version's state does not allow."""
    return render(
        request, "targets/not_possible.html", {"message": message, "version": version}, status=400
    )


def _not_a_draft(request: HttpRequest, version: TargetVision) -> HttpResponse:
    return _not_possible(
        request,
        _("Only a draft can be changed. This version is %(status)s.")
        % {"status": version.get_status_display()},
        version,
    )


def _to_version(version: TargetVision, anchor: str = "") -> HttpResponse:
    url = reverse("targets:version", args=[version.organisation.slug, version.number])
    return redirect(url + (f"#{anchor}" if anchor else ""))


# Reading ------------------------------------------------------------------------------------------


@require_safe
@member_view()
def detail(request: MemberRequest) -> HttpResponse:
    """The målbild in force, the version being worked on, and every version so far."""
    organisation = request.organisation
    current = _in_full(TargetVision.objects.filter(status=Status.ADOPTED)).first()
    history = TargetVision.objects.only(
        "number", "title", "status", "based_on", "created_at", "proposed_at", "adopted_at",
        "superseded_at",
    ).order_by("-number")  # fmt: skip
    page = paginate(request, history)
    if page.has_other_pages():
        first_number = TargetVision.objects.aggregate(n=Min("number"))["n"]
    else:  # every version is on the page
        first_number = min((v.number for v in page.object_list), default=None)
    rows = [(v, bool(v.based_on_id) or v.number != first_number) for v in page.object_list]
    access = request.access
    return render(
        request,
        "targets/detail.html",
        {
            **(_vision(request, current) if current else {}),
            "panels": _panels(request, current) if current else [],
            "current": current,
            "open_version": services.open_version(organisation),
            "page": page,
            "rows": rows,
            "may_draft": access.can(DRAFTING),
        },
    )


def _version_context(
    request: MemberRequest, version: TargetVision, comment_form: CommentForm | None = None
) -> dict[str, Any]:
    access = request.access
    comments = paginate(request, version.comments.select_related("author"))
    open_for_comments = version.status == Status.PROPOSED
    return {
        **_vision(request, version),
        "panels": _panels(request, version),
        "comments": comments,
        "comment_form": comment_form or (CommentForm() if open_for_comments else None),
        "has_previous": services.previous_version(version) is not None,
        "horizon_warning": services.horizon_warning(version.start_year, version.end_year)
        if version.is_editable
        else "",
        "may_draft": access.can(DRAFTING),
        "may_adopt": _may_adopt(access),
        "may_comment": access.can("can_comment", anywhere=True),
    }


@require_safe
@member_view()
def version(request: MemberRequest, number: int) -> HttpResponse:
    item = _version(number)
    return render(request, "targets/version.html", _version_context(request, item))


def _horizon(version: TargetVision) -> str:
    return f"{version.start_year}–{version.end_year}"


INVESTMENT_FACTS = ("description", "amount_per_year", "start_year", "end_year", "expected_gains")


def _investment_changes(before: list[Investment], after: list[Investment]) -> dict[str, list[str]]:
    """Investments added, removed and changed, matched by what they fund."""
    old = {i.title: i for i in before}
    new = {i.title: i for i in after}
    return {
        "added": [title for title in new if title not in old],
        "removed": [title for title in old if title not in new],
        "changed": [
            title
            for title in new
            if title in old
            and any(getattr(new[title], f) != getattr(old[title], f) for f in INVESTMENT_FACTS)
        ],
    }


def _names_changed(before: Any, after: Any) -> dict[str, list[str]]:
    old = [str(item) for item in before]
    new = [str(item) for item in after]
    return {
        "added": [name for name in new if name not in old],
        "removed": [name for name in old if name not in new],
    }


@require_safe
@member_view()
def compare(request: MemberRequest, number: int) -> HttpResponse:
    """What this version changed, word by word, against the one before it."""
    item = get_object_or_404(TargetVision, number=number)
    previous = services.previous_version(item)
    if previous is None:
        raise Http404
    prefetch_related_objects([item, previous], "focus_areas", "steering_documents", "investments")
    texts = [
        (_("Title"), previous.title, item.title),
        (_("Horizon"), _horizon(previous), _horizon(item)),
        (_("The målbild"), previous.statement, item.statement),
        (_("Why change"), previous.change_motive, item.change_motive),
        (_("If nothing changes"), previous.if_nothing_changes, item.if_nothing_changes),
    ]
    fields = []
    for label, before, after in texts:
        pieces = word_diff(before, after)
        fields.append({"label": label, "pieces": pieces, "changed": has_changes(pieces)})
    return render(
        request,
        "targets/compare.html",
        {
            "version": item,
            "previous": previous,
            "fields": fields,
            "investments": _investment_changes(
                list(previous.investments.all()), list(item.investments.all())
            ),
            "focus_areas": _names_changed(previous.focus_areas.all(), item.focus_areas.all()),
            "documents": _names_changed(
                previous.steering_documents.all(), item.steering_documents.all()
            ),
        },
    )


# Drafting -----------------------------------------------------------------------------------------


def _starter_text() -> dict[str, Any]:
    """The first draft's text when nothing has been adopted: prompts, to be written over."""
    year = timezone.localdate().year
    return {
        "title": _("Målbild %(start)s–%(end)s") % {"start": year, "end": year + 3},
        "statement": _(
            "Describe where the schools' digital transformation is heading: what pupils, "
            "teachers and guardians will notice when we have arrived."
        ),
        "start_year": year,
        "end_year": year + 3,
        "change_motive": _(
            "Describe why we must work differently: what in the world around us, in our "
            "results or in the steering documents calls for change."
        ),
        "if_nothing_changes": _("Describe what happens for pupils and staff if we go on as today."),
    }


@require_POST
@member_view(DRAFTING)
def draft_start(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require(DRAFTING)
    try:
        draft = services.start_draft(organisation, request, **_starter_text())
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        existing = services.open_version(organisation)
        if existing is not None:
            return _to_version(existing)
        return redirect("targets:detail", organisation.slug)
    messages.success(
        request, _("Version %(number)s has been started as a draft.") % {"number": draft.number}
    )
    return redirect("targets:edit", organisation.slug, draft.number)


def _last_saved_by(version: TargetVision) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            action="targets.draft_saved",
            target_type=version._meta.label_lower,
            target_id=str(version.pk),
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


@require_http_methods(["GET", "POST"])
@member_view(DRAFTING)
def edit(request: MemberRequest, number: int) -> HttpResponse:
    organisation = request.organisation
    request.access.require(DRAFTING)
    item = _version(number)
    if not item.is_editable:
        return _not_a_draft(request, item)
    conflict = None
    status = 200
    if request.method == "POST":
        form = VisionForm(request.POST, organisation=organisation)
        if form.is_valid():
            fields = dict(form.cleaned_data)
            lock_version = fields.pop("lock_version")
            try:
                saved = services.save_draft(item, lock_version, request, **fields)
            except EditConflict as e:
                # Keep what this person wrote and show what the other saved; the next save
                # (having seen both) goes through.
                conflict = e.current
                data: QueryDict = request.POST.copy()
                data["lock_version"] = str(conflict.lock_version)
                form = VisionForm(data, organisation=organisation)
                status = 409
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("The draft has been saved."))
                warning = services.horizon_warning(saved.start_year, saved.end_year)
                if warning:
                    messages.warning(request, warning)
                return _to_version(saved)
    else:
        form = VisionForm(initial=VisionForm.initial_for(item), organisation=organisation)
    return render(
        request,
        "targets/edit.html",
        {
            "version": item,
            "form": form,
            "conflict": conflict,
            "conflict_event": _last_saved_by(item) if conflict else None,
            "conflict_areas": list(conflict.focus_areas.all()) if conflict else [],
            "has_documents": SteeringDocument.objects.exists(),
            "has_focus_areas": FocusArea.objects.exists(),
        },
        status=status,
    )


def _investment_form(
    request: MemberRequest, number: int, investment_id: int | None
) -> HttpResponse:
    request.access.require(DRAFTING)
    item = _version(number)
    investment = None
    if investment_id is not None:
        investment = get_object_or_404(Investment, pk=investment_id, target_vision=item)
    if not item.is_editable:
        return _not_a_draft(request, item)
    if investment is not None:
        initial = {f: getattr(investment, f) for f in InvestmentForm.FIELDS}
    else:
        initial = {"start_year": item.start_year, "end_year": item.end_year}
    form = InvestmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_investment(item, request, investment, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The investment %(title)s has been saved.") % {"title": saved.title}
            )
            return _to_version(item, "investments")
    return render(
        request,
        "targets/investment_form.html",
        {"version": item, "investment": investment, "form": form},
    )


@require_http_methods(["GET", "POST"])
@member_view(DRAFTING)
def investment_create(request: MemberRequest, number: int) -> HttpResponse:
    return _investment_form(request, number, None)


@require_http_methods(["GET", "POST"])
@member_view(DRAFTING)
def investment_edit(request: MemberRequest, number: int, investment_id: int) -> HttpResponse:
    return _investment_form(request, number, investment_id)


@require_POST
@member_view(DRAFTING)
def investment_delete(request: MemberRequest, number: int, investment_id: int) -> HttpResponse:
    request.access.require(DRAFTING)
    item = _version(number)
    investment = get_object_or_404(Investment, pk=investment_id, target_vision=item)
    if not item.is_editable:
        return _not_a_draft(request, item)
    investment.target_vision = item
    try:
        services.delete_investment(investment, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("The investment %(title)s has been removed.") % {"title": investment.title}
        )
    return _to_version(item, "investments")


@require_POST
@member_view(DRAFTING)
def propose(request: MemberRequest, number: int) -> HttpResponse:
    request.access.require(DRAFTING)
    item = _version(number)
    try:
        services.propose(item, request)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Version %(number)s has been proposed. The discussion is open to every member.")
            % {"number": item.number},
        )
    return _to_version(item)


@require_POST
@member_view(DRAFTING)
def withdraw(request: MemberRequest, number: int) -> HttpResponse:
    request.access.require(DRAFTING)
    item = _version(number)
    try:
        services.withdraw(item, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("Version %(number)s is a draft again. The discussion so far is kept.")
            % {"number": item.number},
        )
    return _to_version(item)


# Deciding -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view()
def adopt(request: MemberRequest, number: int) -> HttpResponse:
    """An elected member adopts a proposal; an admin records the body's decision on its behalf."""
    access = request.access
    if not _may_adopt(access):
        raise PermissionDenied(
            _(
                "Only an elected member, or an administrator recording the body's decision, "
                "may adopt the målbild."
            )
        )
    on_behalf = not access.can("can_adopt_target_vision")  # the same rule as services.adopt
    item = _version(number)
    problem = ""
    if item.status == Status.ADOPTED:
        problem = _("This målbild has already been adopted.")
    elif item.status != Status.PROPOSED:
        problem = _("Only a proposed målbild can be adopted. Propose it first.")
    form = AdoptForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            services.adopt(
                item,
                access,
                request,
                review_date=form.cleaned_data["review_date"],
                decision_fields=form.decision_fields(),
            )
        except ValidationError as e:
            if hasattr(e, "error_dict"):
                apply_errors(form, e)
            else:
                problem = " ".join(e.messages)
        else:
            if on_behalf:
                message = _("The decision has been recorded: version %(number)s is adopted.")
            else:
                message = _("You have adopted version %(number)s of the målbild.")
            messages.success(request, message % {"number": item.number})
            return redirect("targets:detail", request.organisation.slug)
    return render(
        request,
        "targets/adopt.html",
        {"version": item, "form": form, "on_behalf": on_behalf, "problem": problem},
        status=400 if problem else 200,
    )


@require_POST
@member_view("can_comment")
def comment(request: MemberRequest, number: int) -> HttpResponse:
    item = _version(number)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment(item, request, form.cleaned_data["body"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Your comment has been added."))
            return _to_version(item, "discussion")
    if item.status != Status.PROPOSED:
        # The page shows no form for a version that is not open for comments: say why here.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return render(
        request, "targets/version.html", _version_context(request, item, form), status=400
    )


# Reviews ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(DRAFTING)
def review(request: MemberRequest) -> HttpResponse:
    """Record a revisit of the adopted målbild: kept (next review date) or revised (new draft)."""
    organisation = request.organisation
    request.access.require(DRAFTING)
    current = _in_full(TargetVision.objects.filter(status=Status.ADOPTED)).first()
    if current is None:
        return _not_possible(
            request, _("No målbild has been adopted yet, so there is nothing to review.")
        )
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.review(
                current,
                request,
                outcome=data["outcome"],
                reasoning=data["reasoning"],
                next_review_date=data["next_review_date"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            if item.new_draft is not None:
                messages.success(
                    request,
                    _("The review has been recorded. Version %(number)s has been started from "
                      "the current text.") % {"number": item.new_draft.number},
                )  # fmt: skip
                return redirect("targets:edit", organisation.slug, item.new_draft.number)
            messages.success(request, _("The review has been recorded."))
            return redirect("targets:detail", organisation.slug)
    return render(request, "targets/review.html", {**_shown(current), "form": form})


# Focus areas --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view()
def focus_areas(request: MemberRequest) -> HttpResponse:
    """Every member reads the focus areas; admins add one with the form on the same page."""
    organisation = request.organisation
    access = request.access
    may_edit = access.can(DRAFTING)
    if request.method == "POST":
        access.require(DRAFTING)
    form = FocusAreaForm(request.POST or None) if may_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            area = services.save_focus_area(organisation, request, None, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The focus area %(name)s has been added.") % {"name": area.name}
            )
            return redirect("targets:focus_areas", organisation.slug)
    return render(
        request,
        "targets/focus_areas.html",
        {"page": paginate(request, FocusArea.objects.all()), "form": form, "may_edit": may_edit},
    )


@require_http_methods(["GET", "POST"])
@member_view(DRAFTING)
def focus_area_edit(request: MemberRequest, area_id: int) -> HttpResponse:
    organisation = request.organisation
    request.access.require(DRAFTING)
    area = get_object_or_404(FocusArea, pk=area_id)
    form = FocusAreaForm(
        request.POST or None, initial={"name": area.name, "description": area.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_focus_area(organisation, request, area, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The focus area %(name)s has been saved.") % {"name": area.name}
            )
            return redirect("targets:focus_areas", organisation.slug)
    return render(request, "targets/focus_area_form.html", {"area": area, "form": form})


# Panels on the pages of the apps below ------------------------------------------------------------


def cited_by_panel(*, request: HttpRequest, document: SteeringDocument, **_signal: Any) -> str:
    """On a steering document's page (`steering.signals.document_panels`): the versions of the
    målbild that cite it."""
    versions = list(document.target_visions.order_by("-number"))
    return render_to_string("targets/_cited_by.html", {"target_visions": versions}, request)
