"""Omvärldsbevakning together: the signals and their open discussion, the radar, the feed
candidates and the feed sources.

Every member reads all of it, politicians included (no territorial thinking). Adding, discussing
and rating needs `can_contribute_signals`; authors change their own signals and administrators
anyone's (`can_curate_signals`); what a signal led to is recorded by those who may change that
goal, målbild or activity; the sources are the administrators' (`can_manage_feeds`).
"""

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.goals.models import Evidence, Goal
from malbild.lib import htmx
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.plans.models import Activity
from malbild.scanning import services, tasks
from malbild.scanning.access import may_change
from malbild.scanning.forms import (
    CommentForm,
    LinkActivityForm,
    LinkGoalForm,
    LinkTargetForm,
    RatingForm,
    SignalForm,
    SourceForm,
    StateForm,
)
from malbild.scanning.models import (
    FeedItem,
    FeedSource,
    Mention,
    Rating,
    Signal,
    SignalComment,
    SignalLink,
)
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.decorators import member_view
from malbild.tenants.permissions import explain
from malbild.tenants.requests import MemberRequest, OrganisationRequest

CONTRIBUTE = "can_contribute_signals"
CURATE = "can_curate_signals"
FEEDS = "can_manage_feeds"
GOALS = "can_edit_goals"
TARGET = "can_draft_target_vision"
ACTIVITIES = "can_edit_action_plans"
State = Signal.State
LINK_KINDS = {"mal": GOALS, "malbild": TARGET, "aktivitet": ACTIVITIES}


def _signal(signal_id: int) -> Signal:
    """A signal of the organisation in scope, or 404 (also for another organisation's id)."""
    return get_object_or_404(Signal.objects.select_related("created_by"), pk=signal_id)


