"""Keys and an organisation with something in every list, for the API tests."""

from typing import Any

from django.test import Client
from django.utils import timezone

from conftest import Cast
from malbild.announcements.models import Announcement
from malbild.api import tokens
from malbild.api.models import ApiToken
from malbild.followup.tests.builders import make_period, make_report
from malbild.followup.tests.builders import world as followup_world
from malbild.goals.tests.builders import link, make_indicator, measure
from malbild.plans.models import Activity
from malbild.plans.tests.builders import make_activity
from malbild.platforms.tests.builders import in_force
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

BASE = "/api/v1/o/mittkoping"


def key(
    cast: Cast, who: str, scope_: str = ApiToken.Scope.READ, org: Organisation | None = None
) -> str:
    """A fresh key for a member of the cast (in Mittköping unless told)."""
    user = getattr(cast, who)
    _token, secret = tokens.create(user, org or cast.org, f"Nyckel {who}", scope_, None)
    return secret


def call(client: Client, method: str, path: str, secret: str | None = None, **data: Any) -> Any:
    """An API request, JSON in and out, in English (the msgids)."""
    headers = {"Accept-Language": "en"}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    if method == "get":
        return client.get(path, data or None, headers=headers)
    return getattr(client, method)(path, data, content_type="application/json", headers=headers)


def world(cast: Cast) -> dict[str, Any]:
    """A platform in force, an adopted målbild with three goals, an indicator with two
    measurements, an activity of Åsens skola owned by the teacher, a draft and a ready report,
    and a published announcement."""
    in_force(cast.org)
    goals = followup_world(cast)
    indicator = make_indicator(cast.org, "DIGKOMP")
    link(goals["asen"], indicator)
    measure(indicator, cast.school, "2024", "55")
    measure(indicator, cast.other_school, "2024", "61.5")
    activity = make_activity(cast.org, cast.school, goals=(goals["asen"],), owner=cast.teacher)
    period = make_period(cast.org)
    draft = make_report(period, goals["asen"])
    ready = make_report(period, goals["berga"], state="ready")
    with scope(cast.org):
        Announcement.objects.create(
            organisation=cast.org, title="Nya datorer till åk 7", summary="Alla får en dator.",
            body="I augusti.", to_staff=True, status=Announcement.Status.PUBLISHED,
            published_at=timezone.now(),
        )  # fmt: skip
    return {
        "goals": goals, "indicator": indicator, "activity": activity,
        "draft": draft, "ready": ready,
    }  # fmt: skip


def fresh_activity(activity: Activity) -> Activity:
    with scope(activity.organisation):
        return Activity.objects.get(pk=activity.pk)
