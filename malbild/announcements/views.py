"""Members' pages of the announcements app: the news (what concerns you, everything published,
drafts for editors), writing and publishing announcements, and your feeds and digest.

Every member reads the published announcements; drafts only those who may publish for the
announcement's unit. Writing needs `can_publish_announcements` for the unit.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.announcements import services
from malbild.announcements.access import concerning
from malbild.announcements.forms import AnnouncementForm, DigestForm
from malbild.announcements.models import PUBLIC_AUDIENCES, Announcement
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest, OrganisationRequest

PUBLISH = "can_publish_announcements"
Status = Announcement.Status


def _announcement(request: MemberRequest, announcement_id: int) -> Announcement:
    """A published announcement, or a draft the person may edit; otherwise 404."""
    announcement = get_object_or_404(
        Announcement.objects.select_related("unit", "created_by"), pk=announcement_id
    )
    if announcement.status != Status.PUBLISHED and not request.access.can(
        PUBLISH, announcement.unit
    ):
        raise Http404
    return announcement


def _editable(request: MemberRequest, announcement_id: int) -> Announcement:
    announcement = get_object_or_404(
        Announcement.objects.select_related("unit"), pk=announcement_id
    )
    request.access.require(PUBLISH, announcement.unit)
    return announcement


def _personal_feed_links(request: OrganisationRequest) -> dict[str, Any]:
    organisation = request.organisation
    return {
        "public_feeds": [
            (label, reverse("announcements_public:news_atom", args=[organisation.slug, slug]))
            for audience, slug in PUBLIC_AUDIENCES.items()
            for label in [audience.label]
        ]
    }


@require_safe
@member_view()
def news(request: MemberRequest) -> HttpResponse:
    """What concerns you by default; everything published with ?visa=alla; drafts with
    ?visa=utkast for those who may publish."""
    access = request.access
    show = request.GET.get("visa", "")
    may_publish = access.can(PUBLISH, anywhere=True)
    items = Announcement.objects.select_related("unit")
    if show == "utkast" and may_publish:
        items = items.filter(status=Status.DRAFT).order_by("-created_at", "-id")
        subtrees = access.subtrees(PUBLISH)
        if subtrees is not None:
            from django.db.models import Q

            q = Q(pk__in=[])
            for unit in subtrees:
                q |= Q(unit__path__startswith=unit.path)
            items = items.filter(q)
    elif show == "alla":
        items = services.published()
    else:
        show = ""
        items = services.published().filter(concerning(access.memberships))
    return render(
        request,
        "announcements/news.html",
        {
            "page": paginate(request, items.select_related("unit")),
            "show": show,
            "may_publish": may_publish,
            **_personal_feed_links(request),
        },
    )


@require_safe
@member_view()
def announcement_detail(request: MemberRequest, announcement_id: int) -> HttpResponse:
    announcement = _announcement(request, announcement_id)
    return render(
        request,
        "announcements/announcement_detail.html",
        {
            "announcement": announcement,
            "may_edit": request.access.can(PUBLISH, announcement.unit),
        },
    )


@require_http_methods(["GET", "POST"])
@member_view(PUBLISH)
def announcement_create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    access = request.access
    form = AnnouncementForm(
        request.POST or None, organisation=organisation, subtrees=access.subtrees(PUBLISH)
    )
    if request.method == "POST" and form.is_valid():
        fields = form.fields_for_service()
        access.require(PUBLISH, fields["unit"])
        try:
            announcement = services.create_announcement(organisation, request, **fields)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The draft %(title)s has been saved. Publish it when it is ready.")
                % {"title": announcement.title},
            )
            return redirect("announcements:announcement_detail", organisation.slug, announcement.pk)
    return render(request, "announcements/announcement_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view(PUBLISH)
def announcement_edit(request: MemberRequest, announcement_id: int) -> HttpResponse:
    organisation = request.organisation
    access = request.access
    announcement = _editable(request, announcement_id)
    form = AnnouncementForm(
        request.POST or None,
        organisation=organisation,
        subtrees=access.subtrees(PUBLISH),
        initial=AnnouncementForm.initial_for(announcement),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.fields_for_service()
        access.require(PUBLISH, fields["unit"])
        try:
            services.update_announcement(announcement, request, **fields)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The announcement %(title)s has been saved.") % {"title": announcement}
            )
            return redirect("announcements:announcement_detail", organisation.slug, announcement.pk)
    return render(
        request,
        "announcements/announcement_form.html",
        {"form": form, "announcement": announcement},
    )


def _transition(
    request: MemberRequest, announcement_id: int, action: Any, done: str
) -> HttpResponse:
    announcement = _editable(request, announcement_id)
    try:
        action(announcement, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done % {"title": announcement.title})
    return redirect("announcements:announcement_detail", request.organisation.slug, announcement.pk)


@require_POST
@member_view(PUBLISH)
def announcement_publish(request: MemberRequest, announcement_id: int) -> HttpResponse:
    return _transition(
        request,
        announcement_id,
        services.publish,
        _("%(title)s has been published and has reached its audiences' feeds."),
    )


@require_POST
@member_view(PUBLISH)
def announcement_unpublish(request: MemberRequest, announcement_id: int) -> HttpResponse:
    return _transition(
        request,
        announcement_id,
        services.unpublish,
        _("%(title)s is a draft again and has left every page and feed."),
    )


@require_POST
@member_view(PUBLISH)
def announcement_delete(request: MemberRequest, announcement_id: int) -> HttpResponse:
    announcement = _editable(request, announcement_id)
    slug = request.organisation.slug
    try:
        services.delete_draft(announcement, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("announcements:announcement_detail", slug, announcement.pk)
    messages.success(request, _("The draft has been deleted."))
    return redirect(reverse("announcements:news", args=[slug]) + "?visa=utkast")


# Your feeds and digest ----------------------------------------------------------------------------


@require_safe
@member_view()
def subscription(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    found = services.subscription_of(organisation, request.user)
    return render(
        request,
        "announcements/subscription.html",
        {
            "subscription": found,
            "digest_form": DigestForm(initial={"digest": found.digest if found else True}),
            **_personal_feed_links(request),
        },
    )


@require_POST
@member_view()
def feed_token_new(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    token = services.new_feed_token(organisation, request)
    atom = request.build_absolute_uri(
        reverse("announcements_personal:atom", args=[organisation.slug, token])
    )
    ical = request.build_absolute_uri(
        reverse("announcements_personal:ical", args=[organisation.slug, token])
    )
    return render(
        request,
        "announcements/feed_token.html",
        {"atom": atom, "ical": ical},
    )


@require_POST
@member_view()
def feed_token_revoke(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    try:
        services.revoke_feed_token(organisation, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Your personal feed address no longer works."))
    return redirect("announcements:subscription", organisation.slug)


@require_POST
@member_view()
def digest(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    form = DigestForm(request.POST)
    on = form.is_valid() and bool(form.cleaned_data["digest"])
    services.set_digest(organisation, request.user, on, request)
    if on:
        messages.success(request, _("You will receive the weekly digest."))
    else:
        messages.success(request, _("You will no longer receive the weekly digest."))
    return redirect("announcements:subscription", organisation.slug)
