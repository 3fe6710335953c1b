"""Public pages show only what is adopted or published, parents and links included.

An organisation with something public of every kind, and beside it one draft (or unpublished
item) of every kind of object that has one: goals (also as the parent of an active goal and as
a goal of a published story and of a public practice), the målbild and its investments, the
platform with a new value, announcements, stories, feedback and practices. Every draft's text
carries the word DRAFTMARK. An anonymous visitor walks every public page of the organisation:
everything linked from the public start page, and each public address with the id of every
object of the organisation, drafts included. No page may show the word.
"""

import re
from collections import deque
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from malbild.announcements.models import Announcement
from malbild.announcements.tests.builders import make_announcement
from malbild.feedback.models import Feedback
from malbild.feedback.tests.builders import make_feedback
from malbild.goals.models import Goal
from malbild.goals.tests.builders import adopt, make_goal
from malbild.platforms.tests.builders import VALUES, draft, in_force
from malbild.practices.models import Practice
from malbild.practices.tests.builders import make_practice
from malbild.stories.models import Story, StoryImage
from malbild.stories.tests.builders import make_story
from malbild.surveys.models import Survey
from malbild.surveys.tests.builders import add_answers, agreeing, closed_survey, make_survey
from malbild.targets.models import TargetVision
from malbild.targets.tests.builders import make_investment, make_version
from malbild.tenants.models import OrgUnit
from malbild.tenants.scope import scope

MARK = "DRAFTMARK"
LINK = re.compile(r'(?:href|src)="([^"]+)"')


def build(cast) -> dict[str, list[int]]:
    """The public organisation with its drafts; the ids of everything a public URL can name."""
    org = cast.org
    in_force(org)
    new_value = {"key": "ny", "name": f"{MARK} value", "description": MARK}
    draft(org, vision=f"{MARK} platform vision", mission=f"{MARK} platform mission",
          core_values=[*VALUES, new_value])  # fmt: skip
    adopt(org)
    new_target = make_version(org, 2, TargetVision.Status.DRAFT, title=f"{MARK} målbild",
                              statement=MARK, change_motive=MARK)  # fmt: skip
    make_investment(new_target, f"{MARK} investment")

    hidden_parent = make_goal(org, cast.root, f"{MARK} parent goal")
    active = make_goal(org, cast.school, "Alla elever programmerar", status=Goal.Status.ACTIVE,
                       parent=hidden_parent)  # fmt: skip
    make_goal(org, cast.school, "Avslutat mål", status=Goal.Status.CLOSED, parent=active)
    hidden_goal = make_goal(org, cast.school, f"{MARK} goal")
    make_goal(org, cast.other_school, f"{MARK} goal of a school without public goals")

    make_announcement(org, "Öppet hus", audiences=("public", "guardians"))
    make_announcement(org, f"{MARK} announcement", audiences=("public", "guardians"),
                      published=False, summary=MARK, body=MARK)  # fmt: skip
    make_announcement(org, f"{MARK} staff announcement", audiences=("staff",))

    story = make_story(org, "Eleverna lärde de yngre", unit=cast.school, highlighted=True,
                       image=True)  # fmt: skip
    with scope(org):
        story.goals.set([active, hidden_goal, hidden_parent])
    for status in (Story.Status.DRAFT, Story.Status.SUBMITTED, Story.Status.REJECTED):
        make_story(org, f"{MARK} {status} story", unit=cast.school, status=status,
                   summary=MARK, quote=MARK, highlighted=True, image=True)  # fmt: skip

    make_feedback(org, "Tack för öppet hus!", status=Feedback.Status.PUBLISHED, answer="Tack!")
    make_feedback(org, f"{MARK} pending feedback")
    make_feedback(org, f"{MARK} rejected feedback", status=Feedback.Status.REJECTED)

    with scope(org):
        make_practice(org, cast.school, "Programmering i par", state=Practice.State.PUBLIC,
                      goals=[active, hidden_goal, hidden_parent])  # fmt: skip
    make_practice(org, cast.school, f"{MARK} draft practice", summary=MARK)
    make_practice(org, cast.school, f"{MARK} shared practice", summary=MARK,
                  state=Practice.State.SHARED)  # fmt: skip

    published = closed_survey(org, cast.school, agreeing(6), group_label="7B")
    with scope(org):
        Survey.objects.filter(pk=published.pk).update(results_public=True)
    still_open = make_survey(org, cast.school, group_label=f"{MARK} open survey")
    add_answers(still_open, agreeing(6), text=MARK)
    closed_survey(org, cast.other_school, agreeing(6), group_label=f"{MARK} unpublished survey")

    with scope(org):
        return {
            "unit_id": list(OrgUnit.objects.values_list("pk", flat=True)),
            "announcement_id": list(Announcement.objects.values_list("pk", flat=True)),
            "story_id": list(Story.objects.values_list("pk", flat=True)),
            "practice_id": list(Practice.objects.values_list("pk", flat=True)),
            "image_id": list(StoryImage.objects.values_list("pk", flat=True)),
        }


def public_routes() -> dict[str, str]:
    """Every public route: {view name: the name of its one id argument, or ""}."""

    def walk(patterns: list, namespace: str = "") -> dict[str, str]:
        found: dict[str, str] = {}
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
                found |= walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name and namespace.endswith("_public:"):
                arguments = [a for a in p.pattern.converters if a != "org"]
                found[namespace + p.name] = arguments[0] if arguments else ""
        return found

    return walk(get_resolver().url_patterns)


def seeds(ids: dict[str, list[int]]) -> list[str]:
    """Each public address with every id of the organisation (drafts too); the Atom feeds'
    audiences come from the links."""
    urls = []
    for name, argument in public_routes().items():
        if not argument:
            urls.append(reverse(name, args=["mittkoping"]))
        elif argument in ids:
            urls += [reverse(name, args=["mittkoping", pk]) for pk in ids[argument]]
    return urls


@pytest.mark.django_db
def test_no_public_page_shows_a_draft(cast):
    ids = build(cast)
    client = Client()
    prefix = "/offentlig/mittkoping/"
    queue = deque([prefix, *seeds(ids), f"{prefix}praxis/?q=practice"])
    seen: set[str] = set(queue)
    shown: set[str] = set()
    leaks: list[str] = []
    while queue:
        url = queue.popleft()
        response: Any = client.get(url)  # an HttpResponse, or a FileResponse for a picture
        assert response.status_code in (200, 404), url
        if response.status_code != 200:
            continue
        shown.add(resolve(urlsplit(url).path).view_name)
        if response.streaming:  # a picture of a published story
            b"".join(response.streaming_content)  # read to the end, which closes the file
            continue
        body = response.content.decode()
        leaks += [f"{url}: …{line.strip()[:120]}" for line in body.splitlines() if MARK in line]
        if not response["Content-Type"].startswith("text/html"):
            continue
        for link in LINK.findall(body):
            link = unescape(link)
            if link.startswith(prefix) and link not in seen:
                seen.add(link)
                queue.append(link)
    with scope(cast.org):
        unpublished = StoryImage.objects.exclude(story__status=Story.Status.PUBLISHED)
        for image in unpublished:
            url = reverse("stories_public:story_image", args=["mittkoping", image.pk])
            assert client.get(url).status_code == 404
    assert not leaks, "drafts shown on public pages:\n" + "\n".join(leaks)
    # Every public page was shown at least once, with something public on it.
    assert shown == set(public_routes())
