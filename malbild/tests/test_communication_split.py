"""Announcements, stories and feedback became apps of their own, taking the communication app's
tables as they are (issue 23). A database migrated before the split keeps every row: the new
apps' migrations move only Django's picture of the models, and the content types (so that
permissions and the admin's log keep pointing at them).

The test goes back to where the split begins (the communication app's 0003, before the new
apps), writes rows through the models as they were there, and migrates forward again.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from malbild.announcements.models import Announcement, Subscription
from malbild.feedback.models import Feedback
from malbild.goals.tests.builders import adopt, make_goal
from malbild.platforms.models import Value
from malbild.stories.models import Quote, Story, StoryImage, StoryInvitation
from malbild.tenants.scope import scope

BEFORE = ("communication", "0003_clean_stored_pictures")
NEW_APPS = ("announcements", "stories", "feedback")
MOVED = {
    "announcements": ["announcement", "subscription"],
    "stories": ["story", "quote", "storyimage", "storyinvitation"],
    "feedback": ["feedback"],
}


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _as_before_the_split() -> dict[str, int]:
    """The content types as an installation from before the split has them: under
    "communication" (going back put them there), each with a permission. Returns their ids."""
    ids = {}
    for app, models in MOVED.items():
        for model in models:
            assert not ContentType.objects.filter(app_label=app, model=model).exists()
            old, _created = ContentType.objects.get_or_create(
                app_label="communication", model=model
            )
            Permission.objects.get_or_create(
                content_type=old, codename=f"view_{model}", defaults={"name": f"Can view {model}"}
            )
            ids[model] = old.pk
    return ids


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_split_keeps_its_rows_and_content_types(cast):
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school)
    with scope(cast.org):
        value = Value.objects.create(organisation=cast.org, key="oppenhet", name="Öppenhet")

    executor = _migrate([(app, None) for app in NEW_APPS] + [BEFORE])
    old = executor.loader.project_state([BEFORE]).apps
    assert not any(model._meta.app_label in NEW_APPS for model in old.get_models()), (
        "the new apps must not exist yet"
    )
    ids = _as_before_the_split()
    now = timezone.now()
    OldAnnouncement = old.get_model("communication", "Announcement")
    OldSubscription = old.get_model("communication", "Subscription")
    OldStory = old.get_model("communication", "Story")
    OldQuote = old.get_model("communication", "Quote")
    OldImage = old.get_model("communication", "StoryImage")
    OldInvitation = old.get_model("communication", "StoryInvitation")
    OldFeedback = old.get_model("communication", "Feedback")
    org = cast.org.pk
    announcement = OldAnnouncement.objects.create(
        organisation_id=org, title="Studiedag", body="Om AI.", to_staff=True, status="published",
        published_at=now, unit_id=cast.school.pk, created_by_id=cast.admin.pk,
    )  # fmt: skip
    OldSubscription.objects.create(
        organisation_id=org, user_id=cast.teacher.pk, feed_token_hash="a" * 64, digest=False
    )
    story = OldStory.objects.create(
        organisation_id=org, title="Kodklubben", body="Det gick bra.", status="published",
        published_at=now, unit_id=cast.school.pk, highlighted=True,
    )  # fmt: skip
    story.goals.add(goal.pk)
    story.values.add(value.pk)
    OldQuote.objects.create(
        organisation_id=org, story=story, text="Roligt!", speaker="Elev i åk 5",
        consent_by="guardian", consent_at=now,
    )  # fmt: skip
    OldImage.objects.create(
        organisation_id=org, story=story, file="stories/2026/bild.png", content_type="image/png",
        alt_text="Barn vid datorer",
    )  # fmt: skip
    OldInvitation.objects.create(organisation_id=org, goal_id=goal.pk, target_key="k" * 64)
    OldFeedback.objects.create(
        organisation_id=org, message="Bra wifi nu.", status="published", answer="Tack!",
        answered_at=now, unit_id=cast.school.pk,
    )  # fmt: skip

    executor = _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    assert not executor.migration_plan(executor.loader.graph.leaf_nodes())
    with scope(cast.org):
        moved = Announcement.objects.get()
        assert (moved.pk, moved.title, moved.unit, moved.created_by) == (
            announcement.pk, "Studiedag", cast.school, cast.admin,
        )  # fmt: skip
        assert moved.audiences == ["staff"]
        subscription = Subscription.objects.get()
        assert (subscription.user, subscription.digest) == (cast.teacher, False)
        told = Story.objects.get()
        assert (told.pk, told.title, told.highlighted) == (story.pk, "Kodklubben", True)
        assert list(told.goals.all()) == [goal]
        assert list(told.values.all()) == [value]
        assert Quote.objects.get().story == told
        image = StoryImage.objects.get()
        assert (image.story, image.file.name) == (told, "stories/2026/bild.png")
        assert StoryInvitation.objects.get().goal == goal
        feedback = Feedback.objects.get()
        assert (feedback.message, feedback.answer, feedback.unit) == (
            "Bra wifi nu.", "Tack!", cast.school,
        )  # fmt: skip
        assert feedback.answered_at is not None
        assert feedback.answered_at - now < datetime.timedelta(seconds=1)
    for app, models in MOVED.items():
        for model in models:
            content_type = ContentType.objects.get(pk=ids[model])
            assert (content_type.app_label, content_type.model) == (app, model)
            assert content_type.permission_set.filter(codename=f"view_{model}").exists()
    assert not ContentType.objects.filter(app_label="communication").exists()
