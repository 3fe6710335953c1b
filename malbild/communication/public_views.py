"""Public pages (`/offentlig/<org>/…`, no login): the news, the goals and their status per unit,
the public Atom feeds, and the language choice. Read-only and cacheable (`public.py`): no form
on these pages; the forms live on their own pages."""

from typing import Any

from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from malbild.communication import feeds, services
from malbild.communication.models import PUBLIC_AUDIENCES, Announcement, Audience, Story
from malbild.communication.public import cached_bytes, cached_render, newest
from malbild.communication.story_views import image_response
from malbild.goals.models import Goal
from malbild.lib.paging import paginate
from malbild.targets import services as target_services
from malbild.tenants.decorators import public_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import OrganisationRequest, PublicRequest

FEED_SIZE = 50
AUDIENCE_OF_SLUG = {slug: audience for audience, slug in PUBLIC_AUDIENCES.items()}


def feed_links(request: OrganisationRequest) -> list[tuple[str, str]]:
    """(title, url) of the organisation's public feeds, for `<link rel="alternate">`."""
    slug = request.organisation.slug
    return [
        (str(audience.label), reverse("communication_public:news_atom", args=[slug, feed]))
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
        "communication/public/news.html",
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
        "communication/public/news_detail.html",
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
            reverse("communication_public:news_detail", args=[organisation.slug, item.pk])
        )

    body = feeds.atom(
        title=_("%(organisation)s: news for %(audience)s")
        % {"organisation": organisation.name, "audience": Audience(found).label},
        link=request.build_absolute_uri(
            reverse("communication_public:news", args=[organisation.slug]) + f"?for={audience}"
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


PUBLIC_GOALS = Q(goals__status__in=[Goal.Status.ACTIVE, Goal.Status.CLOSED])


@require_safe
@public_view
def goals(request: PublicRequest) -> HttpResponse:
    """The units that own goals of the målbild in force, with their progress."""
    organisation = request.organisation
    target = target_services.adopted(organisation)
    units = (
        OrgUnit.objects.filter(archived_at__isnull=True)
        .annotate(
            goal_count=Count(
                "goals", filter=PUBLIC_GOALS & Q(goals__target_vision=target), distinct=True
            )
        )
        .filter(goal_count__gt=0)
        .order_by("path")
    )
    page = paginate(request, units)
    rows = list(page.object_list)
    highlights = services.highlights()
    return cached_render(
        request,
        "communication/public/goals.html",
        {"organisation": organisation, "target": target, "page": page, "rows": rows,
         "highlights": highlights, "feeds": feed_links(request)},
        parts=[
            organisation.name,
            target.pk if target else None,
            target.adopted_at if target else None,
            page.paginator.count,
            *((u.pk, u.name, u.progress, u.goal_count) for u in rows),
            *services.highlight_parts(highlights),
        ],
        last_modified=newest(
            target.adopted_at if target else organisation.created_at,
            *(s.updated_at for s in highlights),
        ),
    )  # fmt: skip


@require_safe
@public_view
def unit_goals(request: PublicRequest, unit_id: int) -> HttpResponse:
    organisation = request.organisation
    unit = get_object_or_404(OrgUnit, pk=unit_id, archived_at__isnull=True)
    target = target_services.adopted(organisation)
    items = (
        Goal.objects.filter(
            unit=unit,
            target_vision=target,
            status__in=[Goal.Status.ACTIVE, Goal.Status.CLOSED],
        )
        .select_related("focus_area", "parent", "parent__unit")
        .order_by("focus_area__position", "title", "id")
    )
    page = paginate(request, items)
    rows = list(page.object_list)
    return cached_render(
        request,
        "communication/public/unit_goals.html",
        {"organisation": organisation, "unit": unit, "target": target, "page": page,
         "rows": rows, "feeds": feed_links(request)},
        parts=[
            organisation.name, unit.name, unit.progress, target.pk if target else None,
            page.paginator.count,
            *((g.pk, g.title, g.status, g.light, g.progress, g.description) for g in rows),
        ],
        last_modified=target.adopted_at if target else organisation.created_at,
    )  # fmt: skip


@require_safe
@public_view
def language(request: PublicRequest) -> HttpResponse:
    """The language choice, on its own page: its form carries a CSRF token, which the cached
    public pages must not."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("dashboards_public:home", args=[request.organisation.slug])
    return render(
        request,
        "communication/public/language.html",
        {"organisation": request.organisation, "next": next_url},
    )


# Success stories ----------------------------------------------------------------------------------


def public_stories() -> Any:
    """Published stories with only what may be shown: the quotes and images whose consent
    stands (`live_quotes`, `live_images`), the public goals and the values."""
    return (
        services.published_stories()
        .select_related("unit")
        .prefetch_related(
            Prefetch("quotes", queryset=services.live_quotes(), to_attr="live_quotes"),
            Prefetch("images", queryset=services.live_images(), to_attr="live_images"),
            Prefetch(
                "goals",
                queryset=Goal.objects.filter(
                    status__in=[Goal.Status.ACTIVE, Goal.Status.CLOSED]
                ).select_related("unit"),
                to_attr="public_goals",
            ),
            "values",
        )
    )


def story_feed_links(request: OrganisationRequest) -> list[tuple[str, str]]:
    slug = request.organisation.slug
    return [(_("Success stories"), reverse("communication_public:stories_atom", args=[slug]))]


def _story_parts(story: Any) -> tuple[Any, ...]:
    return (
        story.pk,
        story.updated_at,
        tuple(q.pk for q in story.live_quotes),
        tuple(i.pk for i in story.live_images),
    )


@require_safe
@public_view
def stories(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    page = paginate(request, public_stories())
    rows = list(page.object_list)
    return cached_render(
        request,
        "communication/public/stories.html",
        {"organisation": organisation, "page": page, "rows": rows,
         "feeds": story_feed_links(request)},
        parts=[organisation.name, page.paginator.count, *(_story_parts(s) for s in rows)],
        last_modified=newest(organisation.created_at, *(s.updated_at for s in rows)),
    )  # fmt: skip


@require_safe
@public_view
def story_detail(request: PublicRequest, story_id: int) -> HttpResponse:
    organisation = request.organisation
    story = get_object_or_404(public_stories(), pk=story_id)
    return cached_render(
        request,
        "communication/public/story_detail.html",
        {"organisation": organisation, "story": story, "feeds": story_feed_links(request)},
        parts=[organisation.name, _story_parts(story),
               tuple((g.pk, g.title) for g in story.public_goals),
               tuple((v.pk, v.name) for v in story.values.all())],
        last_modified=story.updated_at,
    )  # fmt: skip


@require_safe
@public_view
def stories_atom(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    items = list(public_stories()[:FEED_SIZE])

    def link(story: Story) -> str:
        return request.build_absolute_uri(
            reverse("communication_public:story_detail", args=[organisation.slug, story.pk])
        )

    body = feeds.story_atom(
        title=_("%(organisation)s: success stories") % {"organisation": organisation.name},
        link=request.build_absolute_uri(
            reverse("communication_public:stories", args=[organisation.slug])
        ),
        feed_url=request.build_absolute_uri(),
        description=_("What went well in the schools and preschools of %(organisation)s.")
        % {"organisation": organisation.name},
        stories=items,
        item_link=link,
        language=request.LANGUAGE_CODE,
    )
    return cached_bytes(
        request,
        body,
        "application/atom+xml; charset=utf-8",
        parts=[organisation.name, *(_story_parts(s) for s in items)],
        last_modified=newest(organisation.created_at, *(s.updated_at for s in items)),
    )


@require_safe
@public_view
def story_image(request: PublicRequest, image_id: int) -> HttpResponse:
    """A picture of a published story whose consent stands; 404 for anything else."""
    image = get_object_or_404(
        services.live_images().filter(story__status=Story.Status.PUBLISHED), pk=image_id
    )
    return image_response(image, public=True)


# Feedback -----------------------------------------------------------------------------------------


@require_safe
@public_view
def feedback(request: PublicRequest) -> HttpResponse:
    """Published feedback with the organisation's answers: no address, no name."""
    organisation = request.organisation
    page = paginate(request, services.answered_feedback().select_related("unit"))
    rows = list(page.object_list)
    return cached_render(
        request,
        "communication/public/feedback.html",
        {"organisation": organisation, "page": page, "rows": rows, "feeds": []},
        parts=[organisation.name, page.paginator.count, *((f.pk, f.updated_at) for f in rows)],
        last_modified=newest(organisation.created_at, *(f.updated_at for f in rows)),
    )
