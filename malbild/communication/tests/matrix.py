"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The world: a published announcement to staff, and a draft for Åsens skola (the rektor's school)
and one for Berga skola (not theirs: 403).
"""

import time
from collections.abc import Callable
from typing import Any

from django.core import signing
from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.communication import spam
from malbild.communication.models import Announcement, Feedback, Quote, Story, StoryImage
from malbild.communication.personal import digest_off_token
from malbild.communication.tests.builders import (
    give_feed_token,
    make_announcement,
    make_feedback,
    make_story,
    png_upload,
)
from malbild.goals.tests.builders import adopt
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
PUBLISHED = "Ny plattform för lärande"
ASEN = "Utkast till Åsens föräldrar"
BERGA = "Utkast till Berga"


def world(c: Cast) -> None:
    make_announcement(c.org, PUBLISHED, audiences=("staff", "public"))
    make_announcement(c.org, ASEN, audiences=("guardians",), unit=c.school, published=False)
    make_announcement(c.org, BERGA, audiences=("staff",), unit=c.other_school, published=False)


def announcement(c: Cast, title: str) -> Announcement:
    with scope(c.org):
        return Announcement.objects.get(title=title)


def page(name: str, query: str = "") -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(f"communication:{name}", args=["mittkoping"]) + query

    return path


def item(name: str, title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(f"communication:{name}", args=["mittkoping", announcement(c, title).pk])

    return path


def public(name: str, *args: Any) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        adopt(c.org)
        values = [a(c) if callable(a) else a for a in args]
        return reverse(f"communication_public:{name}", args=["mittkoping", *values])

    return path


def token_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        token = give_feed_token(c.org, c.teacher)
        return reverse(f"communication_personal:{name}", args=["mittkoping", token])

    return path


def digest_off_url(client: Client, c: Cast) -> str:
    return reverse(
        "communication_personal:digest_off",
        args=["mittkoping", digest_off_token(c.org, c.teacher)],
    )


def with_token(client: Client, c: Cast) -> str:
    give_feed_token(c.org, c.teacher)
    give_feed_token(c.org, c.rektor)
    give_feed_token(c.org, c.admin)
    return reverse("communication:feed_token_revoke", args=["mittkoping"])


def data(c: Cast) -> dict[str, Any]:
    return {
        "kind": "news",
        "title": "Studiedag om AI",
        "summary": "",
        "body": "Alla lärare på Åsen träffas.",
        "audiences": ["staff"],
        "unit": c.school.pk,
    }


CASES: dict[str, list[Case]] = {
    "communication:news": [
        Case("get", page("news"), LOGIN, 404, None, ("reader", 200)),
        Case("get", page("news", "?visa=utkast"), LOGIN, 404, None, ("rektor", 200)),
    ],
    "communication:announcement_detail": [
        Case("get", item("announcement_detail", PUBLISHED), LOGIN, 404, None, ("reader", 200)),
        # A draft is seen only by those who may publish for its unit.
        Case("get", item("announcement_detail", ASEN), LOGIN, 404, ("teacher", 404),
             ("rektor", 200)),
    ],
    "communication:announcement_create": [
        Case("get", page("announcement_create"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", page("announcement_create"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             data),
    ],
    "communication:announcement_edit": [
        Case("get", item("announcement_edit", ASEN), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", item("announcement_edit", ASEN), LOGIN, 404, ("elected", 403),
             ("rektor", 302), data),
        Case("post", item("announcement_edit", BERGA), LOGIN, 404, ("rektor", 403),
             ("admin", 302), data),
    ],
    "communication:announcement_publish": [
        Case("post", item("announcement_publish", ASEN), LOGIN, 404, ("teacher", 403),
             ("rektor", 302)),
        Case("post", item("announcement_publish", BERGA), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "communication:announcement_unpublish": [
        Case("post", item("announcement_unpublish", PUBLISHED), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "communication:announcement_delete": [
        Case("post", item("announcement_delete", ASEN), LOGIN, 404, ("reader", 403),
             ("rektor", 302)),
    ],
    "communication:subscription": [
        Case("get", page("subscription"), LOGIN, 404, None, ("reader", 200)),
    ],
    "communication:feed_token_new": [
        Case("post", page("feed_token_new"), LOGIN, 404, None, ("reader", 200)),
    ],
    "communication:feed_token_revoke": [
        Case("post", with_token, LOGIN, 404, None, ("teacher", 302)),
    ],
    "communication:digest": [
        Case("post", page("digest"), LOGIN, 404, None, ("teacher", 302),
             lambda c: {"digest": ""}),
    ],
    "communication_personal:atom": [
        Case("get", token_url("atom"), 200, 200, None, (None, 200)),
    ],
    "communication_personal:ical": [
        Case("get", token_url("ical"), 200, 200, None, (None, 200)),
    ],
    "communication_personal:digest_off": [
        Case("get", digest_off_url, 200, 200, None, (None, 200)),
        Case("post", digest_off_url, 302, 302, None, (None, 302)),
    ],
    "communication_public:news": [
        Case("get", public("news"), 200, 200, None, (None, 200)),
    ],
    "communication_public:news_detail": [
        Case("get", public("news_detail", lambda c: announcement(c, PUBLISHED).pk), 200, 200,
             None, (None, 200)),
    ],
    "communication_public:news_atom": [
        Case("get", public("news_atom", "allmanheten"), 200, 200, None, (None, 200)),
    ],
    "communication_public:goals": [
        Case("get", public("goals"), 200, 200, None, (None, 200)),
    ],
    "communication_public:unit_goals": [
        Case("get", public("unit_goals", lambda c: c.school.pk), 200, 200, None, (None, 200)),
    ],
    "communication_public:language": [
        Case("get", public("language"), 200, 200, None, (None, 200)),
    ],
}  # fmt: skip

# Success stories and feedback ---------------------------------------------------------------------

STORY = "Sexorna lärde ettorna programmera"
ASEN_DRAFT = "Utkast om Åsens läsfrämjande"
BERGA_DRAFT = "Utkast om Berga"
FEEDBACK = "Varför har inte fritids tillgång till lärplattorna?"


def story_world(c: Cast) -> None:
    make_story(c.org, STORY, unit=c.school, image=True)
    make_story(c.org, ASEN_DRAFT, unit=c.school, status=Story.Status.SUBMITTED)
    make_story(c.org, BERGA_DRAFT, unit=c.other_school, status=Story.Status.DRAFT)
    make_feedback(c.org, FEEDBACK)


def story(c: Cast, title: str) -> Story:
    with scope(c.org):
        return Story.objects.get(title=title)


def story_page(name: str, query: str = "") -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        return reverse(f"communication:{name}", args=["mittkoping"]) + query

    return path


def story_item(name: str, title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        return reverse(f"communication:{name}", args=["mittkoping", story(c, title).pk])

    return path


def quote_of(title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        with scope(c.org):
            quote = Quote.objects.get(story__title=title)
        return reverse("communication:quote_withdraw", args=["mittkoping", quote.pk])

    return path


def image_of(name: str, title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        with scope(c.org):
            image = StoryImage.objects.get(story__title=title)
        return reverse(name, args=["mittkoping", image.pk])

    return path


def feedback_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        with scope(c.org):
            found = Feedback.objects.get(message=FEEDBACK)
        return reverse(f"communication:{name}", args=["mittkoping", found.pk])

    return path


def public_story(name: str, *args: Any) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        values = [a(c) if callable(a) else a for a in args]
        return reverse(f"communication_public:{name}", args=["mittkoping", *values])

    return path


def story_data(c: Cast) -> dict[str, Any]:
    return {
        "title": "Läsfrämjande med ljudböcker",
        "summary": "",
        "body": "Det gick bra.",
        "unit": c.school.pk,
    }


def quote_data(c: Cast) -> dict[str, Any]:
    return {"text": "Nu läser jag varje kväll.", "speaker": "Elev i åk 4", "consent_by": "guardian"}


def image_data(c: Cast) -> dict[str, Any]:
    return {"image": png_upload(), "alt_text": "En bokhylla", "consent_by": ""}


def started_earlier(seconds: float = 10) -> str:
    """A start token as if the form had been shown `seconds` ago (the minimum time passes)."""
    return signing.dumps(time.time() - seconds, salt=spam.SALT)


def submit_data(c: Cast) -> dict[str, Any]:
    return {
        "consent_by": "guardian",
        "title": "Min dotter älskar kodklubben",
        "text": "Hon kommer hem och berättar om allt hon byggt.",
        "speaker": "Förälder",
        "unit": "",
        "consent": "on",
        "website": "",
        "started": started_earlier(),
    }


def feedback_data(c: Cast) -> dict[str, Any]:
    return {
        "message": "Skönt att skolan har tydliga regler för mobiler.",
        "unit": "",
        "contact_email": "",
        "website": "",
        "started": started_earlier(),
    }


CASES.update({
    "communication:stories": [
        Case("get", story_page("stories"), LOGIN, 404, None, ("reader", 200)),
        Case("get", story_page("stories", "?visa=granska"), LOGIN, 404, None, ("rektor", 200)),
    ],
    "communication:story_detail": [
        Case("get", story_item("story_detail", STORY), LOGIN, 404, None, ("reader", 200)),
        # Waiting for review: only those who may publish for its unit.
        Case("get", story_item("story_detail", ASEN_DRAFT), LOGIN, 404, ("teacher", 404),
             ("rektor", 200)),
        Case("get", story_item("story_detail", BERGA_DRAFT), LOGIN, 404, ("rektor", 404),
             ("admin", 200)),
    ],
    "communication:story_create": [
        Case("get", story_page("story_create"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", story_page("story_create"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             story_data),
    ],
    "communication:story_edit": [
        Case("get", story_item("story_edit", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", story_item("story_edit", BERGA_DRAFT), LOGIN, 404, ("rektor", 403),
             ("admin", 302), story_data),
    ],
    "communication:quote_add": [
        Case("get", story_item("quote_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", story_item("quote_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), quote_data),
    ],
    "communication:image_add": [
        Case("get", story_item("image_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", story_item("image_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), image_data),
    ],
    "communication:story_publish": [
        Case("post", story_item("story_publish", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 302)),
        Case("post", story_item("story_publish", BERGA_DRAFT), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "communication:story_reject": [
        Case("post", story_item("story_reject", ASEN_DRAFT), LOGIN, 404, ("elected", 403),
             ("rektor", 302)),
    ],
    "communication:quote_withdraw": [
        Case("post", quote_of(STORY), LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "communication:image_withdraw": [
        Case("post", image_of("communication:image_withdraw", STORY), LOGIN, 404,
             ("teacher", 403), ("rektor", 302)),
    ],
    "communication:story_image": [
        Case("get", image_of("communication:story_image", STORY), LOGIN, 404, None,
             ("reader", 200)),
    ],
    "communication:feedback_queue": [
        Case("get", story_page("feedback_queue"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
    ],
    "communication:feedback_detail": [
        Case("get", feedback_url("feedback_detail"), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
    ],
    "communication:feedback_answer": [
        Case("post", feedback_url("feedback_answer"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), lambda c: {"answer": "Tack, vi ser över det."}),
    ],
    "communication:feedback_reject": [
        Case("post", feedback_url("feedback_reject"), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "communication:feedback_signal": [
        Case("post", feedback_url("feedback_signal"), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "communication_public:stories": [
        Case("get", public_story("stories"), 200, 200, None, (None, 200)),
    ],
    "communication_public:story_detail": [
        Case("get", public_story("story_detail", lambda c: story(c, STORY).pk), 200, 200, None,
             (None, 200)),
    ],
    "communication_public:stories_atom": [
        Case("get", public_story("stories_atom"), 200, 200, None, (None, 200)),
    ],
    "communication_public:story_image": [
        Case("get", image_of("communication_public:story_image", STORY), 200, 200, None,
             (None, 200)),
    ],
    "communication_public:story_submit": [
        Case("get", public_story("story_submit"), 200, 200, None, (None, 200)),
        Case("post", public_story("story_submit"), 302, 302, None, (None, 302), submit_data),
    ],
    "communication_public:feedback": [
        Case("get", public_story("feedback"), 200, 200, None, (None, 200)),
    ],
    "communication_public:feedback_form": [
        Case("get", public_story("feedback_form"), 200, 200, None, (None, 200)),
        Case("post", public_story("feedback_form"), 302, 302, None, (None, 302), feedback_data),
    ],
})  # fmt: skip

CASES.update({
    "communication:story_highlight": [
        Case("post", story_item("story_highlight", STORY), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), lambda c: {"on": "1"}),
    ],
    "communication:consent_age": [
        Case("get", story_page("consent_age"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
        Case("post", story_page("consent_age"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {"consent_age": "15"}),
    ],
})  # fmt: skip
