"""Comparing a version with the one before it, word by word."""

import pytest
from django.urls import reverse

from malbild.targets.models import TargetVision
from malbild.targets.tests.builders import make_investment, make_version

Status = TargetVision.Status


def url(name, *args):
    return reverse(f"targets:{name}", args=["mittkoping", *args])


@pytest.fixture
def two_versions(cast):
    first = make_version(
        cast.org, 1, Status.SUPERSEDED, statement="Alla elever lyckas i skolan.", end_year=2027
    )
    make_investment(first, "Datorer")
    make_investment(first, "Support", amount_per_year=100_000)
    second = make_version(
        cast.org,
        2,
        Status.ADOPTED,
        based_on=first,
        title=first.title,
        statement="Alla elever och lärare lyckas i skolan.",
    )
    make_investment(second, "Support", amount_per_year=200_000)
    make_investment(second, "Fortbildning")
    return first, second


@pytest.mark.django_db
def test_the_comparison_marks_added_and_removed_words_for_eyes_and_screen_readers(
    client, cast, two_versions
):
    client.force_login(cast.teacher)
    response = client.get(url("compare", 2))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<ins><span class="visually-hidden">' in html
    assert "och lärare</ins>" in html
    assert '<del><span class="visually-hidden">' in html
    assert "2027</del>" in html
    assert "2028</ins>" in html
    fields = {str(f["label"]): f["changed"] for f in response.context["fields"]}
    assert list(fields.values()) == [False, True, True, False, False]  # title unchanged


@pytest.mark.django_db
def test_the_comparison_lists_investments_added_removed_and_changed(client, cast, two_versions):
    client.force_login(cast.reader)
    investments = client.get(url("compare", 2)).context["investments"]
    assert investments == {
        "added": ["Fortbildning"],
        "removed": ["Datorer"],
        "changed": ["Support"],
    }


@pytest.mark.django_db
def test_the_comparison_needs_few_queries(
    client, cast, two_versions, django_assert_max_num_queries
):
    client.force_login(cast.reader)
    with django_assert_max_num_queries(10):
        assert client.get(url("compare", 2)).status_code == 200


@pytest.mark.django_db
def test_without_a_based_on_the_version_is_compared_with_the_one_before(client, cast):
    make_version(cast.org, 1, Status.SUPERSEDED, statement="Gammal text.")
    make_version(cast.org, 2, Status.ADOPTED, statement="Ny text.")
    client.force_login(cast.reader)
    response = client.get(url("compare", 2))
    assert response.context["previous"].number == 1


@pytest.mark.django_db
def test_the_first_version_has_nothing_to_compare_with(client, cast):
    make_version(cast.org, 1, Status.ADOPTED)
    client.force_login(cast.reader)
    assert client.get(url("compare", 1)).status_code == 404
    assert url("compare", 1) not in client.get(url("version", 1)).content.decode()


@pytest.mark.django_db
def test_every_version_with_a_previous_one_links_to_its_comparison(client, cast, two_versions):
    client.force_login(cast.reader)
    assert url("compare", 2) in client.get(url("version", 2)).content.decode()
