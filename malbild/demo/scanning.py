"""Mittköping's omvärldsbevakning: signals discussed by the politician, the administration and
the teachers, their ratings, one signal cited by a goal, and two feed sources that the demo serves
itself from malbild/demo/feeds/ (so the demo works without the internet).

Everything is fictional and written for Målbild; dates are relative to today. The feeds are
fetched from the demo's own server on 127.0.0.1, which is why `malbild demo` turns on
MALBILD_FEED_ALLOW_PRIVATE (refused in production mode). Their items are read straight from the
files at load time, so the candidates are there before the first fetch.

Loading is idempotent: nothing is written when the organisation already has signals.
"""

import re
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.goals.models import Evidence, Goal
from malbild.scanning import feeds, services
from malbild.scanning.models import FeedItem, FeedSource, Mention, Rating, Signal, SignalComment
from malbild.targets.models import FocusArea
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

FEEDS_DIR = Path(__file__).resolve().parent / "feeds"
DEFAULT_ORIGIN = "http://127.0.0.1:8000"
SOURCES = (
    ("skolnytt", "Skolnytt (demo)"),
    ("forskningsnytt", "Forskningsnytt om lärande (demo)"),
)
AGO = re.compile(r"\{\{ago (\d+) (rfc|iso)\}\}")

Kind, Horizon, State = Signal.Kind, Signal.Horizon, Signal.State


def feed_bytes(name: str) -> bytes:
    """A demo feed with its dates filled in relative to now (`{{ago N rfc|iso}}`)."""
    text = (FEEDS_DIR / f"{name}.xml").read_text(encoding="utf-8")
    now = timezone.now().replace(microsecond=0)

    def date(match: re.Match[str]) -> str:
        when = now - timedelta(days=int(match.group(1)))
        return format_datetime(when, usegmt=True) if match.group(2) == "rfc" else when.isoformat()

    return AGO.sub(date, text).encode("utf-8")


def feed_url(origin: str, name: str) -> str:
    return f"{origin.rstrip('/')}/demo-floden/{name}.xml"


@dataclass(frozen=True)
class DemoComment:
    by: str  # key of the demo person (the e-mail's local part)
    body: str
    days_ago: float
    replies: tuple["DemoComment", ...] = ()
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoSignal:
    title: str
    kind: str
    horizon: str
    areas: tuple[str, ...]
    by: str
    days_ago: float
    summary: str
    url: str = ""
    state: str = State.NEW
    comments: tuple[DemoComment, ...] = ()
    ratings: tuple[tuple[str, int, int], ...] = ()  # (person, relevance, impact)
    from_feed: str = ""  # the key of the feed item it was taken from
    cited_by_goal_in: str = ""  # the focus area of the goal that cites it


SIGNALS = (
    DemoSignal(
        title="Generativ AI blir ett vardagsverktyg för lärare",
        kind=Kind.TECHNOLOGY,
        horizon=Horizon.NOW,
        areas=("Kompetens", "Användning"),
        by="larare",
        days_ago=9,
        summary=(
            "Allt fler av oss lärare använder AI-verktyg för att planera lektioner och ge "
            "återkoppling, men var och en på sitt sätt. Vi behöver gemensamma riktlinjer och tid "
            "att lära av varandra, annars växer skillnaderna mellan skolorna."
        ),
        state=State.DISCUSSED,
        comments=(
            DemoComment(
                "politiker",
                "Det här vill nämnden förstå bättre. Vad behöver lärarna från oss: pengar till "
                "licenser, tid för fortbildning eller tydligare riktlinjer?",
                7,
                replies=(
                    DemoComment(
                        "forvaltning",
                        "Främst tid och riktlinjer, tror vi. Förvaltningen tar fram ett utkast "
                        "till riktlinjer under våren och vill gärna pröva det på en skola först.",
                        6,
                    ),
                    DemoComment(
                        "larare",
                        "Tid, helst i arbetslagen. Ett par studiedagar räcker långt om vi får "
                        "dela exempel med varandra.",
                        5,
                    ),
                ),
            ),
            DemoComment(
                "rektor",
                "Åsens skola ställer gärna upp som försöksskola. @Johan Berg, kan ditt arbetslag "
                "samla några exempel till nästa APT?",
                4,
                mentions=("larare",),
            ),
        ),
        ratings=(("larare", 5, 4), ("politiker", 4, 4), ("forvaltning", 5, 5), ("rektor", 4, 3)),
        cited_by_goal_in="Kompetens",
    ),
    DemoSignal(
        title="Fler kommuner inför mobilfria lektioner",
        kind=Kind.POLICY,
        horizon=Horizon.NOW,
        areas=("Användning",),
        by="politiker",
        days_ago=3,
        summary=(
            "Flera kommuner har beslutat om mobilfria skoldagar. Hur ser vi på det i Mittköping, "
            "och hur skiljer vi mobilen från de digitala verktyg som undervisningen behöver?"
        ),
        url="https://skolnytt.example/mobilfria-lektioner",
        state=State.DISCUSSED,
        from_feed="https://skolnytt.example/mobilfria-lektioner",
        comments=(
            DemoComment(
                "larare",
                "I min klass hjälper det att ha en tydlig regel, men eleverna behöver sina "
                "datorer. Skilj på **mobilen** och **skolans enheter** i ett eventuellt beslut.",
                2,
                replies=(
                    DemoComment(
                        "rektor",
                        "Håller med. Vi har redan mobilfria lektioner på Åsen och kan dela "
                        "erfarenheterna med nämnden.",
                        1,
                    ),
                ),
            ),
        ),
        ratings=(("politiker", 4, 3), ("larare", 3, 2), ("rektor", 3, 3)),
    ),
    DemoSignal(
        title="Nationella prov blir digitala",
        kind=Kind.POLICY,
        horizon=Horizon.SOON,
        areas=("Infrastruktur",),
        by="forvaltning",
        days_ago=20,
        summary=(
            "Proven ska genomföras digitalt. Alla skolor behöver nät, enheter och rutiner som "
            "klarar en hel årskurs samtidigt, och en plan för elever som behöver anpassningar."
        ),
        url="https://skolnytt.example/digitala-prov",
        state=State.DISCUSSED,
        comments=(
            DemoComment(
                "rektor",
                "Vi behöver veta i god tid vilka enheter som gäller, så att vi hinner testa "
                "nätet i idrottshallen.",
                15,
            ),
        ),
        ratings=(("forvaltning", 5, 5), ("rektor", 5, 4)),
    ),
    DemoSignal(
        title="Återkoppling i digitala verktyg hjälper när läraren följer upp",
        kind=Kind.RESEARCH,
        horizon=Horizon.SOON,
        areas=("Användning",),
        by="rektor",
        days_ago=1,
        summary=(
            "En forskningsöversikt visar att automatisk återkoppling ger mest när läraren "
            "använder resultaten i undervisningen. Något att ta med i vårt arbete med "
            "lärplattformen."
        ),
        url="https://forskningsnytt.example/aterkoppling",
    ),
    DemoSignal(
        title="Surfplattor i förskolan: ny upphandling",
        kind=Kind.NEWS,
        horizon=Horizon.NOW,
        areas=("Infrastruktur",),
        by="forvaltning",
        days_ago=120,
        summary="Den gemensamma upphandlingen av surfplattor till förskolorna är klar.",
        state=State.ARCHIVED,
    ),
)