def _to_signal(request: OrganisationRequest, signal: Signal, anchor: str = "") -> HttpResponse:
    url = reverse("scanning:detail", args=[request.organisation.slug, signal.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _may_change(request: MemberRequest, signal: Signal) -> bool:
    return may_change(signal, request.access, request.user)


def _require_change(request: MemberRequest, signal: Signal) -> None:
    if not _may_change(request, signal):
        raise PermissionDenied(
            _("Only the person who added the signal, or the administration, may change it.")
        )


def _may_link(request: MemberRequest) -> bool:
    access = request.access
    return any(access.can(cap, anywhere=True) for cap in (GOALS, TARGET, ACTIVITIES))


def _signals_with_counts() -> Any:
    return Signal.objects.select_related("created_by").annotate(
        comment_count=Count("comments", distinct=True),
        rating_count=Count("ratings", distinct=True),
    )


# Lists --------------------------------------------------------------------------------------------


STATE_FILTERS = {"": None, "ny": State.NEW, "diskuterad": State.DISCUSSED,
                 "atgardad": State.ACTED_ON, "arkiverad": State.ARCHIVED}  # fmt: skip


@require_safe
@member_view()
def signal_list(request: MemberRequest) -> HttpResponse:
    """The signals, most recently active first; archived ones only under their own filter."""
    chosen = request.GET.get("tila", "")
    if chosen not in STATE_FILTERS:
        raise Http404
    signals = _signals_with_counts()
    state = STATE_FILTERS[chosen]
    signals = signals.filter(state=state) if state else signals.exclude(state=State.ARCHIVED)
    page = paginate(request, signals.order_by("-active_at", "-id"))
    access = request.access
    count = page.paginator.count
    return htmx.page_or_part(
        request,
        "scanning/list.html",
        "signal-results",
        {
            "page": page,
            "filters": [(key, State(value).label if value else None) for key, value in
                        STATE_FILTERS.items()],
            "chosen": chosen,
            "candidate_count": FeedItem.objects.filter(status=FeedItem.Status.CANDIDATE).count(),
            "may_contribute": access.can(CONTRIBUTE, anywhere=True),
        },
        announce=ngettext("%(n)s signal shown.", "%(n)s signals shown.", count) % {"n": count},
    )  # fmt: skip


@require_safe
@member_view()
def radar(request: MemberRequest) -> HttpResponse:
    """The radar: signals placed by focus area and time horizon, as a grid and as a table of
    the same signals (the 50 most recently active that are not archived, paged)."""
    areas = list(FocusArea.objects.order_by("position", "name"))
    signals = (
        Signal.objects.exclude(state=State.ARCHIVED)
        .annotate(relevance=Avg("ratings__relevance"), impact=Avg("ratings__impact"))
        .prefetch_related(Prefetch("focus_areas", queryset=FocusArea.objects.order_by("position")))
        .order_by("-active_at", "-id")
    )
    page = paginate(request, signals)
    cells: dict[tuple[str, int | None], list[Signal]] = defaultdict(list)
    unplaced = False
    for signal in page.object_list:
        placed = list(signal.focus_areas.all())
        for area in placed:
            cells[(signal.horizon, area.pk)].append(signal)
        if not placed:
            cells[(signal.horizon, None)].append(signal)
            unplaced = True
    columns: list[tuple[int | None, str]] = [(area.pk, area.name) for area in areas]
    if unplaced:
        columns.append((None, _("No focus area")))
    rings = [
        (value, label, [(name, cells[(value, pk)]) for pk, name in columns])
        for value, label in Signal.Horizon.choices
    ]
    return render(
        request,
        "scanning/radar.html",
        {"page": page, "columns": columns, "rings": rings, "column_count": min(len(columns), 9)},
    )


# One signal ---------------------------------------------------------------------------------------


def _threads(signal: Signal) -> Any:
    """The signal's threads: opening comments with their replies and mentions (three queries
    for a page of threads)."""
    mentions = Prefetch("mentions", queryset=Mention.objects.select_related("person"))
    replies = Prefetch(
        "replies",
        queryset=SignalComment.objects.select_related("author")
        .prefetch_related(mentions)
        .order_by("created_at", "id"),
    )
    return (
        SignalComment.objects.filter(signal=signal, parent__isnull=True)
        .select_related("author")
        .prefetch_related(mentions, replies)
        .order_by("created_at", "id")
    )


def _detail(
    request: MemberRequest, signal: Signal, status: int = 200, **forms: Any
) -> HttpResponse:
    """The signal's page (about fifteen queries), with any forms that need fixing."""
    return render(request, "scanning/detail.html", _detail_context(request, signal, **forms),
                  status=status)  # fmt: skip


def _changed(
    request: MemberRequest, signal: Signal, name: str, announce: str, **forms: Any
) -> HttpResponse:
    """For htmx: the part `name` of the signal's page, who took part (a comment or a rating
    may add someone), and `announce` in the live region."""
    context = _detail_context(request, signal, **forms)
    return htmx.part(request, "scanning/detail.html", name, context, announce=announce,
                     also=("took-part-section",))  # fmt: skip


def _detail_context(request: MemberRequest, signal: Signal, **forms: Any) -> dict[str, Any]:
    access = request.access
    threads = paginate(request, _threads(signal))
    comments: list[SignalComment] = []
    for thread in threads.object_list:
        comments += [thread, *thread.replies.all()]
    mine = Rating.objects.filter(signal=signal, person_id=request.user.pk).first()
    may_contribute = access.can(CONTRIBUTE, anywhere=True)
    rating_form = forms.get("rating_form") or RatingForm(
        initial={"relevance": mine.relevance, "impact": mine.impact} if mine else None
    )
    reply_to = forms.get("reply_to")
    return {
        "signal": signal,
        "areas": list(signal.focus_areas.all()),
        "threads": threads,
        "groups": services.participants(signal, comments),
        "distributions": services.distributions(signal),
        "mine": mine,
        "led_to": services.led_to(signal),
        "feed_item": signal.feed_items.select_related("source").first(),
        "may_contribute": may_contribute,
        "may_change": _may_change(request, signal),
        "may_link": _may_link(request),
        "comment_form": forms.get("comment_form") if reply_to is None else None,
        "reply_form": forms.get("comment_form") if reply_to is not None else None,
        "reply_to": reply_to,
        "rating_form": rating_form,
        "state_form": StateForm(initial={"state": signal.state}),
        "blank_comment": CommentForm(),
    }


@require_safe
@member_view()
def detail(request: MemberRequest, signal_id: int) -> HttpResponse:
    return _detail(request, _signal(signal_id))


@require_http_methods(["GET", "POST"])
@member_view(CONTRIBUTE)
def create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    form = SignalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        signal = services.create_signal(organisation, request, **form.cleaned_data)
        messages.success(
            request, _("The signal %(title)s has been added.") % {"title": signal.title}
        )
        return _to_signal(request, signal)
    return render(request, "scanning/signal_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view(CONTRIBUTE)
def edit(request: MemberRequest, signal_id: int) -> HttpResponse:
    signal = _signal(signal_id)
    _require_change(request, signal)
    initial = SignalForm.initial_for(signal)
    form = SignalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        areas = data.pop("focus_areas")
        changed = {name: value for name, value in data.items() if getattr(signal, name) != value}
        if {a.pk for a in areas} != set(initial["focus_areas"]):
            changed["focus_areas"] = list(areas)
        if changed:
            services.update_signal(signal, request, **changed)
        messages.success(request, _("The signal %(title)s has been saved.") % {"title": signal})
        return _to_signal(request, signal)
    return render(request, "scanning/signal_form.html", {"form": form, "signal": signal})


@require_POST
@member_view(CONTRIBUTE)
def comment(request: MemberRequest, signal_id: int) -> HttpResponse:
    """A comment, or a reply (`parent`: the id of a comment of this signal)."""
    signal = _signal(signal_id)
    parent = None
    parent_id = request.POST.get("parent", "")
    if parent_id:
        if not parent_id.isdigit():
            raise Http404
        parent = get_object_or_404(
            SignalComment.objects.select_related("author"), pk=int(parent_id), signal=signal
        )
    form = CommentForm(request.POST)
    in_place = htmx.asks_for(request, "discussion-section")
    if not form.is_valid():
        if in_place:
            errors = " ".join(str(e) for e in form.errors.get("body", []))
            announce = _("Your comment was not posted: %(errors)s") % {"errors": errors}
            return _changed(request, signal, "discussion-section", announce, comment_form=form,
                            reply_to=parent)  # fmt: skip
        return _detail(request, signal, 400, comment_form=form, reply_to=parent)
    new, notified = services.add_comment(signal, request, form.cleaned_data["body"], parent)
    if notified:
        said = _("Your comment has been posted. Notified by e-mail: %(names)s.") % {
            "names": ", ".join(p.name or p.email for p in notified)
        }
    else:
        said = _("Your comment has been posted.")
    if in_place:
        return _changed(request, signal, "discussion-section", said)
    messages.success(request, said)
    return _to_signal(request, signal, f"comment-{new.pk}")


@require_POST
@member_view(CONTRIBUTE)
def rate(request: MemberRequest, signal_id: int) -> HttpResponse:
    signal = _signal(signal_id)
    form = RatingForm(request.POST)
    in_place = htmx.asks_for(request, "ratings-section")
    if not form.is_valid():
        if in_place:
            errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
            announce = _("Your rating was not saved: %(errors)s") % {"errors": errors}
            return _changed(request, signal, "ratings-section", announce, rating_form=form)
        return _detail(request, signal, 400, rating_form=form)
    data = form.cleaned_data
    services.rate(signal, request, data["relevance"], data["impact"])
    if in_place:
        return _changed(request, signal, "ratings-section", _("Your rating has been saved."))
    messages.success(request, _("Your rating has been saved."))
    return _to_signal(request, signal, "ratings")


@require_POST
@member_view(CONTRIBUTE)
def change_state(request: MemberRequest, signal_id: int) -> HttpResponse:
    signal = _signal(signal_id)
    _require_change(request, signal)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the states."))
        return _to_signal(request, signal)
    try:
        services.set_state(signal, request, form.cleaned_data["state"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("The signal is now %(state)s.") % {"state": signal.get_state_display()},
        )
    return _to_signal(request, signal)


# What a signal led to -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view()
def link(request: MemberRequest, signal_id: int) -> HttpResponse:
    """Record what the signal led to: a goal (`?typ=mal`, searched with `?q=`), a version of the
    målbild (`?typ=malbild`) or an activity (`?typ=aktivitet`)."""
    signal = _signal(signal_id)
    access = request.access
    if not _may_link(request):
        raise PermissionDenied(explain(GOALS))
    kind = request.GET.get("typ", "")
    if kind and kind not in LINK_KINDS:
        raise Http404
    if not kind:
        return render(
            request,
            "scanning/link.html",
            {"signal": signal, "kinds": [k for k, cap in LINK_KINDS.items()
                                         if access.can(cap, anywhere=True)]},
            status=400 if request.method == "POST" else 200,
        )  # fmt: skip
    if not access.can(LINK_KINDS[kind], anywhere=True):
        raise PermissionDenied(explain(LINK_KINDS[kind]))
    query = request.GET.get("q", "").strip()[:100]
    form: Any
    if kind == "mal":
        form = LinkGoalForm(request.POST or None, units=access.subtrees(GOALS), query=query)
    elif kind == "aktivitet":
        form = LinkActivityForm(request.POST or None, units=access.subtrees(ACTIVITIES),
                                query=query)  # fmt: skip
    else:
        form = LinkTargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "mal":
                goal: Goal = form.cleaned_data["goal"]
                access.require(GOALS, goal.unit)
                services.link_goal(signal, request, goal)
                done = goal.title
            elif kind == "aktivitet":
                activity = form.cleaned_data["activity"]
                access.require(ACTIVITIES, activity.unit)
                services.link_to(signal, request, activity=activity)
                done = activity.title
            else:
                access.require(TARGET)
                version = form.cleaned_data["target_vision"]
                services.link_to(signal, request, target_vision=version)
                done = version.title
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The signal now shows that it led to %(what)s.") % {"what": done},
            )
            return _to_signal(request, signal, "led-to")
    return render(
        request,
        "scanning/link.html",
        {"signal": signal, "form": form, "kind": kind, "query": query},
    )


@require_POST
@member_view()
def unlink(request: MemberRequest, signal_id: int, link_id: int) -> HttpResponse:
    """Remove a link to a version of the målbild or an activity."""
    signal = _signal(signal_id)
    found = get_object_or_404(
        SignalLink.objects.select_related("activity__unit"), pk=link_id, signal=signal
    )
    if found.activity_id:
        request.access.require(ACTIVITIES, found.activity.unit)  # type: ignore[union-attr]
    else:
        request.access.require(TARGET)
    services.unlink(signal, request, found)
    messages.success(request, _("The link has been removed."))
    return _to_signal(request, signal, "led-to")


@require_POST
@member_view(GOALS)
def unlink_goal(request: MemberRequest, signal_id: int, evidence_id: int) -> HttpResponse:
    """The goal no longer cites the signal (refused for the last evidence of an active goal)."""
    signal = _signal(signal_id)
    evidence = get_object_or_404(
        Evidence.objects.select_related("goal__unit"), pk=evidence_id, signal=signal
    )
    request.access.require(GOALS, evidence.goal.unit)
    try:
        services.unlink(signal, request, evidence)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The goal no longer cites the signal."))
    return _to_signal(request, signal, "led-to")


# Feed candidates ----------------------------------------------------------------------------------


@require_safe
@member_view()
def candidates(request: MemberRequest) -> HttpResponse:
    """What the feed sources brought in, not yet taken or dismissed, newest first."""
    items = (
        FeedItem.objects.filter(status=FeedItem.Status.CANDIDATE)
        .select_related("source")
        .order_by("-published_at", "-id")
    )
    return render(
        request,
        "scanning/candidates.html",
        {
            "page": paginate(request, items),
            "may_contribute": request.access.can(CONTRIBUTE, anywhere=True),
        },
    )


def _candidate(item_id: int) -> FeedItem:
    return get_object_or_404(FeedItem.objects.select_related("source"), pk=item_id)


@require_http_methods(["GET", "POST"])
@member_view(CONTRIBUTE)
def candidate_take(request: MemberRequest, item_id: int) -> HttpResponse:
    """Turn a candidate into a signal: the form starts from the item's title, link and text."""
    organisation = request.organisation
    item = _candidate(item_id)
    if item.status != FeedItem.Status.CANDIDATE:
        messages.error(request, _("This candidate has already been taken or dismissed."))
        if item.signal_id:
            return redirect("scanning:detail", organisation.slug, item.signal_id)
        return redirect("scanning:candidates", organisation.slug)
    initial = {"title": item.title[:200], "url": item.link, "summary": item.summary,
               "kind": Signal.Kind.NEWS, "horizon": Signal.Horizon.SOON}  # fmt: skip
    form = SignalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            signal = services.create_signal(
                organisation, request, feed_item=item, **form.cleaned_data
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The signal %(title)s has been added.") % {"title": signal.title}
            )
            return _to_signal(request, signal)
    return render(request, "scanning/signal_form.html", {"form": form, "item": item})


@require_POST
@member_view(CONTRIBUTE)
def candidate_dismiss(request: MemberRequest, item_id: int) -> HttpResponse:
    item = _candidate(item_id)
    try:
        services.dismiss(item, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("%(title)s has been dismissed.") % {"title": item.title})
    return redirect("scanning:candidates", request.organisation.slug)


# Feed sources -------------------------------------------------------------------------------------


@require_safe
@member_view()
def sources(request: MemberRequest) -> HttpResponse:
    """Every source with its last success or error; the administrators manage them here."""
    rows = FeedSource.objects.annotate(
        candidate_count=Count("items", filter=Q(items__status=FeedItem.Status.CANDIDATE))
    ).order_by("-is_active", "name", "id")
    return render(
        request,
        "scanning/sources.html",
        {
            "page": paginate(request, rows),
            "may_manage": request.access.can(FEEDS),
        },
    )


@require_http_methods(["GET", "POST"])
@member_view(FEEDS)
def source_create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require(FEEDS)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.add_source(organisation, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            tasks.fetch_source.enqueue(organisation.pk, source.pk)
            messages.success(
                request,
                _("The source %(name)s has been added; its first fetch has started.")
                % {"name": source.name},
            )
            return redirect("scanning:sources", organisation.slug)
    return render(request, "scanning/source_form.html", {"form": form})


def _source(request: MemberRequest, source_id: int) -> FeedSource:
    source = get_object_or_404(FeedSource, pk=source_id)
    request.access.require(FEEDS)
    return source


@require_POST
@member_view(FEEDS)
def source_fetch(request: MemberRequest, source_id: int) -> HttpResponse:
    organisation = request.organisation
    source = _source(request, source_id)
    services.fetch_requested(source, request)
    tasks.fetch_source.enqueue(organisation.pk, source.pk)
    messages.success(
        request,
        _("Fetching %(name)s has started. Reload the page in a moment to see the result.")
        % {"name": source.name},
    )
    return redirect("scanning:sources", organisation.slug)


@require_POST
@member_view(FEEDS)
def source_pause(request: MemberRequest, source_id: int) -> HttpResponse:
    """Pause a source (its candidates stay), or resume a paused one."""
    source = _source(request, source_id)
    services.set_source_active(source, request, not source.is_active)
    if source.is_active:
        messages.success(request, _("%(name)s is fetched again.") % {"name": source.name})
    else:
        messages.success(request, _("%(name)s is paused.") % {"name": source.name})
    return redirect("scanning:sources", request.organisation.slug)


# Panels on the pages of the apps below ------------------------------------------------------------


def _signals_behind(request: HttpRequest, signals: list[Signal]) -> str:
    return render_to_string("scanning/_signals_behind.html", {"signals": signals}, request)


def signals_behind_version(*, request: HttpRequest, version: TargetVision, **_signal: Any) -> str:
    """On a version of the målbild's page (`targets.signals.version_panels`)."""
    return _signals_behind(request, services.signals_behind(version))


def signals_behind_activity(*, request: HttpRequest, activity: Activity, **_signal: Any) -> str:
    """On an activity's page (`plans.signals.activity_panels`)."""
    return _signals_behind(request, services.signals_behind(activity))
