"""The public pages: no login, no CSRF token or nonce, ETag and Last-Modified from the data,
304 for an unchanged page, Vary: Accept-Language."""

import pytest
from django.urls import reverse

from malbild.announcements.models import Announcement
from malbild.announcements.tests.builders import make_announcement
from malbild.goals.tests.builders import adopt, make_goal
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def urls(cast):
    adopt(cast.org)
    make_goal(cast.org, cast.school, "Alla elever programmerar", status="active")
    item = make_announcement(cast.org, "Öppet hus", audiences=("public",))
    return [
        reverse("announcements_public:news", args=["mittkoping"]),
        reverse("announcements_public:news_detail", args=["mittkoping", item.pk]),
        reverse("announcements_public:news_atom", args=["mittkoping", "allmanheten"]),
        reverse("goals_public:goals", args=["mittkoping"]),
        reverse("goals_public:unit_goals", args=["mittkoping", cast.school.pk]),
    ]


def test_public_pages_carry_no_token_and_answer_304_when_unchanged(client, cast):
    for url in urls(cast):
        first = client.get(url)
        assert first.status_code == 200, url
        body = first.content.decode()
        assert "csrfmiddlewaretoken" not in body, url
        assert "X-CSRFToken" not in body, url
        assert "nonce" not in body, url
        assert first["ETag"].startswith('"'), url
        assert "Last-Modified" in first, url
        assert "Accept-Language" in first["Vary"], url
        assert "public" in first["Cache-Control"], url
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
        since = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304, url


def test_the_same_data_gives_the_same_bytes(client, cast):
    url = urls(cast)[0]
    assert client.get(url).content == client.get(url).content


def test_a_change_in_the_data_shown_changes_the_etag(client, cast):
    url = urls(cast)[0]
    first = client.get(url)
    make_announcement(cast.org, "Ny nyhet", audiences=("guardians",))
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Ny nyhet" in changed.content.decode()


def test_a_goal_status_change_changes_the_unit_page(client, cast):
    url = urls(cast)[4]
    first = client.get(url)
    with scope(cast.org):
        from malbild.goals.models import Goal

        Goal.objects.update(light=Goal.Light.AT_RISK)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_another_language_is_another_version(client, cast):
    url = urls(cast)[0]
    first = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en", HTTP_IF_NONE_MATCH=first["ETag"])
    assert english.status_code == 200
    assert english["ETag"] != first["ETag"]


def test_drafts_and_member_only_audiences_are_not_public(client, cast):
    make_announcement(cast.org, "Bara personal", audiences=("staff",))
    make_announcement(cast.org, "Utkast till alla", audiences=("public",), published=False)
    body = client.get(reverse("announcements_public:news", args=["mittkoping"])).content.decode()
    assert "Bara personal" not in body
    assert "Utkast till alla" not in body
    with scope(cast.org):
        staff = Announcement.objects.get(title="Bara personal")
    url = reverse("announcements_public:news_detail", args=["mittkoping", staff.pk])
    assert client.get(url).status_code == 404


def test_public_pages_advertise_their_feeds_and_describe_themselves(client, cast):
    body = client.get(reverse("announcements_public:news", args=["mittkoping"])).content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in body
    assert '<meta name="description"' in body
    assert '<meta property="og:title" content="' in body


def test_an_organisation_without_public_pages_answers_404(client, cast):
    cast.org.has_public_pages = False
    cast.org.save()
    assert client.get(reverse("announcements_public:news", args=["mittkoping"])).status_code == 404


def test_the_language_page_returns_only_to_this_site(client, cast):
    url = reverse("dashboards_public:language", args=["mittkoping"])
    body = client.get(url + "?next=https://evil.example/").content.decode()
    assert 'value="https://evil.example/"' not in body
    assert 'name="next" value="/offentlig/mittkoping/"' in body


def test_public_lists_keep_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    adopt(cast.org)
    for i in range(55):
        make_announcement(cast.org, f"Nyhet {i}", audiences=("public",), unit=cast.school)
    with django_assert_max_num_queries(8):
        assert (
            client.get(reverse("announcements_public:news", args=["mittkoping"])).status_code == 200
        )
    with django_assert_max_num_queries(8):
        assert client.get(reverse("goals_public:goals", args=["mittkoping"])).status_code == 200
