"""Small builders for the scanning tests: signals, comments, ratings, sources and candidates,
written with the models directly (inside `scope`), and a real local HTTP server that serves
feeds good and bad for the fetching tests."""

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from malbild.scanning.models import FeedItem, FeedSource, Rating, Signal, SignalComment
from malbild.targets.models import FocusArea
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope, unscoped


def make_signal(
    org: Organisation,
    title: str = "AI-verktyg i klassrummet",
    *,
    by: Any = None,
    areas: tuple[str, ...] = (),
    **fields: Any,
) -> Signal:
    with scope(org):
        signal = Signal.objects.create(
            organisation=org,
            title=title,
            kind=fields.pop("kind", Signal.Kind.TECHNOLOGY),
            horizon=fields.pop("horizon", Signal.Horizon.SOON),
            created_by=by,
            active_at=fields.pop("active_at", timezone.now()),
            **fields,
        )
        if areas:
            signal.focus_areas.set(FocusArea.objects.filter(name__in=areas))
    return signal


def make_areas(org: Organisation, *names: str) -> list[FocusArea]:
    with scope(org):
        return [
            FocusArea.objects.get_or_create(organisation=org, name=name, defaults={"position": i})[
                0
            ]
            for i, name in enumerate(names or ("Ledning", "Kompetens"))
        ]


def comment(signal: Signal, author: Any, body: str = "Intressant!", **fields: Any) -> SignalComment:
    with scope(signal.organisation):
        return SignalComment.objects.create(
            organisation=signal.organisation, signal=signal, author=author, body=body, **fields
        )


def rating(signal: Signal, person: Any, relevance: int = 4, impact: int = 3) -> Rating:
    with scope(signal.organisation):
        return Rating.objects.create(
            organisation=signal.organisation,
            signal=signal,
            person=person,
            relevance=relevance,
            impact=impact,
        )


def make_source(
    org: Organisation, url: str = "https://www.example.org/feed.xml", name: str = "Nyheter"
) -> FeedSource:
    with scope(org):
        return FeedSource.objects.create(organisation=org, name=name, url=url)


def make_item(source: FeedSource, title: str = "Ny rapport om skärmtid", **fields: Any) -> FeedItem:
    with scope(source.organisation):
        return FeedItem.objects.create(
            organisation=source.organisation,
            source=source,
            key=fields.pop("key", title),
            title=title,
            link=fields.pop("link", "https://www.example.org/rapport"),
            summary=fields.pop("summary", "En sammanfattning."),
            published_at=fields.pop("published_at", timezone.now()),
            **fields,
        )


def fresh(obj: Any) -> Any:
    with unscoped():
        return type(obj).objects.get(pk=obj.pk)


def at(days_ago: float) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


# A real feed server ------------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Skolnytt</title><link>https://skolnytt.example/</link>
<description>Nyheter</description>
<item><title>Ny forskning om AI i skolan</title><link>https://skolnytt.example/ai</link>
<guid>https://skolnytt.example/ai</guid><pubDate>Mon, 02 Jun 2025 08:00:00 GMT</pubDate>
<description>&lt;p&gt;En studie &lt;script&gt;alert(1)&lt;/script&gt;visar.&lt;/p&gt;
</description></item>
<item><title>Ändrad läroplan</title><link>https://skolnytt.example/lgr</link>
<guid>lgr-2025</guid><description>Kursplanerna ändras.</description></item>
</channel></rss>""".encode()

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Forskningsnytt</title><id>urn:fn</id>
<updated>2025-06-01T00:00:00Z</updated>
<entry><title>Digitala prov</title><id>urn:fn:1</id><link href="https://fn.example/1"/>
<updated>2025-06-01T00:00:00Z</updated><summary>Proven blir digitala.</summary></entry>
</feed>"""

HTML = b"<!DOCTYPE html><html lang='sv'><head><title>Skolnytt</title></head><body>Hej</body></html>"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title>
<item><title>&lol3;</title></item></channel></rss>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item></channel></rss>"""

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


def _send(body: bytes, content_type: str = "application/rss+xml", status: int = 200) -> Route:
    def route(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return route


def _huge(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Six megabytes of a feed, without saying so in advance (no Content-Length)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>')
    item = b"<item><title>" + b"x" * 1000 + b"</title></item>"
    try:
        for _ in range(6 * 1024):
            handler.wfile.write(item)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _slow(handler: http.server.BaseHTTPRequestHandler) -> None:
    """A feed that trickles in, a piece every quarter second, and does not end before the
    client gives up (or half a minute has passed): whatever the client's time limit, it is
    reached first."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    handler.end_headers()
    try:
        handler.wfile.write(RSS.split(b"\n")[0] + b"\n")
        for _ in range(120):
            handler.wfile.write(b"\n")
            handler.wfile.flush()
            time.sleep(0.25)
    except (BrokenPipeError, ConnectionResetError):
        pass


def _redirect(to: str) -> Route:
    def route(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        # An AF_INET server: its address is (host, port).
        port = handler.server.server_address[1]  # type: ignore[index]
        handler.send_header("Location", to.replace("PORT", str(port)))
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


ROUTES: dict[str, Route] = {
    "/rss.xml": _send(RSS),
    "/atom.xml": _send(ATOM, "application/atom+xml"),
    "/page.html": _send(HTML, "text/html"),
    "/data.json": _send(b'{"not": "a feed"}', "application/json"),
    "/binary": _send(bytes(range(256)) * 10, "application/octet-stream"),
    "/huge.xml": _huge,
    "/laughs.xml": _send(BILLION_LAUGHS),
    "/xxe.xml": _send(EXTERNAL_ENTITY),
    "/slow.xml": _slow,
    "/gone.xml": _send(b"Not here", "text/plain", 404),
    "/same-host.xml": _redirect("/rss.xml"),
    "/other-host.xml": _redirect("http://localhost:PORT/rss.xml"),
}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        route = ROUTES.get(self.path.split("?")[0])
        if route is None:
            _send(b"", "text/plain", 404)(self)
        else:
            route(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet tests


@contextmanager
def feed_server() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 in a thread; yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
