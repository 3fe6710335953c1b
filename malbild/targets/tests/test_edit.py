"""Editing a draft and its investments: horizons, concurrent edits, Markdown, bad input."""

import pytest
from django.urls import reverse

from conftest import give_role, make_user
from malbild.targets.models import FocusArea, Investment, TargetVision
from malbild.targets.tests.builders import fresh, make_investment, make_version
from malbild.targets.tests.matrix import investment_data, vision_data
from malbild.tenants.scope import scope

Status = TargetVision.Status


def url(name, *args):
    return reverse(f"targets:{name}", args=["mittkoping", *args])


def investments(org):
    with scope(org):
        return list(Investment.objects.all())


def messages_of(response, level):
    return [str(m) for m in response.context["messages"] if m.level_tag == level]


@pytest.mark.django_db
def test_an_admin_saves_the_draft_with_focus_areas_and_steering_documents(client, cast):
    from malbild.steering.tests.builders import make_document

    draft = make_version(cast.org, 1)
    document = make_document(cast.org, "Läroplan för grundskolan")
    with scope(cast.org):
        area = FocusArea.objects.get(name="Kompetens")
    client.force_login(cast.admin)
    data = {**vision_data(cast), "focus_areas": [area.pk], "steering_documents": [document.pk]}
    response = client.post(url("edit", 1), data)
    assert response.status_code == 302
    saved = fresh(draft)
    assert saved.title == "Digitalt lärande 2026–2029"
    assert saved.lock_version == 1
    with scope(cast.org):
        assert list(saved.focus_areas.all()) == [area]
        assert list(saved.steering_documents.all()) == [document]
    html = client.get(url("version", 1)).content.decode()
    assert "Läroplan för grundskolan" in html


@pytest.mark.django_db
def test_a_horizon_that_ends_before_it_starts_is_refused_and_nothing_changes(client, cast):
    draft = make_version(cast.org, 1)
    client.force_login(cast.admin)
    response = client.post(url("edit", 1), {**vision_data(cast), "end_year": 2024})
    assert response.status_code == 200
    assert "end_year" in response.context["form"].errors
    assert fresh(draft).title == draft.title
    assert fresh(draft).lock_version == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "end"), [(2026, 2026), (2026, 2033)])
def test_a_very_short_or_long_horizon_is_saved_with_a_warning(client, cast, start, end):
    draft = make_version(cast.org, 1)
    client.force_login(cast.admin)
    response = client.post(
        url("edit", 1), {**vision_data(cast), "start_year": start, "end_year": end}, follow=True
    )
    assert response.redirect_chain[-1][0] == url("version", 1)
    assert (fresh(draft).start_year, fresh(draft).end_year) == (start, end)
    assert len(messages_of(response, "warning")) == 1
    # The warning stays on the draft's page until the horizon is changed.
    assert "notice--warning" in response.content.decode()


@pytest.mark.django_db
def test_a_usual_horizon_gives_no_warning(client, cast):
    make_version(cast.org, 1)
    client.force_login(cast.admin)
    response = client.post(url("edit", 1), vision_data(cast), follow=True)
    assert messages_of(response, "warning") == []


@pytest.mark.django_db
def test_the_later_of_two_admins_is_told_of_the_earlier_save_and_nothing_is_lost(client, cast):
    second_admin = make_user("admin2@mittkoping.test", "Bo Bengtsson")
    give_role(second_admin, cast.org, "admin")
    draft = make_version(cast.org, 1)
    first = {**vision_data(cast), "statement": "Anna skrev: alla elever lyckas."}
    second = {**vision_data(cast), "statement": "Bo skrev: varje elev når målen."}

    client.force_login(cast.admin)
    assert client.get(url("edit", 1)).status_code == 200
    assert client.post(url("edit", 1), first).status_code == 302  # both opened lock_version 0

    client.force_login(second_admin)
    response = client.post(url("edit", 1), second)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Bo skrev: varje elev når målen." in html  # their own text, still in the form
    assert "Anna skrev: alla elever lyckas." in html  # and what the other saved
    assert "Anna Admin" in html  # and who saved it
    assert response.context["form"]["lock_version"].value() == "1"
    assert fresh(draft).statement == "Anna skrev: alla elever lyckas."

    # Having seen both, the second saves the merged text, which goes through.
    merged = {**second, "statement": "Alla elever lyckas och når målen.", "lock_version": 1}
    assert client.post(url("edit", 1), merged).status_code == 302
    assert fresh(draft).statement == "Alla elever lyckas och når målen."
    assert fresh(draft).lock_version == 2


