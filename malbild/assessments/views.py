"""Self-assessment pages: the rounds a person may read, starting a round, answering it (saved
as you go with htmx, or by plain submit), closing it, its summary and suggested actions, and
the municipality's picture of every unit.

Rounds are read only inside the person's subtree and by admins (DESIGN.md §4): anyone else gets
404. Individual answers are read only by their author: the answer page shows one's own answers.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.assessments import access as round_access
from malbild.assessments import content, overview, services, summary
from malbild.assessments.forms import (
    AdoptForm,
    AnswerForm,
    FilterForm,
    StartForm,
    UnitPickForm,
    adoptable_goals,
    fieldset,
)
from malbild.assessments.models import (
    Adoption,
    Answer,
    Area,
    AssessmentRound,
    Participant,
    Statement,
)
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit, within
from malbild.tenants.requests import MemberRequest, OrganisationRequest

RUN = "can_run_assessments"
PLAN = "can_edit_action_plans"
OVERVIEW = "can_view_assessment_overview"


def _me(request: HttpRequest) -> int:
    """The signed-in person's id (member_view lets no one else in)."""
    return int(request.user.pk or 0)


def _round(request: MemberRequest, round_id: int) -> AssessmentRound:
    """A round the person reads (inside their subtree, an admin, or a participant), else 404."""
    round_ = get_object_or_404(AssessmentRound.objects.select_related("unit", "model"), pk=round_id)
    # The scoped manager found it in the request's organisation: the same row, already read.
    round_.organisation = request.organisation
    if round_access.may_read(request.access, round_.unit):
        return round_
    if round_.participants.filter(user_id=_me(request)).exists():
        return round_
    raise Http404


def _run(request: MemberRequest, round_id: int) -> AssessmentRound:
    round_ = _round(request, round_id)
    request.access.require(RUN, round_.unit)
    return round_


def _to_round(request: OrganisationRequest, round_: AssessmentRound) -> HttpResponse:
    return redirect(reverse("assessments:detail", args=[request.organisation.slug, round_.pk]))


def _tag(request: HttpRequest) -> str:
    tag = request.GET.get("tagg", "")
    return tag if tag in content.TAGS else ""


def _tags() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, label in content.TAGS.items()]


# The rounds -----------------------------------------------------------------------------------


@require_safe
@member_view()
def round_list(request: MemberRequest) -> HttpResponse:
    """The rounds the person reads or takes part in, newest first, paged."""
    access = request.access
    mine = Participant.objects.filter(user_id=_me(request)).values("round_id")
    rounds = (
        AssessmentRound.objects.filter(round_access.readable(access) | Q(pk__in=mine))
        .select_related("unit")
        .order_by("-started_at", "-id")
    )
    page = paginate(request, rounds)
    counts = services.participant_counts(page.object_list)
    mine_ids = set(
        Participant.objects.filter(
            user_id=_me(request), round_id__in=[r.pk for r in page.object_list]
        ).values_list("round_id", flat=True)
    )
    rows = [(r, counts.get(r.pk, (0, 0)), r.pk in mine_ids) for r in page.object_list]
    return render(
        request,
        "assessments/list.html",
        {
            "page": page,
            "rows": rows,
            "may_start": access.can(RUN, anywhere=True),
            "may_overview": access.can(OVERVIEW),
        },
    )


def _startable_units(request: MemberRequest) -> Any:
    subtrees = request.access.subtrees(RUN)
    units = OrgUnit.objects.filter(archived_at__isnull=True).order_by("path")
    if subtrees is None:
        return units
    return units.filter(within(subtrees))