def _comment(
    signal: Signal, spec: DemoComment, people: dict[str, User], parent: SignalComment | None
) -> None:
    comment = SignalComment.objects.create(
        organisation_id=signal.organisation_id,
        signal=signal,
        parent=parent,
        author=people[spec.by],
        body=spec.body,
    )
    SignalComment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(days=spec.days_ago)
    )
    for key in spec.mentions:
        Mention.objects.create(
            organisation_id=signal.organisation_id, comment=comment, person=people[key]
        )
    for reply in spec.replies:
        _comment(signal, reply, people, comment)


def _sources(organisation: Organisation) -> dict[str, FeedSource]:
    found: dict[str, FeedSource] = {}
    for name, title in SOURCES:
        source = FeedSource.objects.create(
            organisation=organisation, name=title, url=feed_url(DEFAULT_ORIGIN, name)
        )
        services.ingest(source, feeds.parse(feed_bytes(name)))
        found[name] = source
    return found


def load(organisation: Organisation, people: dict[str, User]) -> None:
    """Create Mittköping's signals and feed sources, unless it has signals already."""
    now = timezone.now()
    with scope(organisation):
        if Signal.objects.exists():
            return
        areas = {area.name: area for area in FocusArea.objects.all()}
        _sources(organisation)
        for spec in SIGNALS:
            created = now - timedelta(days=spec.days_ago)
            last = min((c.days_ago for c in spec.comments), default=spec.days_ago)
            signal = Signal.objects.create(
                organisation=organisation,
                title=spec.title,
                kind=spec.kind,
                horizon=spec.horizon,
                url=spec.url,
                summary=spec.summary,
                state=spec.state,
                created_by=people[spec.by],
                active_at=now - timedelta(days=last),
            )
            Signal.objects.filter(pk=signal.pk).update(created_at=created)
            signal.focus_areas.set([areas[name] for name in spec.areas if name in areas])
            for comment in spec.comments:
                _comment(signal, comment, people, None)
            Rating.objects.bulk_create(
                Rating(organisation=organisation, signal=signal, person=people[key],
                       relevance=relevance, impact=impact)
                for key, relevance, impact in spec.ratings
            )  # fmt: skip
            if spec.from_feed:
                FeedItem.objects.filter(link=spec.from_feed).update(
                    status=FeedItem.Status.TAKEN, signal=signal, decided_by=people[spec.by]
                )
            if spec.cited_by_goal_in:
                _cite(signal, spec.cited_by_goal_in, people["forvaltning"])
        audit.record(
            "demo.signals_created",
            summary=f"{len(SIGNALS)} signals, {len(SOURCES)} feed sources",
            organisation=organisation,
        )


def _cite(signal: Signal, area: str, by: User) -> None:
    """The first goal of the focus area cites the signal as evidence; the signal is acted on."""
    goal = Goal.objects.filter(focus_area__name=area).order_by("unit__depth", "pk").first()
    if goal is None:
        return
    Evidence.objects.create(
        organisation_id=signal.organisation_id,
        goal=goal,
        kind=Evidence.Kind.SIGNAL,
        title=signal.title,
        url=services.signal_path(signal),
        summary=signal.summary,
        signal=signal,
        added_by=by,
    )
    Signal.objects.filter(pk=signal.pk).update(state=State.ACTED_ON)


def point_feeds_at(organisation: Organisation, origin: str) -> None:
    """Make the demo's feed sources fetch from the server the demo runs at (its port)."""
    with scope(organisation):
        for name, _title in SOURCES:
            FeedSource.objects.filter(url__contains=f"/demo-floden/{name}.xml").update(
                url=feed_url(origin, name)
            )
