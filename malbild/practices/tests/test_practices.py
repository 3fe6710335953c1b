"""Writing, sharing and reading practices: the own pages, the library and the public pages."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.practices.models import Practice, PracticeComment
from malbild.practices.tests.builders import make_practice
from malbild.practices.tests.matrix import practice_data
from malbild.tenants.scope import scope

SHARED = Practice.State.SHARED
PUBLIC = Practice.State.PUBLIC


def own(name, *args):
    return reverse(f"practices:{name}", args=["mittkoping", *args])


@pytest.mark.django_db
def test_a_rektor_writes_a_draft_that_only_the_own_organisation_reads(client, cast):
    make_practice(cast.org, cast.school, "Något annat")  # the focus areas exist
    client.force_login(cast.rektor)
    response = client.post(own("create"), practice_data(cast))
    with scope(cast.org):
        practice = Practice.objects.get(title="Digitala lektionsbesök")
        assert [t.text for t in practice.tips.all()] == [
            "Boka besöken i förväg", "Ge återkoppling samma vecka",
        ]  # fmt: skip
    assert response["Location"] == own("detail", practice.pk)
    assert practice.state == Practice.State.DRAFT
    client.force_login(cast.ekby_admin)
    assert client.get(reverse("practices_shared:detail", args=[practice.pk])).status_code == 404
    assert client.get(own("detail", practice.pk)).status_code == 404


@pytest.mark.django_db
def test_scripts_in_a_practice_never_reach_a_page(client, cast):
    practice = make_practice(
        cast.org, cast.school, "Säker <script>alert(1)</script>", state=PUBLIC,
        details='Hej <script>alert("x")</script> [länk](javascript:alert(1)) '
                '<img src=x onerror=alert(1)>',
        tips=("<b onmouseover=alert(1)>tips</b>",),
    )  # fmt: skip
    client.force_login(cast.admin)
    pages = [
        own("detail", practice.pk),
        reverse("practices_shared:detail", args=[practice.pk]),
        reverse("practices_public:detail", args=["mittkoping", practice.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html
        assert 'href="javascript' not in html
        assert "<img" not in html
        assert "<b onmouseover" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title, as text


@pytest.mark.django_db
def test_publishing_needs_the_right(client, cast):
    practice = make_practice(cast.org, cast.school)
    client.force_login(cast.rektor)  # may write it, not share it
    response = client.post(own("set_state", practice.pk), {"state": "public"})
    assert response.status_code == 403
    with scope(cast.org):
        practice.refresh_from_db()
    assert practice.state == Practice.State.DRAFT
    assert "Publish" not in client.get(own("detail", practice.pk)).content.decode()


@pytest.mark.django_db
def test_an_admin_shares_then_publishes_and_withdraws(client, cast):
    practice = make_practice(cast.org, cast.school)
    client.force_login(cast.admin)
    client.post(own("set_state", practice.pk), {"state": "shared"})
    with scope(cast.org):
        practice.refresh_from_db()
    assert practice.state == SHARED
    assert practice.shared_at is not None
    public = reverse("practices_public:detail", args=["mittkoping", practice.pk])
    client.logout()
    assert client.get(public).status_code == 404  # shared is not public
    client.force_login(cast.admin)
    client.post(own("set_state", practice.pk), {"state": "public"})
    client.logout()
    assert client.get(public).status_code == 200
    client.force_login(cast.admin)
    client.post(own("set_state", practice.pk), {"state": "draft"})
    client.logout()
    assert client.get(public).status_code == 404
    actions = [e.action for e in audit_events(target_id=str(practice.pk))]
    assert {"practices.shared", "practices.made_public", "practices.withdrawn"} <= set(actions)


@pytest.mark.django_db
def test_another_organisations_practice_answers_404_to_edit(client, cast):
    ekby = make_practice(cast.ekby, cast.ekby_root, "Ekbys praxis", state=SHARED)
    make_practice(cast.org, cast.school)  # Mittköping's focus areas
    client.force_login(cast.admin)
    assert client.get(own("edit", ekby.pk)).status_code == 404
    assert client.post(own("edit", ekby.pk), practice_data(cast)).status_code == 404
    assert client.post(own("set_state", ekby.pk), {"state": "draft"}).status_code == 404
    with scope(cast.ekby):
        ekby.refresh_from_db()
    assert ekby.title == "Ekbys praxis"
    assert ekby.state == SHARED


@pytest.mark.django_db
def test_a_duplicate_title_is_refused_with_a_message(client, cast):
    make_practice(cast.org, cast.school, "Digitala lektionsbesök")
    client.force_login(cast.admin)
    response = client.post(own("create"), practice_data(cast))
    assert response.status_code == 200
    assert "already a practice called" in response.content.decode()


@pytest.mark.django_db
def test_a_comment_is_stored_with_the_commenters_organisation(client, cast):
    practice = make_practice(cast.org, cast.school, state=SHARED)
    client.force_login(cast.ekby_admin)
    url = reverse("practices:comment", args=["ekby", practice.pk])
    response = client.post(url, {"kind": "question", "body": "Hur lång tid tog det?"})
    assert response.status_code == 302
    with scope(cast.ekby):
        comment = PracticeComment.objects.get()
    assert comment.organisation == cast.ekby
    assert comment.practice == practice
    client.force_login(cast.admin)  # the publisher reads it on its own page
    assert "Hur lång tid tog det?" in client.get(own("detail", practice.pk)).content.decode()


@pytest.mark.django_db
def test_an_empty_comment_changes_nothing(client, cast):
    practice = make_practice(cast.org, cast.school, state=SHARED)
    client.force_login(cast.ekby_admin)
    client.post(reverse("practices:comment", args=["ekby", practice.pk]), {"body": "  "})
    with scope(cast.ekby):
        assert not PracticeComment.objects.exists()


@pytest.mark.django_db
def test_a_draft_cannot_be_commented_on(client, cast):
    practice = make_practice(cast.org, cast.school)
    client.force_login(cast.ekby_admin)
    url = reverse("practices:comment", args=["ekby", practice.pk])
    assert client.post(url, {"kind": "comment", "body": "Hej"}).status_code == 404


@pytest.mark.django_db
def test_the_library_filters_by_key_area_organisation_and_kind_of_unit(client, cast):
    make_practice(cast.org, cast.school, "Skolans ledning", state=SHARED)
    make_practice(cast.org, cast.root, "Förvaltningens ledning", state=SHARED)
    make_practice(cast.ekby, cast.ekby_school, "Ekbys ledning", state=SHARED)
    make_practice(
        cast.ekby, cast.ekby_school, "Ekbys nät", state=SHARED, area="Infrastruktur", tips=()
    )
    client.force_login(cast.teacher)
    url = reverse("practices_shared:library")

    def found(**params):
        page = client.get(url, params).context["page"]
        return {p.title for p in page.object_list}

    assert found(area="Infrastruktur") == {"Ekbys nät"}
    assert found(org="ekby", area="Ledning") == {"Ekbys ledning"}
    assert found(kind="forvaltning") == {"Förvaltningens ledning"}
    assert found(q="ledning", kind="skola") == {"Skolans ledning", "Ekbys ledning"}
    assert found(area="Finns inte") == {  # an unknown filter is ignored
        "Skolans ledning", "Förvaltningens ledning", "Ekbys ledning", "Ekbys nät",
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("query", ['"', "AND", "c++", "IT-strategi", "OR ( NEAR", "'"])
def test_odd_search_strings_answer_a_page(client, cast, query):
    make_practice(cast.org, cast.school, "En IT-strategi", state=PUBLIC)
    client.force_login(cast.teacher)
    for url in (
        reverse("practices_shared:library"),
        own("list"),
        reverse("practices_public:list", args=["mittkoping"]),
    ):
        assert client.get(url, {"q": query}).status_code == 200


@pytest.mark.django_db
def test_the_library_takes_the_same_number_of_queries_for_many_practices(
    client, cast, django_assert_max_num_queries
):
    for i in range(60):
        make_practice(cast.ekby, cast.ekby_school, f"Praxis {i}", state=SHARED)
    client.force_login(cast.teacher)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("practices_shared:library"), {"q": "praxis"}).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(own("list")).status_code == 200
    client.logout()
    with django_assert_max_num_queries(8):
        response = client.get(reverse("practices_public:list", args=["ekby"]))
        assert response.status_code == 200


@pytest.mark.django_db
def test_an_anonymous_visitor_finds_public_practices_from_the_start_page(client, cast):
    make_practice(cast.org, cast.school, "Offentlig praxis", state=PUBLIC)
    make_practice(cast.org, cast.school, "Delad praxis", state=SHARED)
    home = client.get(reverse("dashboards_public:home", args=["mittkoping"])).content.decode()
    listing = reverse("practices_public:list", args=["mittkoping"])
    assert listing in home
    html = client.get(listing).content.decode()
    assert "Offentlig praxis" in html
    assert "Delad praxis" not in html
