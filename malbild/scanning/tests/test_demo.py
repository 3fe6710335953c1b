"""The demo's omvärldsbevakning: its signals and discussions, and its two feeds, which the demo
serves itself and only when feeds from private addresses are allowed (never in production)."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from malbild.demo.scanning import SOURCES, feed_bytes
from malbild.goals.models import Evidence
from malbild.scanning import feeds, services
from malbild.scanning.models import FeedItem, FeedSource, Signal
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope
from malbild.tests.test_settings import GOOD_KEY, run_malbild


@pytest.mark.parametrize(("name", "_title"), SOURCES)
def test_the_demo_feeds_are_feeds_with_recent_dates(name, _title):
    feed = feeds.parse(feed_bytes(name))
    assert len(feed.items) >= 3
    newest = max(item.published_at for item in feed.items if item.published_at)
    assert (timezone.now() - newest).days <= 3


@pytest.mark.django_db
def test_the_demo_feeds_are_served_only_when_private_feeds_are_allowed(client, settings):
    path = reverse("demo_feed", args=["skolnytt"])
    assert client.get(path).status_code == 404
    settings.FEED_ALLOW_PRIVATE = True
    response = client.get(path)
    assert response.status_code == 200
    assert feeds.parse(response.content).version == "rss20"
    assert client.get(reverse("demo_feed", args=["okand"])).status_code == 404


def test_production_mode_refuses_to_fetch_from_private_addresses(tmp_path):
    result = run_malbild(
        tmp_path, "check", MALBILD_PRODUCTION="1", MALBILD_SECRET_KEY=GOOD_KEY,
        MALBILD_ALLOWED_HOSTS="malbild.example.org", MALBILD_DATABASE_URL="sqlite:////tmp/x.db",
        MALBILD_FEED_ALLOW_PRIVATE="1",
    )  # fmt: skip
    assert result.returncode == 2
    assert "MALBILD_FEED_ALLOW_PRIVATE is for the local demo only" in result.stderr


def test_mittkoping_discusses_signals_across_politics_administration_and_schools(demo):
    call_command("demo", "--no-serve", "--port", "8123")
    organisation = Organisation.objects.get(slug="mittkoping")
    with scope(organisation):
        signals = list(Signal.objects.prefetch_related("comments"))
        assert len(signals) >= 4
        ai = Signal.objects.get(title__startswith="Generativ AI")
        groups = {g.key: g.people for g in services.participants(ai, list(ai.comments.all()))}
        assert groups["politics"]
        assert groups["administration"]
        assert groups["schools"]
        assert ai.ratings.count() == 4
        assert ai.state == Signal.State.ACTED_ON
        assert Evidence.objects.filter(signal=ai).exists()
        assert FeedSource.objects.count() == 2
        assert all(":8123/demo-floden/" in s.url for s in FeedSource.objects.all())
        assert FeedItem.objects.filter(status=FeedItem.Status.CANDIDATE).count() >= 5
        assert FeedItem.objects.filter(status=FeedItem.Status.TAKEN).count() == 1
        assert Membership.objects.filter(role="elected").exists()
    call_command("demo", "--no-serve")
    with scope(organisation):
        assert Signal.objects.count() == len(signals)  # loading twice changes nothing
