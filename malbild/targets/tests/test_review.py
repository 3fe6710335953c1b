"""Revisiting the adopted målbild: kept with a new review date, or revised into a new draft."""

import pytest
from django.urls import reverse

from malbild.targets.models import Review, TargetVision
from malbild.targets.tests.builders import adopted_and_draft, fresh, make_version, versions
from malbild.targets.tests.matrix import in_days
from malbild.tenants.scope import scope

Status = TargetVision.Status


def url(name, *args):
    return reverse(f"targets:{name}", args=["mittkoping", *args])


def reviews(org):
    with scope(org):
        return list(Review.objects.all())


@pytest.mark.django_db
def test_a_kept_målbild_gets_its_next_review_date(client, cast):
    version = make_version(cast.org, 1, Status.ADOPTED, review_flag="Skollagen ändras.")
    client.force_login(cast.admin)
    assert client.get(url("review")).status_code == 200
    data = {"outcome": "kept", "reasoning": "Den håller än.", "next_review_date": in_days(400)}
    response = client.post(url("review"), data)
    assert response.status_code == 302
    assert response["Location"] == url("detail")
    assert fresh(version).review_date.isoformat() == in_days(400)
    assert fresh(version).review_flag == ""
    (review,) = reviews(cast.org)
    assert review.outcome == "kept"
    assert review.reviewed_by == cast.admin
    assert "Den håller än." in client.get(url("version", 1)).content.decode()


@pytest.mark.django_db
def test_a_revised_målbild_starts_a_new_draft_from_its_text(client, cast):
    version = make_version(cast.org, 1, Status.ADOPTED, title="Målbild i kraft")
    client.force_login(cast.admin)
    response = client.post(url("review"), {"outcome": "revised", "reasoning": "Ny lag."})
    assert response.status_code == 302
    assert response["Location"] == url("edit", 2)
    draft = versions(cast.org)[1]
    assert draft.status == Status.DRAFT
    assert draft.title == "Målbild i kraft"
    assert fresh(version).status == Status.ADOPTED  # in force until the new one is adopted
    (review,) = reviews(cast.org)
    assert review.new_draft == draft


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"outcome": "kept", "reasoning": "Den håller.", "next_review_date": in_days(-1)},
        {"outcome": "kept", "reasoning": "Den håller.", "next_review_date": in_days(0)},
        {"outcome": "kept", "reasoning": "Den håller.", "next_review_date": ""},
        {"outcome": "kept", "reasoning": "   ", "next_review_date": in_days(100)},
        {"outcome": "maybe", "reasoning": "Hm.", "next_review_date": in_days(100)},
    ],
)
def test_a_bad_review_is_refused_and_changes_nothing(client, cast, data):
    version = make_version(cast.org, 1, Status.ADOPTED)
    client.force_login(cast.admin)
    response = client.post(url("review"), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert fresh(version).review_date == version.review_date
    assert reviews(cast.org) == []


@pytest.mark.django_db
def test_a_revision_while_a_draft_is_open_is_refused(client, cast):
    adopted_and_draft(cast.org)
    client.force_login(cast.admin)
    response = client.post(url("review"), {"outcome": "revised", "reasoning": "Ny lag."})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert len(versions(cast.org)) == 2
    assert reviews(cast.org) == []


@pytest.mark.django_db
def test_there_is_nothing_to_review_before_anything_is_adopted(client, cast):
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.admin)
    assert client.get(url("review")).status_code == 400
    assert client.post(url("review"), {"outcome": "revised", "reasoning": "x"}).status_code == 400
    assert reviews(cast.org) == []
