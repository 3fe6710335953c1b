"""The discussion of a proposal, open to every member."""

import pytest
from django.urls import reverse

from malbild.targets.models import Comment, TargetVision
from malbild.targets.tests.builders import make_version

Status = TargetVision.Status


def url(name, *args):
    return reverse(f"targets:{name}", args=["mittkoping", *args])


def comments(org):
    from malbild.tenants.scope import scope

    with scope(org):
        return list(Comment.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["elected", "teacher", "rektor", "reader", "admin"])
def test_every_member_takes_part_in_the_discussion(client, cast, who):
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(getattr(cast, who))
    assert 'name="body"' in client.get(url("version", 1)).content.decode()
    response = client.post(url("comment", 1), {"body": "  Hur når vi förskolorna?  "})
    assert response.status_code == 302
    assert response["Location"].endswith("#discussion")
    (comment,) = comments(cast.org)
    assert comment.body == "Hur når vi förskolorna?"
    assert comment.author == getattr(cast, who)


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_an_empty_or_too_long_comment_is_refused(client, cast, body):
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.teacher)
    response = client.post(url("comment", 1), {"body": body})
    assert response.status_code == 400
    assert "body" in response.context["comment_form"].errors
    assert "error-summary" in response.content.decode()
    assert comments(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.ADOPTED, Status.SUPERSEDED])
def test_a_comment_on_an_adopted_version_is_refused(client, cast, status):
    make_version(cast.org, 1, status)
    client.force_login(cast.elected)
    assert 'name="body"' not in client.get(url("version", 1)).content.decode()
    response = client.post(url("comment", 1), {"body": "För sent?"})
    assert response.status_code == 400
    assert "message--error" in response.content.decode()
    assert comments(cast.org) == []


@pytest.mark.django_db
def test_comments_are_shown_escaped(client, cast):
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.teacher)
    client.post(url("comment", 1), {"body": "<script>alert(1)</script>"})
    html = client.get(url("version", 1)).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_another_organisation_cannot_comment(client, cast):
    make_version(cast.org, 1, Status.PROPOSED)
    client.force_login(cast.ekby_admin)
    assert client.post(url("comment", 1), {"body": "Hej"}).status_code == 404
    assert comments(cast.org) == []
