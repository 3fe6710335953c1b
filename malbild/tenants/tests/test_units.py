import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.lib.tests.htmx import htmx
from malbild.tenants.models import OrgUnit
from malbild.tenants.scope import scope, unscoped


def url(name, org, *args):
    return reverse(f"tenants:{name}", args=[org.slug, *args])


def unit_data(**overrides):
    return {
        "name": "Ny skola",
        "kind": "skola",
        "code": "NY",
        "school_unit_code": "",
        "kolada_ou_id": "",
        **overrides,
    }


def fresh(unit):
    with unscoped():
        return OrgUnit.objects.get(pk=unit.pk)


@pytest.mark.django_db
def test_every_member_reads_the_tree_and_any_unit(client, cast):
    client.force_login(cast.teacher)
    response = client.get(url("unit_tree", cast.org))
    assert response.status_code == 200
    assert "Barn- och utbildningsförvaltningen" in response.content.decode()
    # No territorial thinking: the teacher of Åsen reads Berga too.
    assert client.get(url("unit_detail", cast.org, cast.other_school.pk)).status_code == 200


@pytest.mark.django_db
def test_the_tree_opens_one_level_at_a_time_and_finds_by_name(client, cast):
    client.force_login(cast.teacher)
    html = client.get(url("unit_tree", cast.org), {"under": cast.area.pk}).content.decode()
    assert "Åsens skola" in html
    assert "Arbetslag F-3" not in html
    html = client.get(url("unit_tree", cast.org), {"q": "arbetslag"}).content.decode()
    assert "Arbetslag F-3" in html
    assert "Norra området" in html  # the search shows where each hit sits


@pytest.mark.django_db
@pytest.mark.usefixtures("english")
def test_the_search_with_htmx_answers_the_results_and_counts_them(client, cast):
    client.force_login(cast.admin)
    response = client.get(url("unit_tree", cast.org), {"q": "skola"}, **htmx("unit-results"))
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="unit-results">')
    assert "Åsens skola" in html
    assert "Berga skola" in html
    assert "<form" not in html
    assert "Add a top-level unit" not in html  # a search adds nothing
    assert "2 units shown.</div>" in html
    assert "HX-Request" in response["Vary"]
    whole = client.get(url("unit_tree", cast.org)).content.decode()
    assert 'hx-target="#unit-results"' in whole
    assert "Add a top-level unit" in whole


@pytest.mark.django_db
def test_another_organisations_unit_answers_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(url("unit_detail", cast.org, cast.ekby_school.pk)).status_code == 404
    assert client.get(url("unit_tree", cast.org), {"under": cast.ekby_school.pk}).status_code == 404
    response = client.post(url("unit_edit", cast.org, cast.ekby_school.pk), unit_data())
    assert response.status_code == 404
    assert fresh(cast.ekby_school).name == "Ekby skola"


@pytest.mark.django_db
def test_a_non_member_gets_404_and_anonymous_goes_to_login(client, cast):
    response = client.get(url("unit_tree", cast.org))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    client.force_login(cast.ekby_admin)
    assert client.get(url("unit_tree", cast.org)).status_code == 404
    assert client.get(url("unit_detail", cast.org, cast.school.pk)).status_code == 404


@pytest.mark.django_db
def test_an_admin_creates_a_unit_under_another_and_it_is_audited(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        url("unit_create", cast.org) + f"?under={cast.area.pk}",
        unit_data(school_unit_code="12345678"),
    )
    assert response.status_code == 302
    with scope(cast.org):
        unit = OrgUnit.objects.get(code="NY")
    assert unit.parent == cast.area
    assert unit.path == f"{cast.area.path}{unit.pk}/"
    assert audit_events(action="tenants.unit_created", target_id=str(unit.pk))