@require_http_methods(["GET", "HEAD", "POST"])
@member_view(RUN)
def start(request: MemberRequest) -> HttpResponse:
    """Start a round: first the unit (a GET form), then the title, the way of answering and who
    takes part."""
    organisation = request.organisation
    units = _startable_units(request)
    unit_id = request.GET.get("enhet", "")
    if not unit_id:
        only = list(units[:2])
        if len(only) == 1:
            unit_id = str(only[0].pk)
        else:
            return render(request, "assessments/start.html", {"pick": UnitPickForm(units=units)})
    if not unit_id.isdigit():
        raise Http404
    unit = get_object_or_404(OrgUnit, pk=int(unit_id))
    request.access.require(RUN, unit)
    people = round_access.eligible_people(unit)
    if request.method == "POST":
        form = StartForm(request.POST, people=people)
        if form.is_valid():
            try:
                round_ = services.start_round(
                    organisation,
                    request,
                    unit=unit,
                    title=form.cleaned_data["title"],
                    mode=form.cleaned_data["mode"],
                    participants=form.cleaned_data["participants"],
                    closes_on=form.cleaned_data["closes_on"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("The round has started. The participants can answer now.")
                )
                return _to_round(request, round_)
    else:
        form = StartForm(
            people=people,
            initial={
                "title": _("Self-assessment %(unit)s") % {"unit": unit.name},
                "participants": list(people.values_list("pk", flat=True)),
            },
        )
    return render(request, "assessments/start.html", {"form": form, "unit": unit})


@require_safe
@member_view()
def detail(request: MemberRequest, round_id: int) -> HttpResponse:
    """A round: who takes part and how far each has come (never what they answered), and what
    the unit lead can do next."""
    round_ = _round(request, round_id)
    access = request.access
    may_run = access.can(RUN, round_.unit)
    participants = list(round_.participants.select_related("user").order_by("user__name", "id"))
    total = Statement.objects.filter(model_id=round_.model_id).count()
    me = next((p for p in participants if p.user_id == request.user.pk), None)
    done = sum(1 for p in participants if p.answered >= total)
    return render(
        request,
        "assessments/detail.html",
        {
            "round": round_,
            "participants": participants if may_run else [],
            "total": total,
            "done": done,
            "me": me,
            "may_run": may_run,
            "min_participants": services.MIN_PARTICIPANTS,
        },
    )


def _participant(request: HttpRequest, round_: AssessmentRound) -> Participant:
    found = round_.participants.filter(user_id=_me(request)).first()
    if found is None:
        raise PermissionDenied(
            _("Only the people invited to this round answer it. Ask the unit lead to invite you.")
        )
    return found


def _answer_context(
    request: MemberRequest, round_: AssessmentRound, participant: Participant, areas: list[Area],
    area: Area, forms: list[AnswerForm] | None = None,
) -> dict[str, Any]:  # fmt: skip
    slug = request.organisation.slug

    def url(statement: Statement) -> str:
        return reverse("assessments:answer_statement", args=[slug, round_.pk, statement.pk])

    if forms is None:
        statements = list(area.statements.order_by("position"))
        mine = {
            a.statement_id: a
            for a in Answer.objects.filter(participant=participant, statement__in=statements)
        }
        fieldsets = [
            fieldset(s, url(s), **AnswerForm.initial_for(mine.get(s.pk))) for s in statements
        ]
    else:
        fieldsets = [form.fieldset(url(form.statement)) for form in forms]
    return {
        "round": round_,
        "participant": participant,
        "areas": areas,
        "area": area,
        "fieldsets": fieldsets,
        "next_area": _next_area(areas, area),
        "total": sum(a.statement_count for a in areas),  # type: ignore[attr-defined]
    }


def _next_area(areas: list[Area], area: Area) -> Area | None:
    index = next(i for i, a in enumerate(areas) if a.pk == area.pk)
    return areas[index + 1] if index + 1 < len(areas) else None


def _areas(round_: AssessmentRound) -> list[Area]:
    """The round's model's areas in order, each with its number of statements (one query)."""
    return list(
        Area.objects.filter(model_id=round_.model_id)
        .annotate(
            statement_count=Count("statements", filter=Q(statements__model_id=round_.model_id))
        )
        .order_by("position")
    )


def _area(areas: list[Area], key: str) -> Area:
    """The area of `key` among `areas`, or the first without a key; else 404."""
    found = next((a for a in areas if a.key == key), None) if key else next(iter(areas), None)
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "HEAD", "POST"])
@member_view()
def answer(request: MemberRequest, round_id: int) -> HttpResponse:
    """One's own answers, one area a page (`?omrade=L`). A plain submit saves every statement
    given on the page; with htmx each statement saves itself as it changes."""
    round_ = _round(request, round_id)
    participant = _participant(request, round_)
    areas = _areas(round_)
    area = _area(areas, request.GET.get("omrade", ""))
    if request.method == "POST":
        if not round_.is_open:
            messages.error(request, str(services.ROUND_CLOSED))
            return _to_round(request, round_)
        statements = list(area.statements.order_by("position"))
        forms = [AnswerForm(request.POST, statement=s) for s in statements]
        if all(f.is_valid() for f in forms):
            try:
                for form in forms:
                    if form.touched:
                        services.save_answer(
                            round_, participant, form.statement,
                            level=form.level_value(),
                            comment=form.cleaned_data["comment"],
                            comment_named=form.cleaned_data["comment_named"],
                            request=request,
                        )  # fmt: skip
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return _to_round(request, round_)
            messages.success(request, _("Your answers are saved."))
            target = _next_area(areas, area) if "naesta" in request.POST else None
            url = reverse("assessments:answer", args=[request.organisation.slug, round_.pk])
            if target is not None:
                return redirect(f"{url}?omrade={target.key}")
            if "naesta" in request.POST:
                return _to_round(request, round_)
            return redirect(f"{url}?omrade={area.key}")
        context = _answer_context(request, round_, participant, areas, area, forms)
        return render(request, "assessments/answer.html", context, status=400)
    return render(
        request,
        "assessments/answer.html",
        _answer_context(request, round_, participant, areas, area),
    )


