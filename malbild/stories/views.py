"""Members' pages for success stories: read the published ones, write and edit drafts, add
pupils' quotes and images with their consent, approve (publish) or decline, and withdraw a
quote or an image whose consent is withdrawn.

Every member reads published stories; the rest needs `can_publish_stories` for the story's
unit (unit leads in their subtree, admins everywhere; a story for the whole organisation only
admins). Images are served by `story_image` after the same checks: there is no public media
folder.
"""

import os
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.goals.models import Goal
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.stories import invitations, services
from malbild.stories.access import reviewable
from malbild.stories.forms import ConsentAgeForm, ImageForm, QuoteForm, StoryForm
from malbild.stories.models import Quote, Story, StoryImage
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest, OrganisationRequest

PUBLISH = "can_publish_stories"
INVITATIONS_SHOWN = 5
Status = Story.Status


def with_parts(stories: Any) -> Any:
    """Stories with their unit, goals, values and every quote and image (withdrawn ones too:
    the page says they were removed) in a fixed number of queries."""
    return stories.select_related("unit").prefetch_related(
        Prefetch("goals", queryset=_goals()),
        "values",
        Prefetch("quotes", queryset=Quote.objects.order_by("id")),
        Prefetch("images", queryset=StoryImage.objects.order_by("id")),
    )


def _goals() -> Any:
    return Goal.objects.select_related("unit")


def _story(request: MemberRequest, story_id: int) -> Story:
    """A published story, or another one the person may review; otherwise 404."""
    story = get_object_or_404(with_parts(Story.objects.all()), pk=story_id)
    if story.status != Status.PUBLISHED and not request.access.can(PUBLISH, story.unit):
        raise Http404
    return story


def _editable(request: MemberRequest, story_id: int) -> Story:
    story = get_object_or_404(Story.objects.select_related("unit"), pk=story_id)
    request.access.require(PUBLISH, story.unit)
    return story


@require_safe
@member_view()
def stories(request: MemberRequest) -> HttpResponse:
    """Published stories; with ?visa=granska the drafts and those sent in, for reviewers. Above
    them, the person's invitations to tell the story of a goal that reached its target."""
    access = request.access
    may_publish = access.can(PUBLISH, anywhere=True)
    invited = (
        list(invitations.for_person(request.user, access.memberships)[:INVITATIONS_SHOWN])
        if may_publish
        else []
    )
    show = request.GET.get("visa", "")
    if show == "granska" and may_publish:
        items = Story.objects.filter(
            reviewable(request.access), status__in=[Status.DRAFT, Status.SUBMITTED]
        ).order_by("-created_at", "-id")
    else:
        show = ""
        items = services.published_stories()
    return render(
        request,
        "stories/stories.html",
        {
            "page": paginate(request, with_parts(items)),
            "show": show,
            "may_publish": may_publish,
            "invitations": invited,
            "may_set_consent_age": access.can("can_edit_consent_age"),
        },
    )


@require_safe
@member_view()
def story_detail(request: MemberRequest, story_id: int) -> HttpResponse:
    story = _story(request, story_id)
    return render(
        request,
        "stories/story_detail.html",
        {"story": story, "may_edit": request.access.can(PUBLISH, story.unit)},
    )


@require_http_methods(["GET", "POST"])
@member_view(PUBLISH)
def story_create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    access = request.access
    form = StoryForm(
        request.POST or None,
        organisation=organisation,
        subtrees=access.subtrees(PUBLISH),
        initial=_from_goal(request),
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        access.require(PUBLISH, fields["unit"])
        try:
            story = services.create_story(organisation, request, **fields)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The draft %(title)s has been saved. Add quotes and images, then publish it.")
                % {"title": story.title},
            )
            return redirect("stories:story_detail", organisation.slug, story.pk)
    return render(request, "stories/story_form.html", {"form": form})


def _from_goal(request: HttpRequest) -> dict[str, Any]:
    """A new story prefilled from `?mal=<goal>` (the invitation when a goal reaches its target):
    the goal, its unit and a headline. An unknown goal prefills nothing."""
    from malbild.goals.models import Goal

    value = request.GET.get("mal", "")
    wellformed = value.isdigit() and len(value) <= 9  # a number the database can hold
    goal = Goal.objects.filter(pk=int(value)).first() if wellformed else None
    if goal is None:
        return {}
    return {
        "title": _("We reached the goal: %(goal)s") % {"goal": goal.title},
        "unit": goal.unit_id,
        "goals": [goal.pk],
    }


