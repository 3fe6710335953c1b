"""Public pages of the announcements (`/offentlig/<org>/nyheter/…`, no login): the news for
guardians and pupils and for the public, and their Atom feeds. Read-only and cacheable
(`lib/cacheable.py`)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from malbild.announcements import feeds, services
from malbild.announcements.models import PUBLIC_AUDIENCES, Announcement, Audience
from malbild.lib.cacheable import cached_bytes, cached_render, newest
from malbild.lib.paging import paginate
from malbild.tenants.decorators import public_view
from malbild.tenants.requests import OrganisationRequest, PublicRequest

FEED_SIZE = 50
AUDIENCE_OF_SLUG = {slug: audience for audience, slug in PUBLIC_AUDIENCES.items()}


def feed_links(request: OrganisationRequest) -> list[tuple[str, str]]:
    """(title, url) of the organisation's public feeds, for `<link rel="alternate">`."""
    slug = request.organisation.slug
    return [
        (str(audience.label), reverse("announcements_public:news_atom", args=[slug, feed]))
        for audience, feed in PUBLIC_AUDIENCES.items()
    ]


def _audience(request: HttpRequest) -> str | None:
    value = request.GET.get("for", "")
    return AUDIENCE_OF_SLUG.get(value) if value else None


@require_safe
@public_view
def news(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    audience = _audience(request)
    items = services.public_announcements(audience).select_related("unit")
    page = paginate(request, items)
    rows = list(page.object_list)
    return cached_render(
        request,
        "announcements/public/news.html",
        {
            "organisation": organisation,
            "page": page,
            "rows": rows,
            "audience": audience,
            "audiences": [(slug, a.label) for a, slug in PUBLIC_AUDIENCES.items()],
            "feeds": feed_links(request),
        },
        parts=[organisation.name, page.paginator.count, *((a.pk, a.updated_at) for a in rows)],
        last_modified=newest(organisation.created_at, *(a.updated_at for a in rows)),
    )


@require_safe
@public_view
def news_detail(request: PublicRequest, announcement_id: int) -> HttpResponse:
    organisation = request.organisation
    announcement = get_object_or_404(
        services.public_announcements().select_related("unit"), pk=announcement_id
    )
    return cached_render(
        request,
        "announcements/public/news_detail.html",
        {"organisation": organisation, "announcement": announcement, "feeds": feed_links(request)},
        parts=[organisation.name, announcement.pk, announcement.updated_at],
        last_modified=announcement.updated_at,
    )


@require_safe
@public_view
def news_atom(request: PublicRequest, audience: str) -> HttpResponse:
    organisation = request.organisation
    found = AUDIENCE_OF_SLUG.get(audience)
    if found is None:
        raise Http404
    items = list(services.public_announcements(found).select_related("unit")[:FEED_SIZE])

    def link(item: Announcement) -> str:
        return request.build_absolute_uri(
            reverse("announcements_public:news_detail", args=[organisation.slug, item.pk])
        )

    body = feeds.atom(
        title=_("%(organisation)s: news for %(audience)s")
        % {"organisation": organisation.name, "audience": Audience(found).label},
        link=request.build_absolute_uri(
            reverse("announcements_public:news", args=[organisation.slug]) + f"?for={audience}"
        ),
        feed_url=request.build_absolute_uri(),
        description=_("Published announcements from %(organisation)s.")
        % {"organisation": organisation.name},
        announcements=items,
        item_link=link,
        language=request.LANGUAGE_CODE,
    )
    return cached_bytes(
        request,
        body,
        "application/atom+xml; charset=utf-8",
        parts=[organisation.name, *((a.pk, a.updated_at) for a in items)],
        last_modified=newest(organisation.created_at, *(a.updated_at for a in items)),
    )


def public_feeds(*, request: OrganisationRequest, **_signal: Any) -> list[tuple[str, str]]:
    """The news feeds, for the public goal pages' `<link rel="alternate">`
    (`goals.signals.public_feeds`)."""
    return feed_links(request)