@require_POST
@member_view()
def answer_statement(request: MemberRequest, round_id: int, statement_id: int) -> HttpResponse:
    """Save one statement's answer: htmx swaps the statement's "saved" line and says so in the
    status region (answering 200 with the error too: htmx swaps no error answer); without htmx,
    back to the page at that statement."""
    round_ = _round(request, round_id)
    participant = _participant(request, round_)
    statement = get_object_or_404(Statement.objects.select_related("area"), pk=statement_id)
    form = AnswerForm(request.POST, statement=statement)
    saved = False
    error = ""
    if form.is_valid() and form.touched:
        try:
            services.save_answer(
                round_, participant, statement,
                level=form.level_value(),
                comment=form.cleaned_data["comment"],
                comment_named=form.cleaned_data["comment_named"],
                request=request,
            )  # fmt: skip
            saved = True
        except ValidationError as e:
            error = " ".join(e.messages)
    elif form.is_valid():
        error = _("Choose an answer to save this statement.")
    if request.htmx:
        if not form.is_valid():
            error = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return render(
            request,
            "assessments/answer.html#saved",
            {"form": form, "saved": saved, "error": error, "swap": True},
        )
    if error:
        messages.error(request, error)
    elif not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        messages.success(request, _("Your answer is saved."))
    url = reverse("assessments:answer", args=[request.organisation.slug, round_.pk])
    return redirect(f"{url}?omrade={statement.area.key}#statement-{statement.pk}")


