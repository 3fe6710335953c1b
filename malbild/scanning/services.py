"""Omvärldsbevakning: every write to signals, their discussion, ratings and links, and to the
feed sources and their candidates. Each function writes inside one transaction and records an
audit event ("scanning.<verb>") in it. Also the reads that several pages (and the weekly digest)
share: who took part, the distribution of ratings, what a signal led to, and this week's signals.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.http import HttpRequest
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.accounts.models import User
from malbild.accounts.tasks import send_email
from malbild.goals import services as goal_services
from malbild.goals.models import Evidence, Goal
from malbild.plans.models import Activity
from malbild.scanning import feeds
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
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope

State = Signal.State
Role = Membership.Role
EDITABLE = ("title", "url", "summary", "kind", "horizon")
# "@" and then an e-mail address, or one to four words of a name ("@Karin Lindqvist").
MENTION = re.compile(
    r"(?<![\w@])@(?:([\w.+-]+@[\w-]+(?:\.[\w-]+)+)|([^\W\d_][\w'’-]*(?: [^\W\d_][\w'’-]*){0,3}))"
)
# Who took part, in the order the signal's page shows them (DESIGN.md R3).
GROUPS: tuple[tuple[str, Any, frozenset[str]], ...] = (
    ("politics", _("Politics"), frozenset({Role.ELECTED})),
    ("administration", _("Administration"), frozenset({Role.ADMIN})),
    ("schools", _("Schools"), frozenset({Role.UNIT_LEAD, Role.STAFF})),
    ("others", _("Others"), frozenset({Role.VIEWER})),
)


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _state(signal: Signal) -> dict[str, Any]:
    """What the audit trail keeps of a signal (one query, for its focus areas)."""
    return {
        "title": signal.title,
        "url": signal.url,
        "summary": signal.summary,
        "kind": signal.kind,
        "horizon": signal.horizon,
        "state": signal.state,
        "focus_areas": sorted(signal.focus_areas.values_list("pk", flat=True)),
    }


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    """A guard for callers other than the forms (which only offer the organisation's rows)."""
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValueError(f"{obj!r} belongs to another organisation")


def _touch(signal: Signal, **changes: Any) -> None:
    signal.active_at = timezone.now()
    for name, value in changes.items():
        setattr(signal, name, value)
    signal.save(update_fields=["active_at", *changes])


def signal_path(signal: Signal) -> str:
    return reverse("scanning:detail", args=[signal.organisation.slug, signal.pk])


# Signals ------------------------------------------------------------------------------------------


@transaction.atomic
def create_signal(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    title: str,
    kind: str,
    horizon: str,
    url: str = "",
    summary: str = "",
    focus_areas: Iterable[FocusArea] = (),
    feed_item: FeedItem | None = None,
) -> Signal:
    """Add a signal (as new); from a feed candidate, the candidate is taken with it."""
    areas = list(focus_areas)
    _same_organisation(organisation.pk, feed_item, *areas)
    if feed_item is not None and feed_item.status != FeedItem.Status.CANDIDATE:
        raise ValidationError(_("This candidate has already been taken or dismissed."))
    signal = Signal.objects.create(
        organisation=organisation,
        title=title,
        url=url,
        summary=summary,
        kind=kind,
        horizon=horizon,
        created_by=_user(request),
        active_at=timezone.now(),
    )
    signal.focus_areas.set(areas)
    if feed_item is not None:
        feed_item.status = FeedItem.Status.TAKEN
        feed_item.signal = signal
        feed_item.decided_by = _user(request)
        feed_item.save(update_fields=["status", "signal", "decided_by"])
    audit.record(
        "scanning.signal_added",
        request=request,
        target=signal,
        summary=signal.title,
        after={**_state(signal), "feed_item": getattr(feed_item, "pk", None)},
        organisation=organisation,
    )
    return signal


@transaction.atomic
def update_signal(signal: Signal, request: HttpRequest | None, **fields: Any) -> Signal:
    """Change what `EDITABLE` names, and the focus areas (`focus_areas=`)."""
    before = _state(signal)
    areas = fields.pop("focus_areas", None)
    for name in fields:
        if name not in EDITABLE:
            raise ValueError(name)
    _same_organisation(signal.organisation_id, *(areas or []))
    _touch(signal, **fields)
    if areas is not None:
        signal.focus_areas.set(areas)
    audit.record(
        "scanning.signal_changed",
        request=request,
        target=signal,
        summary=signal.title,
        before=before,
        after=_state(signal),
    )
    return signal


@transaction.atomic
def set_state(signal: Signal, request: HttpRequest | None, state: str) -> Signal:
    """Move a signal to new, discussed, acted on or archived."""
    if state not in State.values:
        raise ValidationError(_("Choose one of the states."))
    if state == signal.state:
        raise ValidationError(_("The signal is already %(state)s.") % {"state": State(state).label})
    before = {"state": signal.state}
    _touch(signal, state=state)
    audit.record(
        "scanning.state_changed",
        request=request,
        target=signal,
        summary=signal.title,
        before=before,
        after={"state": state},
    )
    return signal


# Discussion ---------------------------------------------------------------------------------------


def mentioned_members(text: str) -> list[User]:
    """The members of the organisation in scope whom `text` names with @ (two queries).

    Only members are ever found: a name or address of anyone else matches nothing, so it is
    neither notified nor revealed. For a name, the longest run of words that is a member's whole
    name wins ("@Karin Lindqvist" over a member called "Karin").
    """
    emails: set[str] = set()
    phrases: list[list[str]] = []
    for match in MENTION.finditer(text or ""):
        if match.group(1):
            emails.add(match.group(1).lower())
        else:
            words = match.group(2).split(" ")
            phrases.append([" ".join(words[:n]).lower() for n in range(len(words), 0, -1)])
    if not emails and not phrases:
        return []
    names = {name for options in phrases for name in options}
    members = (
        User.objects.filter(pk__in=Membership.objects.values("user_id"), is_active=True)
        .annotate(lower_name=Lower("name"), lower_email=Lower("email"))
        .filter(Q(lower_email__in=emails) | Q(lower_name__in=names))
        .order_by("name", "pk")
    )
    by_name: dict[str, list[User]] = {}
    found: dict[int, User] = {}
    for user in members:
        by_name.setdefault(user.lower_name, []).append(user)
        if user.lower_email in emails:
            found[user.pk] = user
    for options in phrases:
        for name in options:
            if name in by_name:
                found.update((u.pk, u) for u in by_name[name])
                break
    return list(found.values())


@transaction.atomic
def add_comment(
    signal: Signal,
    request: HttpRequest | None,
    body: str,
    parent: SignalComment | None = None,
) -> tuple[SignalComment, list[User]]:
    """Add a comment (or a reply, which joins the thread of `parent`), notify the members it
    mentions by e-mail once the transaction is kept, and move a new signal to discussed when
    someone other than its author joins in. Returns the comment and who was notified."""
    if parent is not None:
        if parent.signal_id != signal.pk:
            raise ValueError("The comment replied to belongs to another signal.")
        parent = parent.parent or parent  # a thread is one level deep
    author = _user(request)
    comment = SignalComment.objects.create(
        organisation_id=signal.organisation_id,
        signal=signal,
        parent=parent,
        author=author,
        body=body,
    )
    notified = [u for u in mentioned_members(body) if author is None or u.pk != author.pk]
    Mention.objects.bulk_create(
        Mention(organisation_id=signal.organisation_id, comment=comment, person=u) for u in notified
    )
    joined = author is not None and author.pk != signal.created_by_id
    if signal.state == State.NEW and joined:
        _touch(signal, state=State.DISCUSSED)
    else:
        _touch(signal)
    audit.record(
        "scanning.commented",
        request=request,
        target=signal,
        summary=signal.title,
        after={
            "comment": comment.pk,
            "reply_to": getattr(parent, "pk", None),
            "mentioned": [u.pk for u in notified],
        },
    )
    if notified:
        link = signal_path(signal)
        if request is not None:
            link = request.build_absolute_uri(link)
        transaction.on_commit(lambda: _notify(signal, comment, notified, author, link))
    return comment, notified


def _notify(
    signal: Signal, comment: SignalComment, people: list[User], author: Any, link: str
) -> None:
    for person in people:
        context = {
            "signal": signal,
            "comment": comment,
            "author": getattr(author, "name", "") or _("A member"),
            "person": person,
            "link": link,
        }
        with translation.override(person.language):
            subject = loader.render_to_string("scanning/email/mention_subject.txt", context)
            body = loader.render_to_string("scanning/email/mention.txt", context)
        send_email.enqueue(to=[person.email], subject=" ".join(subject.split()), body=body)


@transaction.atomic
def rate(signal: Signal, request: HttpRequest, relevance: int, impact: int) -> Rating:
    """Record (or change) the person's rating of the signal's relevance and impact, 1–5."""
    for name, value in (("relevance", relevance), ("impact", impact)):
        if not 1 <= int(value) <= 5:
            raise ValidationError({name: _("Choose a value from 1 to 5.")})
    person = _user(request)
    before = Rating.objects.filter(signal=signal, person=person).first()
    rating, _created = Rating.objects.update_or_create(
        organisation_id=signal.organisation_id,
        signal=signal,
        person=person,
        defaults={"relevance": relevance, "impact": impact},
    )
    _touch(signal)
    audit.record(
        "scanning.rated",
        request=request,
        target=signal,
        summary=signal.title,
        before={"relevance": before.relevance, "impact": before.impact} if before else None,
        after={"relevance": relevance, "impact": impact},
    )
    return rating


# What a signal led to -----------------------------------------------------------------------------


def _acted_on(signal: Signal) -> None:
    if signal.state in (State.NEW, State.DISCUSSED):
        _touch(signal, state=State.ACTED_ON)
    else:
        _touch(signal)


@transaction.atomic
def link_goal(signal: Signal, request: HttpRequest | None, goal: Goal) -> Evidence:
    """The signal led to `goal`: the goal cites it as evidence (kind "signal"), and the signal
    counts as acted on."""
    _same_organisation(signal.organisation_id, goal)
    if Evidence.objects.filter(goal=goal, signal=signal).exists():
        raise ValidationError(
            {"goal": _("“%(goal)s” already cites this signal.") % {"goal": goal.title}}
        )
    evidence = Evidence.objects.create(
        organisation_id=signal.organisation_id,
        goal=goal,
        kind=Evidence.Kind.SIGNAL,
        title=signal.title[:300],
        url=signal_path(signal),
        summary=feeds.plain(signal.summary)[:1000],
        signal=signal,
        added_by=_user(request),
    )
    _acted_on(signal)
    audit.record(
        "scanning.linked",
        request=request,
        target=signal,
        summary=f"{signal.title} → {goal.title}",
        after={"goal": goal.pk, "evidence": evidence.pk},
    )
    return evidence


@transaction.atomic
def link_to(
    signal: Signal,
    request: HttpRequest | None,
    *,
    target_vision: TargetVision | None = None,
    activity: Activity | None = None,
) -> SignalLink:
    """The signal led to a version of the målbild or to an activity of an action plan."""
    _same_organisation(signal.organisation_id, target_vision, activity)
    if (target_vision is None) == (activity is None):
        raise ValueError("Give a version of the målbild or an activity, not both.")
    existing = SignalLink.objects.filter(
        signal=signal, target_vision=target_vision, activity=activity
    )
    if existing.exists():
        raise ValidationError(_("The signal is already linked to it."))
    link = SignalLink.objects.create(
        organisation_id=signal.organisation_id,
        signal=signal,
        kind=SignalLink.Kind.TARGET_VISION if target_vision else SignalLink.Kind.ACTIVITY,
        target_vision=target_vision,
        activity=activity,
        added_by=_user(request),
    )
    _acted_on(signal)
    audit.record(
        "scanning.linked",
        request=request,
        target=signal,
        summary=f"{signal.title} → {target_vision or activity}",
        after={
            "target_vision": getattr(target_vision, "pk", None),
            "activity": getattr(activity, "pk", None),
        },
    )
    return link


@transaction.atomic
def unlink(signal: Signal, request: HttpRequest | None, link: SignalLink | Evidence) -> None:
    """Remove what the signal led to. A goal's evidence goes through the goals' own rule (an
    active goal keeps at least one piece of evidence)."""
    if isinstance(link, Evidence):
        summary = f"{signal.title} → {link.goal.title}"
        before: dict[str, int | None] = {"goal": link.goal_id}
        goal_services.remove_evidence(link, request)
    else:
        summary = str(link)
        before = {"target_vision": link.target_vision_id, "activity": link.activity_id}
        link.delete()
    _touch(signal)
    audit.record(
        "scanning.unlinked", request=request, target=signal, summary=summary, before=before
    )


@dataclass
class LedTo:
    target_visions: list[SignalLink]
    goals: list[Evidence]
    activities: list[SignalLink]

    def __bool__(self) -> bool:
        return bool(self.target_visions or self.goals or self.activities)


def led_to(signal: Signal) -> LedTo:
    """What the signal led to (two queries)."""
    links = list(signal.links.select_related("target_vision", "activity__unit"))
    goals = list(
        Evidence.objects.filter(signal=signal).select_related("goal__unit").order_by("added_at")
    )
    return LedTo(
        target_visions=[link for link in links if link.target_vision_id],
        goals=goals,
        activities=[link for link in links if link.activity_id],
    )


def signals_behind(obj: TargetVision | Activity) -> list[Signal]:
    """The signals that led to a version of the målbild or to an activity (one query), for
    their pages to show as evidence."""
    field = "target_vision" if isinstance(obj, TargetVision) else "activity"
    return list(Signal.objects.filter(**{f"links__{field}": obj}).order_by("title", "id"))


# Who took part, and how they rated ----------------------------------------------------------------


@dataclass
class Group:
    key: str
    label: Any
    people: list[User]


def participants(signal: Signal, comments: list[SignalComment]) -> list[Group]:
    """Who took part (added, commented on or rated the signal), by where they come from:
    politics, administration, the schools (two queries). A person with several roles counts
    once, in the first group their roles reach."""
    ids = {c.author_id for c in comments if c.author_id}
    ids |= set(Rating.objects.filter(signal=signal).values_list("person_id", flat=True))
    if signal.created_by_id:
        ids.add(signal.created_by_id)
    roles: dict[int, set[str]] = {}
    people: dict[int, User] = {}
    for membership in Membership.objects.filter(user_id__in=ids).select_related("user"):
        roles.setdefault(membership.user_id, set()).add(membership.role)
        people[membership.user_id] = membership.user
    groups = [Group(key, label, []) for key, label, _roles in GROUPS]
    for pk, person in sorted(people.items(), key=lambda item: (item[1].name, item[0])):
        for group, (_key, _label, group_roles) in zip(groups, GROUPS, strict=True):
            if roles[pk] & group_roles:
                group.people.append(person)
                break
    return groups


@dataclass
class Bar:
    value: int
    count: int
    percent: int

    @property
    def step(self) -> int:
        """The bar's length in tenths (a CSS class: the CSP allows no inline styles)."""
        return round(self.percent / 10)


@dataclass
class Distribution:
    label: Any
    bars: list[Bar]
    count: int
    mean: float | None


def distributions(signal: Signal) -> list[Distribution]:
    """How members rated relevance and impact, value by value (one query)."""
    rows = list(Rating.objects.filter(signal=signal).values_list("relevance", "impact"))
    result = []
    for index, label in ((0, _("Relevance")), (1, _("Impact"))):
        counts = Counter(row[index] for row in rows)
        total = len(rows)
        bars = [
            Bar(v, counts[v], round(100 * counts[v] / total) if total else 0) for v in range(1, 6)
        ]
        mean = sum(row[index] for row in rows) / total if total else None
        result.append(Distribution(label, bars, total, mean))
    return result


# The week's digest --------------------------------------------------------------------------------


@dataclass
class Digest:
    """What the weekly digest says about the omvärldsbevakning (the communication part sends
    it): the signals added this week, and the most discussed and rated ones."""

    new: list[Any]  # Signals, each annotated with week_comments and week_ratings
    hot: list[Any]

    def __bool__(self) -> bool:
        return bool(self.new or self.hot)


def digest(organisation: Organisation, now: datetime | None = None, limit: int = 10) -> Digest:
    """The signals of `organisation` new and hot in the seven days up to `now` (two queries).

    New: added in the week, not archived, newest first. Hot: not new, not archived, with at
    least two comments or ratings in the week, the most active first. Each signal carries
    `week_comments` and `week_ratings`.
    """
    now = now or timezone.now()
    since = now - timedelta(days=7)
    with scope(organisation):
        week = Signal.objects.exclude(state=State.ARCHIVED).annotate(
            week_comments=Count(
                "comments",
                filter=Q(comments__created_at__gte=since, comments__created_at__lte=now),
                distinct=True,
            ),
            week_ratings=Count(
                "ratings",
                filter=Q(ratings__rated_at__gte=since, ratings__rated_at__lte=now),
                distinct=True,
            ),
        )
        new: list[Any] = list(
            week.filter(created_at__gte=since, created_at__lte=now).order_by("-created_at")[:limit]
        )
        hot: list[Any] = [
            signal
            for signal in week.filter(created_at__lt=since).order_by("-active_at")[: limit * 5]
            if signal.week_comments + signal.week_ratings >= 2
        ]
        hot.sort(key=lambda s: -(s.week_comments + s.week_ratings))
    return Digest(new=new, hot=hot[:limit])


# Feed sources -------------------------------------------------------------------------------------


@transaction.atomic
def add_source(
    organisation: Organisation, request: HttpRequest | None, *, name: str, url: str
) -> FeedSource:
    try:
        feeds.check_address(url)
    except feeds.FeedError as e:
        raise ValidationError({"url": str(e)}) from None
    if FeedSource.objects.filter(url=url).exists():
        raise ValidationError({"url": _("This feed is already one of the sources.")})
    source = FeedSource.objects.create(
        organisation=organisation, name=name, url=url, added_by=_user(request)
    )
    audit.record(
        "scanning.source_added",
        request=request,
        target=source,
        summary=source.name,
        after={"name": name, "url": url},
        organisation=organisation,
    )
    return source


@transaction.atomic
def fetch_requested(source: FeedSource, request: HttpRequest | None) -> None:
    """Someone asked for a fetch now (the task itself records what it brought)."""
    audit.record("scanning.fetch_requested", request=request, target=source, summary=source.name)


@transaction.atomic
def set_source_active(source: FeedSource, request: HttpRequest | None, active: bool) -> None:
    before = {"is_active": source.is_active}
    source.is_active = active
    source.save(update_fields=["is_active"])
    audit.record(
        "scanning.source_resumed" if active else "scanning.source_paused",
        request=request,
        target=source,
        summary=source.name,
        before=before,
        after={"is_active": active},
    )


@transaction.atomic
def ingest(source: FeedSource, feed: feeds.Feed, now: datetime | None = None) -> int:
    """Store the feed's items that are not known yet (by key in this source, or by link in any
    source of the organisation) as candidates; record the success. Returns how many were new."""
    now = now or timezone.now()
    items = {item.key: item for item in feed.items}  # a key twice in one document: the last
    known = set(
        FeedItem.objects.filter(source=source, key__in=list(items)).values_list("key", flat=True)
    )
    links = {item.link for item in items.values() if item.link}
    known_links = set(FeedItem.objects.filter(link__in=links).values_list("link", flat=True))
    fresh: list[FeedItem] = []
    for item in items.values():
        if item.key in known or (item.link and item.link in known_links):
            continue
        if item.link:
            known_links.add(item.link)
        fresh.append(
            FeedItem(
                organisation_id=source.organisation_id,
                source=source,
                key=item.key,
                title=item.title,
                link=item.link,
                summary=item.summary,
                published_at=item.published_at,
            )
        )
    FeedItem.objects.bulk_create(fresh)
    source.last_fetched_at = now
    source.last_success_at = now
    source.last_new_items = len(fresh)
    source.save(update_fields=["last_fetched_at", "last_success_at", "last_new_items"])
    if fresh:
        audit.record(
            "scanning.source_fetched",
            target=source,
            summary=source.name,
            after={"new_items": len(fresh)},
            organisation=source.organisation,
        )
    return len(fresh)


@transaction.atomic
def record_failure(source: FeedSource, message: str, now: datetime | None = None) -> None:
    """Keep the error on the source; audited when it is a new error (not the same again)."""
    now = now or timezone.now()
    repeated = source.failing and source.last_error == message
    source.last_fetched_at = now
    source.last_error = message[:500]
    source.last_error_at = now
    source.last_new_items = 0
    source.save(update_fields=["last_fetched_at", "last_error", "last_error_at", "last_new_items"])
    if not repeated:
        audit.record(
            "scanning.source_failed",
            target=source,
            summary=source.name,
            after={"error": source.last_error},
            organisation=source.organisation,
        )


def fetch_source(source: FeedSource, **limits: Any) -> int | None:
    """Fetch, read and store one source; the number of new candidates, or None on an error
    (which the source then shows). `limits` are `feeds.fetch`'s keyword arguments."""
    try:
        feed = feeds.parse(feeds.fetch(source.url, **limits))
    except feeds.FeedError as e:
        record_failure(source, str(e))
        return None
    return ingest(source, feed)


@transaction.atomic
def dismiss(item: FeedItem, request: HttpRequest | None) -> None:
    if item.status != FeedItem.Status.CANDIDATE:
        raise ValidationError(_("This candidate has already been taken or dismissed."))
    item.status = FeedItem.Status.DISMISSED
    item.decided_by = _user(request)
    item.save(update_fields=["status", "decided_by"])
    audit.record(
        "scanning.candidate_dismissed",
        request=request,
        target=item,
        summary=item.title,
        after={"source": item.source_id},
    )
