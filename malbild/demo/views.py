"""The demo's own RSS and Atom feeds (malbild/demo/feeds/), so that its sources work without the
internet."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from malbild.demo.scanning import FEEDS_DIR, feed_bytes


@require_safe
def demo_feed(request: HttpRequest, name: str) -> HttpResponse:
    """The demo's two feeds, written for it. Only when feeds from private addresses are allowed,
    which only the demo does and production mode refuses; otherwise there is nothing here (404)."""
    if not settings.FEED_ALLOW_PRIVATE or settings.PRODUCTION:
        raise Http404
    if not (FEEDS_DIR / f"{name}.xml").is_file():
        raise Http404
    return HttpResponse(feed_bytes(name), content_type="application/xml; charset=utf-8")