@pytest.mark.django_db
def test_a_rektor_manages_units_inside_the_school_only(client, cast):
    client.force_login(cast.rektor)
    ok = client.post(
        url("unit_create", cast.org) + f"?under={cast.school.pk}",
        unit_data(name="Arbetslag 4-6", kind="arbetslag", code="ASEN-46"),
    )
    assert ok.status_code == 302
    refused = client.post(
        url("unit_edit", cast.org, cast.other_school.pk), unit_data(name="Min skola nu")
    )
    assert refused.status_code == 403
    assert "Berga skola" in refused.content.decode()
    assert fresh(cast.other_school).name == "Berga skola"
    assert client.get(url("unit_create", cast.org)).status_code == 403  # the top level


@pytest.mark.django_db
def test_a_teacher_may_read_but_not_change(client, cast):
    client.force_login(cast.teacher)
    response = client.post(url("unit_edit", cast.org, cast.team.pk), unit_data(name="X"))
    assert response.status_code == 403
    assert fresh(cast.team).name == "Arbetslag F-3"


@pytest.mark.django_db
def test_two_units_with_the_same_name_under_one_parent_are_refused(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        url("unit_create", cast.org) + f"?under={cast.area.pk}",
        unit_data(name="åsens SKOLA", code="ASEN2"),
    )
    assert response.status_code == 200
    assert "Det finns redan en enhet som heter" in response.content.decode()
    with scope(cast.org):
        assert not OrgUnit.objects.filter(code="ASEN2").exists()


@pytest.mark.django_db
def test_a_code_used_elsewhere_in_the_organisation_is_refused(client, cast):
    client.force_login(cast.admin)
    response = client.post(url("unit_create", cast.org), unit_data(code="asen"))
    assert response.status_code == 200
    with scope(cast.org):
        assert OrgUnit.objects.filter(code__iexact="asen").count() == 1


@pytest.mark.django_db
def test_the_same_code_in_another_organisation_is_fine(client, cast):
    client.force_login(cast.ekby_admin)
    response = client.post(url("unit_create", cast.ekby), unit_data(code="ASEN"))
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        unit_data(name=""),
        unit_data(name="x" * 151),
        unit_data(code="med mellanslag"),
        unit_data(school_unit_code="123"),
        unit_data(kolada_ou_id="nonsense"),
        unit_data(kind="slott"),
    ],
)
def test_bad_unit_input_gets_a_message_and_changes_nothing(client, cast, data):
    client.force_login(cast.admin)
    response = client.post(url("unit_create", cast.org), data)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    with unscoped():
        assert OrgUnit.objects.count() == 7


@pytest.mark.django_db
def test_html_in_a_unit_name_is_shown_as_text(client, cast):
    client.force_login(cast.admin)
    client.post(url("unit_create", cast.org), unit_data(name="<b>Fet</b> skola"))
    html = client.get(url("unit_tree", cast.org)).content.decode()
    assert "&lt;b&gt;Fet&lt;/b&gt; skola" in html


@pytest.mark.django_db
def test_renaming_keeps_the_unit_and_audits_before_and_after(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        url("unit_edit", cast.org, cast.school.pk), unit_data(name="Åsenskolan", code="ASEN")
    )
    assert response.status_code == 302
    assert fresh(cast.school).name == "Åsenskolan"
    event = audit_events(action="tenants.unit_changed")[0]
    assert event.before["name"] == "Åsens skola"
    assert event.after["name"] == "Åsenskolan"


@pytest.mark.django_db
def test_moving_a_unit_moves_its_subtree(client, cast):
    south = make_south_area(cast)
    client.force_login(cast.admin)
    response = client.post(url("unit_move", cast.org, cast.school.pk), {"parent": south.pk})
    assert response.status_code == 302
    school, team = fresh(cast.school), fresh(cast.team)
    assert school.path == f"{south.path}{school.pk}/"
    assert team.path == f"{school.path}{team.pk}/"
    assert team.depth == 3
    assert audit_events(action="tenants.unit_moved")


def make_south_area(cast):
    from conftest import make_unit

    return make_unit(cast.org, "Södra området", cast.root, kind="omrade")


