"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The world: a published announcement to staff, and a draft for Åsens skola (the rektor's school)
and one for Berga skola (not theirs: 403).
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.announcements.models import Announcement
from malbild.announcements.personal_views import digest_off_token
from malbild.announcements.tests.builders import give_feed_token, make_announcement
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
        return reverse(f"announcements:{name}", args=["mittkoping"]) + query

    return path


def item(name: str, title: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(f"announcements:{name}", args=["mittkoping", announcement(c, title).pk])

    return path


def public(name: str, *args: Any) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        adopt(c.org)
        values = [a(c) if callable(a) else a for a in args]
        return reverse(f"announcements_public:{name}", args=["mittkoping", *values])

    return path


def token_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        token = give_feed_token(c.org, c.teacher)
        return reverse(f"announcements_personal:{name}", args=["mittkoping", token])

    return path


def digest_off_url(client: Client, c: Cast) -> str:
    return reverse(
        "announcements_personal:digest_off",
        args=["mittkoping", digest_off_token(c.org, c.teacher)],
    )


def with_token(client: Client, c: Cast) -> str:
    give_feed_token(c.org, c.teacher)
    give_feed_token(c.org, c.rektor)
    give_feed_token(c.org, c.admin)
    return reverse("announcements:feed_token_revoke", args=["mittkoping"])


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
    "announcements:news": [
        Case("get", page("news"), LOGIN, 404, None, ("reader", 200)),
        Case("get", page("news", "?visa=utkast"), LOGIN, 404, None, ("rektor", 200)),
    ],
    "announcements:announcement_detail": [
        Case("get", item("announcement_detail", PUBLISHED), LOGIN, 404, None, ("reader", 200)),
        # A draft is seen only by those who may publish for its unit.
        Case("get", item("announcement_detail", ASEN), LOGIN, 404, ("teacher", 404),
             ("rektor", 200)),
    ],
    "announcements:announcement_create": [
        Case("get", page("announcement_create"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", page("announcement_create"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             data),
    ],
    "announcements:announcement_edit": [
        Case("get", item("announcement_edit", ASEN), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", item("announcement_edit", ASEN), LOGIN, 404, ("elected", 403),
             ("rektor", 302), data),
        Case("post", item("announcement_edit", BERGA), LOGIN, 404, ("rektor", 403),
             ("admin", 302), data),
    ],
    "announcements:announcement_publish": [
        Case("post", item("announcement_publish", ASEN), LOGIN, 404, ("teacher", 403),
             ("rektor", 302)),
        Case("post", item("announcement_publish", BERGA), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "announcements:announcement_unpublish": [
        Case("post", item("announcement_unpublish", PUBLISHED), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "announcements:announcement_delete": [
        Case("post", item("announcement_delete", ASEN), LOGIN, 404, ("reader", 403),
             ("rektor", 302)),
    ],
    "announcements:subscription": [
        Case("get", page("subscription"), LOGIN, 404, None, ("reader", 200)),
    ],
    "announcements:feed_token_new": [
        Case("post", page("feed_token_new"), LOGIN, 404, None, ("reader", 200)),
    ],
    "announcements:feed_token_revoke": [
        Case("post", with_token, LOGIN, 404, None, ("teacher", 302)),
    ],
    "announcements:digest": [
        Case("post", page("digest"), LOGIN, 404, None, ("teacher", 302),
             lambda c: {"digest": ""}),
    ],
    "announcements_personal:atom": [
        Case("get", token_url("atom"), 200, 200, None, (None, 200)),
    ],
    "announcements_personal:ical": [
        Case("get", token_url("ical"), 200, 200, None, (None, 200)),
    ],
    "announcements_personal:digest_off": [
        Case("get", digest_off_url, 200, 200, None, (None, 200)),
        Case("post", digest_off_url, 302, 302, None, (None, 302)),
    ],
    "announcements_public:news": [
        Case("get", public("news"), 200, 200, None, (None, 200)),
    ],
    "announcements_public:news_detail": [
        Case("get", public("news_detail", lambda c: announcement(c, PUBLISHED).pk), 200, 200,
             None, (None, 200)),
    ],
    "announcements_public:news_atom": [
        Case("get", public("news_atom", "allmanheten"), 200, 200, None, (None, 200)),
    ],
}  # fmt: skip
