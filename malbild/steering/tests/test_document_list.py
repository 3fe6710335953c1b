from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from malbild.steering.models import SteeringDocument
from malbild.steering.tests.builders import make_change, make_document
from malbild.tenants.scope import scope


def list_url(org):
    return reverse("steering:list", args=[org.slug])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "reader", "elected", "rektor", "admin"])
def test_every_member_reads_the_documents(client, cast, who):
    document = make_document(cast.org, "Läroplan för grundskolan", kind="curriculum",
                             issuer="Skolverket")  # fmt: skip
    make_change(document, timezone.localdate() - timedelta(days=30), kind="in_force")
    client.force_login(getattr(cast, who))
    response = client.get(list_url(cast.org))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Läroplan för grundskolan" in html
    assert "Skolverket" in html
    assert reverse("steering:detail", args=[cast.org.slug, document.pk]) in html


@pytest.mark.django_db
def test_only_admins_see_the_link_to_add_a_document(client, cast):
    add = reverse("steering:create", args=[cast.org.slug])
    client.force_login(cast.admin)
    assert add in client.get(list_url(cast.org)).content.decode()
    client.force_login(cast.teacher)
    assert add not in client.get(list_url(cast.org)).content.decode()


@pytest.mark.django_db
def test_an_empty_list_has_no_empty_tables(client, cast):
    client.force_login(cast.teacher)
    response = client.get(list_url(cast.org))
    assert response.status_code == 200
    assert "<table" not in response.content.decode()
    assert response.context["coming"] == []
    assert response.context["recent"] == []


@pytest.mark.django_db
def test_the_timeline_shows_only_future_changes_soonest_first(client, cast):
    today = timezone.localdate()
    law = make_document(cast.org, "Skollagen")
    strategy = make_document(cast.org, "Nationell digitaliseringsstrategi", kind="strategy")
    past = make_change(law, today - timedelta(days=10), description="Redan skett.")
    later = make_change(strategy, today + timedelta(days=200), kind="in_force",
                        description="Senare ändring.")  # fmt: skip
    sooner = make_change(law, today + timedelta(days=20), kind="in_force",
                         description="Snar ändring.")  # fmt: skip
    on_the_day = make_change(strategy, today, kind="decided", description="I dag.")
    client.force_login(cast.teacher)
    response = client.get(list_url(cast.org))
    assert response.context["coming"] == [on_the_day, sooner, later]
    assert past not in response.context["coming"]
    timeline = response.content.decode().split('<ol class="timeline">')[1].split("</ol>")[0]
    assert "Redan skett." not in timeline
    assert (
        timeline.index("I dag.")
        < timeline.index("Snar ändring.")
        < timeline.index("Senare ändring.")
    )


@pytest.mark.django_db
def test_recent_changes_are_those_of_the_last_twelve_months_newest_first(client, cast):
    today = timezone.localdate()
    law = make_document(cast.org)
    old = make_change(law, today - timedelta(days=400), description="För länge sedan.")
    spring = make_change(law, today - timedelta(days=100), description="I våras.")
    week = make_change(law, today - timedelta(days=7), description="Förra veckan.")
    coming = make_change(law, today + timedelta(days=7), description="Nästa vecka.")
    client.force_login(cast.reader)
    recent = client.get(list_url(cast.org)).context["recent"]
    assert recent == [week, spring]
    assert old not in recent
    assert coming not in recent


@pytest.mark.django_db
def test_each_document_shows_its_latest_change_so_far(client, cast):
    today = timezone.localdate()
    law = make_document(cast.org, "Skollagen")
    make_document(cast.org, "Lokal IT-plan", kind="policy", level="local")
    make_change(law, today - timedelta(days=300), kind="proposed")
    make_change(law, today - timedelta(days=30), kind="decided")
    make_change(law, today + timedelta(days=30), kind="in_force")
    client.force_login(cast.teacher)
    rows = {d.title: d for d in client.get(list_url(cast.org)).context["page"].object_list}
    assert rows["Skollagen"].latest_kind == "decided"
    assert rows["Skollagen"].latest_date == today - timedelta(days=30)
    assert rows["Lokal IT-plan"].latest_date is None


@pytest.mark.django_db
def test_documents_are_paged_by_fifty(client, cast):
    for i in range(53):
        make_document(cast.org, f"Dokument {i:02}")
    client.force_login(cast.teacher)
    first = client.get(list_url(cast.org))
    assert len(first.context["page"].object_list) == 50
    assert 'aria-label="' in first.content.decode().split('class="pagination"')[1][:40]
    second = client.get(list_url(cast.org), {"page": 2})
    assert [d.title for d in second.context["page"].object_list] == [
        "Dokument 50", "Dokument 51", "Dokument 52"
    ]  # fmt: skip


@pytest.mark.django_db
def test_another_organisation_gets_404(client, cast):
    make_document(cast.org)
    client.force_login(cast.ekby_admin)
    assert client.get(list_url(cast.org)).status_code == 404
    # Ekby's own list does not show Mittköping's documents.
    response = client.get(list_url(cast.ekby))
    assert response.status_code == 200
    assert "Skollagen" not in response.content.decode()


def fill(org, start, stop):
    today = timezone.localdate()
    for i in range(start, stop):
        document = make_document(org, f"Dokument {i:03}")
        make_change(document, today - timedelta(days=i + 1))
        make_change(document, today + timedelta(days=i + 1), kind="in_force")


@pytest.mark.django_db
def test_the_list_takes_as_many_queries_for_3_documents_as_for_60(
    client, cast, django_assert_max_num_queries
):
    client.force_login(cast.teacher)
    fill(cast.org, 0, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(list_url(cast.org)).status_code == 200
    fill(cast.org, 3, 60)
    with scope(cast.org):
        assert SteeringDocument.objects.count() == 60
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(list_url(cast.org))
    assert len(response.context["page"].object_list) == 50
    assert len(small.captured_queries) <= 10
