"""Feed sources and their candidates: adding (private addresses refused), fetching on the
schedule against a real local server, the last success or error, deduplication, and turning a
candidate into a signal or dismissing it."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.lib.schedule import SCHEDULE
from malbild.scanning import services, tasks
from malbild.scanning.models import FeedItem, FeedSource, Signal
from malbild.scanning.tests.builders import feed_server, fresh, make_item, make_source
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"scanning:{name}", args=["mittkoping", *args])


def items(org):
    with scope(org):
        return list(FeedItem.objects.order_by("id"))


@pytest.mark.parametrize(
    "address", ["http://127.0.0.1/rss.xml", "http://localhost:8000/feed", "http://10.0.0.5/x",
                "http://[::1]/feed"],
)  # fmt: skip
def test_a_feed_on_a_private_address_is_refused_when_added(client, cast, settings, address):
    settings.FEED_ALLOW_PRIVATE = False
    client.force_login(cast.admin)
    response = client.post(url("source_create"), {"name": "Intern", "url": address})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["url"]
    with scope(cast.org):
        assert not FeedSource.objects.exists()


def test_the_same_feed_twice_is_refused(client, cast):
    make_source(cast.org, "https://nyheter.invalid/rss.xml")
    client.force_login(cast.admin)
    response = client.post(url("source_create"),
                           {"name": "Igen", "url": "https://nyheter.invalid/rss.xml"})  # fmt: skip
    assert list(response.context["form"].errors) == ["url"]


def test_the_schedule_fetches_the_sources(cast, settings):
    settings.FEED_ALLOW_PRIVATE = True
    assert any(e.task == "malbild.scanning.tasks.fetch_feeds" for e in SCHEDULE)
    with feed_server() as base:
        good = make_source(cast.org, f"{base}/rss.xml", "Skolnytt")
        bad = make_source(cast.org, f"{base}/page.html", "Webbsida")
        make_source(cast.ekby, f"{base}/atom.xml", "Ekbys")
        assert tasks.fetch_feeds.call() == 3
        assert tasks.fetch_feeds.call() == 0  # not due again yet
    good, bad = fresh(good), fresh(bad)
    assert good.last_success_at is not None
    assert good.last_new_items == 2
    assert not good.failing
    assert bad.failing
    assert "web page (HTML)" in bad.last_error
    assert len(items(cast.org)) == 2
    assert len(items(cast.ekby)) == 1
    assert audit_events(action="scanning.source_failed")


def test_a_fetch_adds_no_item_twice(cast, settings):
    settings.FEED_ALLOW_PRIVATE = True
    with feed_server() as base:
        first = make_source(cast.org, f"{base}/rss.xml", "Skolnytt")
        again = make_source(cast.org, f"{base}/same-host.xml", "Samma igen")
        with scope(cast.org):
            assert services.fetch_source(first) == 2
            assert services.fetch_source(first) == 0
            assert services.fetch_source(again) == 0  # the same links from another source
    assert len(items(cast.org)) == 2


def test_every_source_shows_its_last_success_or_error(client, cast):
    ok = make_source(cast.org, "https://a.invalid/rss", "Fungerar")
    broken = make_source(cast.org, "https://b.invalid/rss", "Trasig")
    with scope(cast.org):
        services.ingest(ok, services.feeds.Feed("x", "rss20"), datetime(2025, 5, 1, tzinfo=UTC))
        services.record_failure(broken, "Servern svarade inte.")
    client.force_login(cast.reader)
    html = client.get(url("sources")).content.decode()
    assert "fetch-status--ok" in html
    assert "Servern svarade inte." in html


def test_a_fetch_asked_for_records_the_error_of_an_unknown_host(client, cast):
    source = make_source(cast.org, "https://nyheter.invalid/rss.xml")
    client.force_login(cast.admin)
    client.post(url("source_fetch", source.pk))
    assert fresh(source).failing


def test_a_candidate_becomes_a_signal(client, cast):
    item = make_item(make_source(cast.org))
    client.force_login(cast.teacher)
    form = client.get(url("candidate_take", item.pk))
    assert form.context["form"].initial["title"] == "Ny rapport om skärmtid"
    response = client.post(url("candidate_take", item.pk), {
        "title": "Ny rapport om skärmtid", "url": item.link, "summary": "", "kind": "research",
        "horizon": "soon"})  # fmt: skip
    assert response.status_code == 302
    item = fresh(item)
    assert item.status == FeedItem.Status.TAKEN
    assert item.signal is not None
    assert client.get(url("candidate_take", item.pk)).status_code == 302  # already taken


def test_a_candidate_is_dismissed_once(client, cast):
    item = make_item(make_source(cast.org))
    client.force_login(cast.teacher)
    client.post(url("candidate_dismiss", item.pk))
    assert fresh(item).status == FeedItem.Status.DISMISSED
    client.post(url("candidate_dismiss", item.pk))
    assert len(audit_events(action="scanning.candidate_dismissed")) == 1
    html = client.get(url("candidates")).content.decode()
    assert 'class="candidate"' not in html


def test_another_organisations_candidate_answers_404(client, cast):
    item = make_item(make_source(cast.ekby))
    client.force_login(cast.admin)
    assert client.post(url("candidate_dismiss", item.pk)).status_code == 404
    assert client.get(url("candidate_take", item.pk)).status_code == 404
    with scope(cast.org):
        assert not Signal.objects.exists()


def test_the_candidates_cost_the_same_for_many(client, cast, django_assert_max_num_queries):
    source = make_source(cast.org)
    for i in range(60):
        make_item(source, f"Nyhet {i}", key=f"k{i}", link=f"https://www.example.org/{i}")
    client.force_login(cast.reader)
    with django_assert_max_num_queries(10):
        response = client.get(url("candidates"))
    assert response.content.decode().count('class="candidate"') == 50
