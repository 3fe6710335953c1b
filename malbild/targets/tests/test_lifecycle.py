"""The målbild's whole life through the pages: draft → edit → propose → discuss → adopt."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.platforms.models import Decision
from malbild.targets.models import Comment, FocusArea, Investment, TargetVision
from malbild.targets.tests.builders import (
    adopted_and_draft,
    fresh,
    make_comment,
    make_investment,
    make_version,
    versions,
)
from malbild.targets.tests.matrix import adopt_data, in_days
from malbild.tenants.scope import scope

Status = TargetVision.Status


def url(name, *args):
    return reverse(f"targets:{name}", args=["mittkoping", *args])


def edit_data(cast, version, **overrides):
    with scope(cast.org):
        areas = [a.pk for a in FocusArea.objects.all()[:2]]
    return {
        "title": "Digitalt lärande för alla 2026–2029",
        "statement": "Alla elever **lyckas** med stöd av digitala verktyg.",
        "start_year": 2026,
        "end_year": 2029,
        "change_motive": "Omvärlden förändras och skolan måste följa med.",
        "if_nothing_changes": "Eleverna får olika förutsättningar.",
        "focus_areas": areas,
        "lock_version": version.lock_version,
        **overrides,
    }


@pytest.mark.django_db
def test_an_admin_proposes_politicians_and_teachers_discuss_and_an_elected_member_adopts(
    client, cast
):
    client.force_login(cast.admin)
    response = client.post(url("draft_start"))
    draft = versions(cast.org)[0]
    assert response.status_code == 302
    assert response["Location"] == url("edit", draft.number)
    assert draft.status == Status.DRAFT
    assert draft.number == 1
    assert draft.statement  # a starter text to write over, never an empty målbild
    assert client.get(url("edit", 1)).status_code == 200

    response = client.post(url("edit", 1), edit_data(cast, draft))
    assert response.status_code == 302
    response = client.post(
        url("investment_create", 1),
        {
            "title": "En dator per elev",
            "amount_per_year": "1 500 000",
            "start_year": 2026,
            "end_year": 2029,
            "expected_gains": "Likvärdig tillgång för alla elever.",
        },
    )
    assert response.status_code == 302
    assert client.post(url("propose", 1)).status_code == 302
    assert fresh(draft).status == Status.PROPOSED

    for person, text in [(cast.elected, "Vad kostar det?"), (cast.teacher, "Bra för eleverna.")]:
        client.force_login(person)
        response = client.post(url("comment", 1), {"body": text})
        assert response.status_code == 302
    html = client.get(url("version", 1)).content.decode()
    assert "Vad kostar det?" in html
    assert "Bra för eleverna." in html
    assert "Per Politiker" in html
    assert "Lars Lärare" in html

    client.force_login(cast.elected)
    page = client.get(url("adopt", 1))
    assert page.status_code == 200
    assert page.context["on_behalf"] is False
    response = client.post(url("adopt", 1), adopt_data(cast))
    assert response.status_code == 302
    assert response["Location"] == url("detail")

    adopted = fresh(draft)
    assert adopted.status == Status.ADOPTED
    assert adopted.proposed_by == cast.admin
    with scope(cast.org):
        decision = Decision.objects.get()
    assert decision.made_by == cast.elected
    assert decision.recorded_on_behalf is False
    assert decision.proposed_by == cast.admin
    assert decision.body == "Barn- och utbildningsnämnden"
    assert decision.reference == "§ 42"
    assert adopted.review_date.isoformat() == in_days(365)

    client.force_login(cast.teacher)
    html = client.get(url("detail")).content.decode()
    assert "Digitalt lärande för alla 2026–2029" in html
    assert "<strong>lyckas</strong>" in html
    assert "2026–2029" in html
    assert "En dator per elev" in html
    assert "Barn- och utbildningsnämnden" in html
    assert "§ 42" in html
    assert "Per Politiker" in html
    actions = [e.action for e in audit_events(organisation=cast.org)]
    for action in ["targets.draft_started", "targets.draft_saved", "targets.investment_saved",
                   "targets.proposed", "targets.commented", "targets.adopted"]:  # fmt: skip
        assert action in actions


@pytest.mark.django_db
def test_an_admin_records_the_bodys_decision_on_its_behalf_and_the_record_says_so(client, cast):
    version = make_version(cast.org, 1, Status.PROPOSED, proposed_by=cast.admin)
    client.force_login(cast.admin)
    page = client.get(url("adopt", 1))
    assert page.status_code == 200
    assert page.context["on_behalf"] is True
    assert client.post(url("adopt", 1), adopt_data(cast)).status_code == 302
    assert fresh(version).status == Status.ADOPTED
    with scope(cast.org):
        decision = Decision.objects.get()
    assert decision.recorded_on_behalf is True
    assert decision.made_by == cast.admin
    client.force_login(cast.reader)
    html = client.get(url("detail")).content.decode()
    assert "Anna Admin" in html
    assert client.get(url("detail")).context["current"].decision.recorded_on_behalf


@pytest.mark.django_db
def test_adopting_a_new_version_supersedes_the_one_in_force(client, cast):
    first = make_version(cast.org, 1, Status.ADOPTED)
    second = make_version(cast.org, 2, Status.PROPOSED, based_on=first, title="Nästa steg")
    client.force_login(cast.elected)
    assert client.post(url("adopt", 2), adopt_data(cast)).status_code == 302
    assert fresh(first).status == Status.SUPERSEDED
    assert fresh(first).superseded_at is not None
    assert fresh(second).status == Status.ADOPTED
    html = client.get(url("detail")).content.decode()
    assert "Nästa steg" in html
    assert url("version", 1) in html  # the earlier version is kept and listed


@pytest.mark.django_db
def test_a_new_version_starts_from_the_text_and_investments_in_force(client, cast):
    first = make_version(cast.org, 1, Status.ADOPTED, title="Målbild i kraft")
    make_investment(first, title="Fortbildning")
    client.force_login(cast.admin)
    response = client.post(url("draft_start"))
    assert response["Location"] == url("edit", 2)
    second = versions(cast.org)[1]
    assert second.title == "Målbild i kraft"
    assert second.based_on == first
    with scope(cast.org):
        assert list(
            Investment.objects.filter(target_vision=second).values_list("title", flat=True)
        ) == ["Fortbildning"]


@pytest.mark.django_db
def test_a_second_version_cannot_start_while_one_is_open(client, cast):
    adopted_and_draft(cast.org)
    client.force_login(cast.admin)
    response = client.post(url("draft_start"), follow=True)
    assert response.redirect_chain[-1][0] == url("version", 2)
    assert "message--error" in response.content.decode()
    assert len(versions(cast.org)) == 2


@pytest.mark.django_db
def test_the_start_button_shows_only_to_admins_and_only_when_nothing_is_open(client, cast):
    client.force_login(cast.admin)
    assert url("draft_start") in client.get(url("detail")).content.decode()
    client.force_login(cast.elected)
    assert url("draft_start") not in client.get(url("detail")).content.decode()
    adopted_and_draft(cast.org)
    client.force_login(cast.admin)
    html = client.get(url("detail")).content.decode()
    assert url("draft_start") not in html
    assert url("review") in html
    assert url("version", 2) in html  # the open draft


@pytest.mark.django_db
def test_an_incomplete_draft_is_not_proposed_and_says_what_is_missing(client, cast):
    draft = make_version(cast.org, 1, Status.DRAFT, change_motive="  ")
    with scope(cast.org):
        draft.focus_areas.clear()
    client.force_login(cast.admin)
    response = client.post(url("propose", 1), follow=True)
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 2
    assert fresh(draft).status == Status.DRAFT


@pytest.mark.django_db
def test_a_proposal_withdrawn_to_draft_keeps_its_discussion(client, cast):
    version = make_version(cast.org, 1, Status.PROPOSED)
    make_comment(version, cast.elected, "Vi behöver mer tid.")
    client.force_login(cast.admin)
    assert client.post(url("withdraw", 1)).status_code == 302
    assert fresh(version).status == Status.DRAFT
    html = client.get(url("version", 1)).content.decode()
    assert "Vi behöver mer tid." in html
    # Withdrawing again is refused with a message, and changes nothing.
    response = client.post(url("withdraw", 1), follow=True)
    assert "message--error" in response.content.decode()
    with scope(cast.org):
        assert Comment.objects.count() == 1
