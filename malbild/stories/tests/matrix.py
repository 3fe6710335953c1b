"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The world: a published story of Åsens skola (the rektor's school) with a quote and a picture, one
sent in for Åsen waiting for review, and a draft of Berga skola (not theirs).
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.lib.tests.spam import started_earlier
from malbild.stories.models import Quote, Story, StoryImage
from malbild.stories.tests.builders import make_story, png_upload
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
STORY = "Sexorna lärde ettorna programmera"
ASEN_DRAFT = "Utkast om Åsens läsfrämjande"
BERGA_DRAFT = "Utkast om Berga"


def story_world(c: Cast) -> None:
    make_story(c.org, STORY, unit=c.school, image=True)
    make_story(c.org, ASEN_DRAFT, unit=c.school, status=Story.Status.SUBMITTED)
    make_story(c.org, BERGA_DRAFT, unit=c.other_school, status=Story.Status.DRAFT)


def story(c: Cast, title: str) -> Story:
    with scope(c.org):
        return Story.objects.get(title=title)


def story_page(name: str, query: str = "") -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        return reverse(f"stories:{name}", args=["mittkoping"]) + query

    return path


def story_item(name: str, title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        return reverse(f"stories:{name}", args=["mittkoping", story(c, title).pk])

    return path


def quote_of(title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        with scope(c.org):
            quote = Quote.objects.get(story__title=title)
        return reverse("stories:quote_withdraw", args=["mittkoping", quote.pk])

    return path


def image_of(name: str, title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        with scope(c.org):
            image = StoryImage.objects.get(story__title=title)
        return reverse(name, args=["mittkoping", image.pk])

    return path


def public_story(name: str, *args: Any) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        story_world(c)
        values = [a(c) if callable(a) else a for a in args]
        return reverse(f"stories_public:{name}", args=["mittkoping", *values])

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


CASES: dict[str, list[Case]] = {
    "stories:stories": [
        Case("get", story_page("stories"), LOGIN, 404, None, ("reader", 200)),
        Case("get", story_page("stories", "?visa=granska"), LOGIN, 404, None, ("rektor", 200)),
    ],
    "stories:story_detail": [
        Case("get", story_item("story_detail", STORY), LOGIN, 404, None, ("reader", 200)),
        # Waiting for review: only those who may publish for its unit.
        Case("get", story_item("story_detail", ASEN_DRAFT), LOGIN, 404, ("teacher", 404),
             ("rektor", 200)),
        Case("get", story_item("story_detail", BERGA_DRAFT), LOGIN, 404, ("rektor", 404),
             ("admin", 200)),
    ],
    "stories:story_create": [
        Case("get", story_page("story_create"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", story_page("story_create"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             story_data),
    ],
    "stories:story_edit": [
        Case("get", story_item("story_edit", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", story_item("story_edit", BERGA_DRAFT), LOGIN, 404, ("rektor", 403),
             ("admin", 302), story_data),
    ],
    "stories:quote_add": [
        Case("get", story_item("quote_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", story_item("quote_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), quote_data),
    ],
    "stories:image_add": [
        Case("get", story_item("image_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", story_item("image_add", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), image_data),
    ],
    "stories:story_publish": [
        Case("post", story_item("story_publish", ASEN_DRAFT), LOGIN, 404, ("teacher", 403),
             ("rektor", 302)),
        Case("post", story_item("story_publish", BERGA_DRAFT), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "stories:story_reject": [
        Case("post", story_item("story_reject", ASEN_DRAFT), LOGIN, 404, ("elected", 403),
             ("rektor", 302)),
    ],
    "stories:quote_withdraw": [
        Case("post", quote_of(STORY), LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "stories:image_withdraw": [
        Case("post", image_of("stories:image_withdraw", STORY), LOGIN, 404,
             ("teacher", 403), ("rektor", 302)),
    ],
    "stories:story_image": [
        Case("get", image_of("stories:story_image", STORY), LOGIN, 404, None,
             ("reader", 200)),
    ],
    "stories_public:stories": [
        Case("get", public_story("stories"), 200, 200, None, (None, 200)),
    ],
    "stories_public:story_detail": [
        Case("get", public_story("story_detail", lambda c: story(c, STORY).pk), 200, 200, None,
             (None, 200)),
    ],
    "stories_public:stories_atom": [
        Case("get", public_story("stories_atom"), 200, 200, None, (None, 200)),
    ],
    "stories_public:story_image": [
        Case("get", image_of("stories_public:story_image", STORY), 200, 200, None,
             (None, 200)),
    ],
    "stories_public:story_submit": [
        Case("get", public_story("story_submit"), 200, 200, None, (None, 200)),
        Case("post", public_story("story_submit"), 302, 302, None, (None, 302), submit_data),
    ],

    "stories:story_highlight": [
        Case("post", story_item("story_highlight", STORY), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), lambda c: {"on": "1"}),
    ],
    "stories:consent_age": [
        Case("get", story_page("consent_age"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
        Case("post", story_page("consent_age"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {"consent_age": "15"}),
    ],
}  # fmt: skip