@pytest.mark.django_db
def test_a_unit_cannot_move_under_its_own_descendant(client, cast):
    client.force_login(cast.admin)
    response = client.post(url("unit_move", cast.org, cast.area.pk), {"parent": cast.team.pk})
    assert response.status_code == 200
    assert "kan inte flyttas till sig själv" in response.content.decode()
    assert fresh(cast.area).parent_id == cast.root.pk
    assert fresh(cast.team).path.startswith(fresh(cast.area).path)


@pytest.mark.django_db
def test_moving_under_another_organisations_unit_answers_404(client, cast):
    client.force_login(cast.admin)
    response = client.post(
        url("unit_move", cast.org, cast.school.pk), {"parent": cast.ekby_root.pk}
    )
    assert response.status_code == 404
    assert fresh(cast.school).parent_id == cast.area.pk


@pytest.mark.django_db
def test_a_rektor_cannot_move_their_school_out_of_reach(client, cast):
    client.force_login(cast.rektor)
    response = client.post(
        url("unit_move", cast.org, cast.team.pk), {"parent": cast.other_school.pk}
    )
    assert response.status_code == 200
    assert fresh(cast.team).parent_id == cast.school.pk


@pytest.mark.django_db
def test_archiving_keeps_the_unit_and_refuses_while_units_below_are_active(client, cast):
    client.force_login(cast.admin)
    refused = client.post(url("unit_archive", cast.org, cast.school.pk))
    assert refused.status_code == 400
    assert fresh(cast.school).archived_at is None
    assert client.post(url("unit_archive", cast.org, cast.team.pk)).status_code == 302
    assert fresh(cast.team).archived_at is not None
    html = client.get(url("unit_tree", cast.org), {"under": cast.school.pk}).content.decode()
    assert "Arbetslag F-3</a>" not in html
    assert client.post(url("unit_restore", cast.org, cast.team.pk)).status_code == 302
    assert fresh(cast.team).archived_at is None
    assert [e.action for e in audit_events(action__startswith="tenants.unit_")][:2] == [
        "tenants.unit_restored",
        "tenants.unit_archived",
    ]


@pytest.mark.django_db
def test_archive_needs_a_post(client, cast):
    client.force_login(cast.admin)
    assert client.get(url("unit_archive", cast.org, cast.team.pk)).status_code == 200
    assert fresh(cast.team).archived_at is None
    assert client.get(url("unit_restore", cast.org, cast.team.pk)).status_code == 405


def build_wide_tree(org, parent, count):
    """`count` schools under `parent`, each with one team, written in bulk like an import."""
    with scope(org):
        schools = OrgUnit.objects.bulk_create(
            OrgUnit(organisation=org, parent=parent, name=f"Skola {i:05}", code=f"S{i}",
                    kind="skola", depth=parent.depth + 1, path="/")
            for i in range(count)
        )  # fmt: skip
        for school in schools:
            school.path = f"{parent.path}{school.pk}/"
        OrgUnit.objects.bulk_update(schools, ["path"])
        teams = OrgUnit.objects.bulk_create(
            OrgUnit(organisation=org, parent=s, name="Arbetslag", code=f"T{s.pk}", kind="arbetslag",
                    depth=s.depth + 1, path=f"{s.path}x/")
            for s in schools
        )  # fmt: skip
        return len(schools) + len(teams)


@pytest.mark.django_db
@pytest.mark.parametrize("schools", [3, 10_000])
def test_tree_pages_use_few_queries_whatever_the_size(
    client, cast, django_assert_max_num_queries, schools
):
    # 10,000 schools with a team each: 20,000 units under one area.
    build_wide_tree(cast.org, cast.area, schools)
    client.force_login(cast.admin)
    pages = [
        (url("unit_tree", cast.org), {"under": cast.area.pk}),
        (url("unit_tree", cast.org), {"q": "skola", "page": "2"}),
        (url("unit_detail", cast.org, cast.area.pk), {}),
        (url("unit_tree", cast.org), {}),
    ]
    for target, params in pages:
        with django_assert_max_num_queries(10):
            response = client.get(target, params)
        assert response.status_code == 200
        assert response.content.decode().count("<tr>") <= 51
