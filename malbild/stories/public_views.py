"""Public pages of the success stories (`/offentlig/<org>/berattelser/…`, no login): the
published stories with the quotes and pictures whose consent stands, their Atom feed, and the
form where a pupil or guardian tells their own story. The pages are read-only and cacheable
(`lib/cacheable.py`); the form lives on its own page, guarded against spam (`lib/spam.py`)."""

from typing import Any

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from malbild.goals.access import PUBLIC_STATUSES
from malbild.goals.models import Goal
from malbild.lib import spam
from malbild.lib.cacheable import cached_bytes, cached_render, newest
from malbild.lib.paging import paginate
from malbild.lib.panels import Panel
from malbild.stories import feeds, services
from malbild.stories.forms import StorySubmitForm
from malbild.stories.models import Story
from malbild.stories.views import image_response
from malbild.tenants.decorators import public_view
from malbild.tenants.requests import OrganisationRequest, PublicRequest

FEED_SIZE = 50
SENT = "skickad"


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
                queryset=Goal.objects.filter(status__in=PUBLIC_STATUSES).select_related("unit"),
                to_attr="public_goals",
            ),
            "values",
        )
    )


def story_feed_links(request: OrganisationRequest) -> list[tuple[str, str]]:
    slug = request.organisation.slug
    return [(_("Success stories"), reverse("stories_public:stories_atom", args=[slug]))]


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
        "stories/public/stories.html",
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
        "stories/public/story_detail.html",
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
            reverse("stories_public:story_detail", args=[organisation.slug, story.pk])
        )

    body = feeds.story_atom(
        title=_("%(organisation)s: success stories") % {"organisation": organisation.name},
        link=request.build_absolute_uri(
            reverse("stories_public:stories", args=[organisation.slug])
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


@never_cache
@require_http_methods(["GET", "POST"])
@public_view
def story_submit(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "GET" and SENT in request.GET:
        return render(
            request,
            "stories/public/story_sent.html",
            {"organisation": request.organisation, "feeds": []},
        )
    form = StorySubmitForm(request.POST or None, request.FILES or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        save, status = spam.guarded(request, form, "story")
        if status == 200:
            if save:
                data = form.cleaned_data
                services.submit_story(
                    organisation,
                    title=data["title"],
                    text=data["text"],
                    speaker=data["speaker"],
                    consent_by=data["consent_by"],
                    unit=data["unit"],
                    request=request,
                    image=data["image"],
                    alt_text=data["alt_text"],
                )
            url = reverse("stories_public:story_submit", args=[organisation.slug])
            return redirect(f"{url}?{SENT}=1")
    return render(
        request,
        "stories/public/story_submit.html",
        {"organisation": request.organisation, "feeds": [], "form": form},
        status=status,
    )


def highlights_panel(*, request: OrganisationRequest, **_signal: Any) -> Panel:
    """The highlighted success stories on the public goals page (`goals.signals.public_panels`)."""
    stories = services.highlights()
    html = render_to_string(
        "stories/_highlights.html",
        {"highlights": stories, "public": True, "organisation": request.organisation},
        request,
    )
    return Panel(html, changed_at=newest(*(s.updated_at for s in stories)))