@pytest.mark.django_db
def test_markdown_with_scripts_is_shown_sanitised(client, cast):
    make_version(cast.org, 1)
    client.force_login(cast.admin)
    statement = (
        "<script>alert('x')</script>\n\n**Alla** elever [lyckas](javascript:alert(1)).\n\n"
        '<img src=x onerror="alert(2)">\n\n# Rubrik'
    )
    client.post(url("edit", 1), {**vision_data(cast), "statement": statement})
    client.force_login(cast.teacher)
    html = client.get(url("version", 1)).content.decode()
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html  # the link is shown as plain text
    assert "<img" not in html
    assert "<strong>Alla</strong>" in html
    assert "<h2>Rubrik</h2>" in html  # the page keeps its one h1
    assert html.count("<h1") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.PROPOSED, Status.ADOPTED])
def test_a_version_that_is_not_a_draft_cannot_be_edited(client, cast, status):
    version = make_version(cast.org, 1, status)
    investment = make_investment(version)
    client.force_login(cast.admin)
    assert client.get(url("edit", 1)).status_code == 400
    assert client.post(url("edit", 1), vision_data(cast)).status_code == 400
    assert client.post(url("investment_create", 1), investment_data(cast)).status_code == 400
    assert (
        client.post(url("investment_edit", 1, investment.pk), investment_data(cast)).status_code
        == 400
    )
    assert client.post(url("investment_delete", 1, investment.pk)).status_code == 400
    assert fresh(version).title == version.title
    assert [i.title for i in investments(cast.org)] == [investment.title]


@pytest.mark.django_db
def test_another_organisations_focus_area_cannot_be_chosen(client, cast):
    draft = make_version(cast.org, 1)
    ekby_draft = make_version(cast.ekby, 1)
    with scope(cast.ekby):
        foreign = ekby_draft.focus_areas.get(name="Ledning")
    client.force_login(cast.admin)
    response = client.post(url("edit", 1), {**vision_data(cast), "focus_areas": [foreign.pk]})
    assert "focus_areas" in response.context["form"].errors
    assert fresh(draft).lock_version == 0


@pytest.mark.django_db
def test_an_admin_adds_edits_and_removes_an_investment(client, cast):
    draft = make_version(cast.org, 1)
    client.force_login(cast.admin)
    response = client.post(url("investment_create", 1), investment_data(cast))
    assert response.status_code == 302
    (investment,) = investments(cast.org)
    assert investment.amount_per_year == 800_000  # "800 000", written with a space
    assert investment.target_vision == draft
    html = client.get(url("version", 1)).content.decode()
    assert "2 400 000" in html or "2\xa0400\xa0000" in html  # three years in total

    data = {**investment_data(cast), "title": "Fortbildning för alla", "amount_per_year": "900000"}
    assert client.post(url("investment_edit", 1, investment.pk), data).status_code == 302
    assert fresh(investment).title == "Fortbildning för alla"

    assert client.post(url("investment_delete", 1, investment.pk)).status_code == 302
    assert investments(cast.org) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "bad",
    [{"end_year": 2024}, {"amount_per_year": "-5"}, {"amount_per_year": "mycket"}, {"title": ""}],
)
def test_a_bad_investment_is_refused_with_a_message(client, cast, bad):
    make_version(cast.org, 1)
    client.force_login(cast.admin)
    response = client.post(url("investment_create", 1), {**investment_data(cast), **bad})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert investments(cast.org) == []


@pytest.mark.django_db
def test_an_investment_of_another_version_is_not_found(client, cast):
    make_version(cast.org, 1, Status.ADOPTED)
    other = make_investment(make_version(cast.org, 2))
    ekby = make_investment(make_version(cast.ekby, 1))
    client.force_login(cast.admin)
    assert client.get(url("investment_edit", 1, other.pk)).status_code == 404
    assert client.get(url("investment_edit", 2, ekby.pk)).status_code == 404
    assert client.post(url("investment_delete", 2, ekby.pk)).status_code == 404
    assert len(investments(cast.ekby)) == 1


@pytest.mark.django_db
def test_the_elected_member_may_read_but_not_edit_a_draft(client, cast):
    make_version(cast.org, 1)
    client.force_login(cast.elected)
    assert client.get(url("version", 1)).status_code == 200
    assert url("edit", 1) not in client.get(url("version", 1)).content.decode()
    assert client.get(url("edit", 1)).status_code == 403