@require_POST
@member_view(RUN)
def close(request: MemberRequest, round_id: int) -> HttpResponse:
    round_ = _run(request, round_id)
    try:
        services.close_round(round_, request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_round(request, round_)
    messages.success(request, _("The round is closed. Its summary and suggestions are ready."))
    return redirect(reverse("assessments:summary", args=[request.organisation.slug, round_.pk]))


@require_POST
@member_view(RUN)
def remove_participant(request: MemberRequest, round_id: int, participant_id: int) -> HttpResponse:
    round_ = _run(request, round_id)
    participant = get_object_or_404(Participant, pk=participant_id, round=round_)
    try:
        services.remove_participant(round_, participant, request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The person is no longer part of the round."))
    return _to_round(request, round_)


@require_POST
@member_view(RUN)
def share(request: MemberRequest, round_id: int) -> HttpResponse:
    round_ = _run(request, round_id)
    public = request.POST.get("public") == "1"
    try:
        services.set_public(round_, public, request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The anonymised summary is shared in the national comparison.")
            if public
            else _("The summary is no longer shared."),
        )
    return redirect(reverse("assessments:summary", args=[request.organisation.slug, round_.pk]))


# Results --------------------------------------------------------------------------------------


def _closed(request: MemberRequest, round_id: int) -> AssessmentRound:
    round_ = _round(request, round_id)
    if round_.is_open:
        raise Http404
    return round_


@require_safe
@member_view()
def summary_view(request: MemberRequest, round_id: int) -> HttpResponse:
    """A closed round's results per area and statement, with the spread, the change since the
    previous round, the comments, a chart and the same figures as tables."""
    round_ = _closed(request, round_id)
    tag = _tag(request)
    found = summary.build(round_, tag)
    return render(
        request,
        "assessments/summary.html",
        {
            "round": round_,
            "summary": found,
            "chart": summary.area_chart(found) if found.shows_results else None,
            "tags": _tags(),
            "tag": tag,
            "may_run": request.access.can(RUN, round_.unit),
            "min_participants": services.MIN_PARTICIPANTS,
        },
    )


@require_safe
@member_view()
def suggestions(request: MemberRequest, round_id: int) -> HttpResponse:
    """The weakest statements, foundations first, with their next steps."""
    round_ = _closed(request, round_id)
    found = summary.build(round_)
    return render(
        request,
        "assessments/suggestions.html",
        {
            "round": round_,
            "summary": found,
            "rows": found.suggestions() if found.shows_results else [],
            "may_adopt": request.access.can(PLAN, round_.unit),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@member_view(PLAN)
def adopt(request: MemberRequest, round_id: int, statement_id: int) -> HttpResponse:
    """Take a suggestion into the unit's action plan as an activity serving a goal."""
    round_ = _closed(request, round_id)
    request.access.require(PLAN, round_.unit)
    statement = get_object_or_404(
        Statement.objects.select_related("area"), pk=statement_id, model_id=round_.model_id
    )
    existing = Adoption.objects.filter(round=round_, statement=statement).first()
    goals = adoptable_goals(round_.unit)
    if request.method == "POST":
        form = AdoptForm(request.POST, goals=goals)
        if form.is_valid():
            try:
                activity = services.adopt(
                    round_, statement, request,
                    goal=form.cleaned_data["goal"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )  # fmt: skip
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is in the action plan, and the round is evidence for the goal.")
                    % {"title": activity.title},
                )
                return redirect(
                    reverse("assessments:suggestions", args=[request.organisation.slug, round_.pk])
                )
    else:
        form = AdoptForm(goals=goals, initial=AdoptForm.initial_for(statement))
    return render(
        request,
        "assessments/adopt.html",
        {"round": round_, "statement": statement, "form": form, "existing": existing,
         "has_goals": goals.exists()},
    )  # fmt: skip


# The municipality -----------------------------------------------------------------------------


@require_safe
@member_view(OVERVIEW)
def municipality(request: MemberRequest) -> HttpResponse:
    """Every unit's latest result side by side, the distribution per statement and the spread
    between units, filtered by kind of unit and area."""
    request.access.require(OVERVIEW)
    model = services.current_model()
    areas = list(Area.objects.filter(model=model).order_by("position"))
    form = FilterForm(request.GET or None, areas=[(a.key, a.label) for a in areas])
    kind = area_key = ""
    if form.is_valid():
        kind, area_key = form.cleaned_data["typ"], form.cleaned_data["omrade"]
    picture = overview.build(kind=kind, area_key=area_key, areas=areas, model=model)
    page = paginate(request, picture.units)
    shown_areas = [a for a in areas if not area_key or a.key == area_key]
    return render(
        request,
        "assessments/municipality.html",
        {"form": form, "picture": picture, "page": page, "areas": areas,
         "shown_areas": shown_areas,
         "area_charts": overview.area_charts(list(page.object_list), shown_areas),
         "query": request.GET.urlencode()},
    )  # fmt: skip


@require_safe
@member_view(OVERVIEW)
def export(request: MemberRequest) -> HttpResponse:
    """Every unit's latest round as Excel: results per statement and every comment."""
    request.access.require(OVERVIEW)
    data = overview.workbook(request.organisation)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="sjalvskattning.xlsx"'
    return response