@require_http_methods(["GET", "POST"])
@member_view(PUBLISH)
def story_edit(request: MemberRequest, story_id: int) -> HttpResponse:
    organisation = request.organisation
    access = request.access
    story = _editable(request, story_id)
    form = StoryForm(
        request.POST or None,
        organisation=organisation,
        subtrees=access.subtrees(PUBLISH),
        initial=StoryForm.initial_for(story),
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        access.require(PUBLISH, fields["unit"])
        try:
            services.update_story(story, request, **fields)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The story %(title)s has been saved.") % {"title": story})
            return redirect("stories:story_detail", organisation.slug, story.pk)
    return render(request, "stories/story_form.html", {"form": form, "story": story})


@require_http_methods(["GET", "POST"])
@member_view(PUBLISH)
def quote_add(request: MemberRequest, story_id: int) -> HttpResponse:
    story = _editable(request, story_id)
    form = QuoteForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_quote(story, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The quote has been added with its consent."))
            return redirect("stories:story_detail", request.organisation.slug, story.pk)
    return render(request, "stories/quote_form.html", {"form": form, "story": story})


@require_http_methods(["GET", "POST"])
@member_view(PUBLISH)
def image_add(request: MemberRequest, story_id: int) -> HttpResponse:
    story = _editable(request, story_id)
    form = ImageForm(request.POST or None, request.FILES or None, organisation=request.organisation)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_image(
                    story,
                    request,
                    upload=data["image"],
                    alt_text=data["alt_text"],
                    shows_pupil=data["shows_pupil"],
                    consent_by=data["consent_by"],
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("The image has been added."))
                return redirect("stories:story_detail", request.organisation.slug, story.pk)
        status = 400
    return render(request, "stories/image_form.html", {"form": form, "story": story}, status=status)


def _transition(request: MemberRequest, story_id: int, action: Any, done: str) -> HttpResponse:
    story = _editable(request, story_id)
    try:
        action(story, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done % {"title": story.title})
    return redirect("stories:story_detail", request.organisation.slug, story.pk)


@require_POST
@member_view(PUBLISH)
def story_publish(request: MemberRequest, story_id: int) -> HttpResponse:
    return _transition(
        request,
        story_id,
        services.publish_story,
        _("%(title)s has been approved and published on the public pages."),
    )


@require_POST
@member_view(PUBLISH)
def story_reject(request: MemberRequest, story_id: int) -> HttpResponse:
    return _transition(
        request,
        story_id,
        services.reject_story,
        _("%(title)s will not be published."),
    )


@require_POST
@member_view(PUBLISH)
def story_highlight(request: MemberRequest, story_id: int) -> HttpResponse:
    """Lift a published story onto the dashboards and the public start page (`on=1`), or take
    it off (`on=0`)."""
    on = request.POST.get("on") == "1"
    return _transition(
        request,
        story_id,
        lambda story, request: services.set_highlight(story, request, on),
        _("%(title)s is now highlighted on the dashboards and the public start page.")
        if on
        else _("%(title)s is no longer highlighted."),
    )


@require_POST
@member_view(PUBLISH)
def quote_withdraw(request: MemberRequest, quote_id: int) -> HttpResponse:
    quote = get_object_or_404(Quote.objects.select_related("story", "story__unit"), pk=quote_id)
    request.access.require(PUBLISH, quote.story.unit)
    try:
        services.withdraw_quote(quote, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("The quote has been removed from every page and feed, and erased.")
        )
    return redirect("stories:story_detail", request.organisation.slug, quote.story_id)


@require_POST
@member_view(PUBLISH)
def image_withdraw(request: MemberRequest, image_id: int) -> HttpResponse:
    image = get_object_or_404(
        StoryImage.objects.select_related("story", "story__unit"), pk=image_id
    )
    request.access.require(PUBLISH, image.story.unit)
    try:
        services.withdraw_image(image, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("The image has been removed from every page and its file deleted.")
        )
    return redirect("stories:story_detail", request.organisation.slug, image.story_id)


def _chunks(field: Any) -> Iterator[bytes]:
    """The stored file, opened at the first chunk (so an unsent response holds no open file)."""
    with field.storage.open(field.name, "rb") as handle:
        while chunk := handle.read(FileResponse.block_size):
            yield chunk


def image_response(image: StoryImage, *, public: bool) -> HttpResponse:
    """The picture, with the content type found when it was checked, never sniffed again by
    the browser; 404 once its consent is withdrawn or its file is gone."""
    field = image.file
    if image.withdrawn_at is not None or not field or not field.storage.exists(field.name):
        raise Http404
    response = FileResponse(_chunks(field), content_type=image.content_type)
    response["Content-Length"] = str(field.storage.size(field.name))
    response["Content-Disposition"] = f'inline; filename="{os.path.basename(field.name)}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Asked for again on every view, so a withdrawn picture is gone at once.
    response["Cache-Control"] = "public, no-cache" if public else "private, no-store"
    return response  # type: ignore[return-value]


@require_safe
@member_view()
def story_image(request: MemberRequest, image_id: int) -> HttpResponse:
    image = get_object_or_404(
        StoryImage.objects.select_related("story", "story__unit"), pk=image_id
    )
    if image.story.status != Status.PUBLISHED and not request.access.can(PUBLISH, image.story.unit):
        raise Http404
    return image_response(image, public=False)


@require_http_methods(["GET", "POST"])
@member_view("can_edit_consent_age")
def consent_age(request: MemberRequest) -> HttpResponse:
    """The organisation's age of consent: from it a pupil consents for themselves, below it a
    guardian does."""
    organisation = request.organisation
    form = ConsentAgeForm(request.POST or None, initial={"consent_age": organisation.consent_age})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_consent_age(organisation, request, form.cleaned_data["consent_age"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("From now on, pupils aged %(age)s or over consent for themselves.")
                % {"age": organisation.consent_age},
            )
            return redirect("stories:stories", organisation.slug)
    return render(request, "stories/consent_age.html", {"form": form})


def review_url(request: OrganisationRequest) -> str:
    return reverse("stories:stories", args=[request.organisation.slug]) + "?visa=granska"
