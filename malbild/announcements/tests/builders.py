"""Small builders for the announcements tests; they write with the models directly."""

from typing import Any

from django.utils import timezone

from malbild.announcements.models import Announcement, Subscription
from malbild.announcements.services import token_hash
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope


def make_announcement(
    org: Organisation,
    title: str = "Nya lärplattor till hösten",
    *,
    audiences: tuple[str, ...] = ("staff",),
    unit: OrgUnit | None = None,
    published: bool = True,
    **fields: Any,
) -> Announcement:
    with scope(org):
        return Announcement.objects.create(
            organisation=org,
            title=title,
            summary=fields.pop("summary", "Kort om det nya."),
            body=fields.pop("body", "Alla elever i åk 4–6 får en egen lärplatta."),
            unit=unit,
            status=Announcement.Status.PUBLISHED if published else Announcement.Status.DRAFT,
            published_at=timezone.now() if published else None,
            **{f"to_{a}": True for a in audiences},
            **fields,
        )


TEST_TOKEN = "hemlig-token-123"


def give_feed_token(org: Organisation, user: Any, token: str = TEST_TOKEN) -> str:
    with scope(org):
        Subscription.objects.update_or_create(
            organisation=org,
            user=user,
            defaults={
                "feed_token_hash": token_hash(token),
                "feed_token_created_at": timezone.now(),
            },
        )
    return token


# A real 1×1 PNG, JPEG head and WebP head: the checks read the first bytes.
