"""The målbild's page and a version's page: what every member reads."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from malbild.targets.models import TargetVision
from malbild.targets.tests.builders import make_comment, make_investment, make_version

Status = TargetVision.Status


def url(name, *args):
    return reverse(f"targets:{name}", args=["mittkoping", *args])


def history(org, count):
    """`count` versions: superseded ones, then the one in force, then an open draft."""
    for number in range(1, count - 1):
        make_version(org, number, Status.SUPERSEDED)
    adopted = make_version(org, count - 1, Status.ADOPTED)
    for title in ["Datorer", "Fortbildning", "Support"]:
        make_investment(adopted, title)
    make_version(org, count, Status.DRAFT)


@pytest.mark.django_db
def test_nothing_drafted_yet_shows_an_empty_state(client, cast):
    client.force_login(cast.teacher)
    response = client.get(url("detail"))
    assert response.status_code == 200
    assert response.context["current"] is None
    assert response.context["rows"] == []
    assert url("draft_start") not in response.content.decode()
    client.force_login(cast.admin)
    assert url("draft_start") in client.get(url("detail")).content.decode()


@pytest.mark.django_db
def test_every_member_reads_the_målbild_in_full_with_its_decision(client, cast):
    from malbild.steering.tests.builders import make_document

    version = make_version(cast.org, 1, Status.ADOPTED, start_year=2025, end_year=2028)
    make_investment(version, "En dator per elev", amount_per_year=1_000_000)
    version.steering_documents.add(make_document(cast.org, "Skollagen"))
    client.force_login(cast.reader)
    response = client.get(url("detail"))
    html = response.content.decode()
    assert response.context["current"] == version
    assert "2025–2028" in html
    assert "Skollagen" in html
    assert "Kompetens" in html
    assert "En dator per elev" in html
    assert response.context["investments_total"] == 4_000_000
    assert "Barn- och utbildningsnämnden" in html
    assert url("review") not in html  # only admins record reviews


@pytest.mark.django_db
def test_an_overdue_review_is_flagged_in_words_and_with_a_shape(client, cast):
    make_version(cast.org, 1, Status.ADOPTED, review_date=timezone.localdate() - timedelta(days=1))
    client.force_login(cast.teacher)
    response = client.get(url("detail"))
    html = response.content.decode()
    assert response.context["overdue"] is True
    assert "notice--overdue" in html
    assert "notice__shape" in html


@pytest.mark.django_db
def test_a_review_due_later_is_not_flagged(client, cast):
    make_version(cast.org, 1, Status.ADOPTED)
    client.force_login(cast.teacher)
    response = client.get(url("detail"))
    assert response.context["overdue"] is False
    assert "notice--overdue" not in response.content.decode()


@pytest.mark.django_db
def test_the_reason_a_steering_document_gave_for_review_is_shown(client, cast):
    make_version(cast.org, 1, Status.ADOPTED, review_flag="Skollagen <b>ändras</b> 1 juli.")
    client.force_login(cast.teacher)
    html = client.get(url("detail")).content.decode()
    assert "Skollagen &lt;b&gt;ändras&lt;/b&gt; 1 juli." in html


@pytest.mark.django_db
def test_the_history_lists_every_version_with_its_comparison(client, cast):
    history(cast.org, 4)
    client.force_login(cast.teacher)
    html = client.get(url("detail")).content.decode()
    for number in range(1, 5):
        assert url("version", number) in html
    for number in range(2, 5):
        assert url("compare", number) in html
    assert url("compare", 1) not in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 20])
def test_the_målbild_page_uses_the_same_number_of_queries_however_many_versions(
    client, cast, count, django_assert_max_num_queries
):
    history(cast.org, count)
    client.force_login(cast.admin)
    with django_assert_max_num_queries(16):
        response = client.get(url("detail"))
    assert len(response.context["rows"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 30])
def test_a_version_page_uses_the_same_number_of_queries_however_many_comments(
    client, cast, count, django_assert_max_num_queries
):
    version = make_version(cast.org, 1, Status.PROPOSED)
    make_investment(version)
    for i in range(count):
        make_comment(version, cast.elected if i % 2 else cast.teacher, f"Kommentar {i}")
    client.force_login(cast.teacher)
    with django_assert_max_num_queries(16):
        response = client.get(url("version", 1))
    assert len(response.context["comments"].object_list) == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        (Status.DRAFT, ["edit", "propose", "investment_create"], ["withdraw", "adopt"]),
        (Status.PROPOSED, ["withdraw", "adopt", "comment"], ["edit", "propose"]),
        (Status.ADOPTED, [], ["edit", "propose", "withdraw", "adopt", "comment"]),
    ],
)
def test_a_version_page_offers_admins_what_its_status_allows(client, cast, status, shown, hidden):
    make_version(cast.org, 1, status)
    client.force_login(cast.admin)
    html = client.get(url("version", 1)).content.decode()
    for name in shown:
        assert url(name, 1) in html, name
    for name in hidden:
        assert url(name, 1) not in html, name


@pytest.mark.django_db
def test_a_horizon_warning_shows_on_the_draft(client, cast):
    make_version(cast.org, 1, start_year=2025, end_year=2034)
    client.force_login(cast.admin)
    response = client.get(url("version", 1))
    assert response.context["horizon_warning"]
    assert "notice--warning" in response.content.decode()


@pytest.mark.django_db
def test_a_version_that_does_not_exist_is_not_found(client, cast):
    client.force_login(cast.admin)
    assert client.get(url("version", 99)).status_code == 404
