"""Evidence: research, a change in a steering document, data from an indicator, and the general
references (self-assessment results, signals); removing it."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals import progress
from malbild.goals.models import Evidence, Goal, GoalIndicator
from malbild.goals.tests.builders import (
    add_research,
    adopt,
    evidence,
    fresh,
    link,
    make_goal,
    make_indicator,
    measure,
)
from malbild.steering.tests.builders import make_change, make_document
from malbild.tenants.scope import scope

Kind = Evidence.Kind


def add_url(goal, kind="", org="mittkoping"):
    address = reverse("goals:evidence_add", args=[org, goal.pk])
    return f"{address}?typ={kind}" if kind else address


def remove_url(goal, item, org="mittkoping"):
    return reverse("goals:evidence_remove", args=[org, goal.pk, item.pk])


RESEARCH = {
    "title": "Digitala verktyg och elevers lärande",
    "url": "",
    "doi": "",
    "summary": "Det är hur verktygen används som gör skillnad.",
}


@pytest.fixture
def goal(cast):
    adopt(cast.org)
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    return make_goal(cast.org, cast.school, "Åsens elever skapar digitalt", parent=top)


@pytest.mark.django_db
def test_the_page_first_asks_for_the_kind_of_evidence(client, cast, goal):
    client.force_login(cast.rektor)
    response = client.get(add_url(goal))
    assert response.status_code == 200
    html = response.content.decode()
    for kind in ("indicator", "research", "steering", "assessment", "signal"):
        assert f'href="?typ={kind}"' in html
    assert client.get(add_url(goal, "gissning")).status_code == 404


@pytest.mark.django_db
def test_research_needs_a_link_or_a_doi(client, cast, goal):
    client.force_login(cast.rektor)
    response = client.post(add_url(goal, "research"), RESEARCH)
    assert response.status_code == 200
    assert "url" in response.context["form"].errors
    assert evidence(goal) == []
    assert audit_events(action="goals.evidence_added") == []


@pytest.mark.django_db
def test_research_with_a_link_is_added(client, cast, goal):
    client.force_login(cast.rektor)
    data = {**RESEARCH, "url": "https://www.skolverket.se/forskning"}
    response = client.post(add_url(goal, "research"), data)
    assert response.status_code == 302
    assert response["Location"].endswith("#evidence")
    (item,) = evidence(goal)
    assert item.kind == Kind.RESEARCH
    assert item.url == "https://www.skolverket.se/forskning"
    assert item.added_by == cast.rektor
    assert len(audit_events(action="goals.evidence_added")) == 1
    html = client.get(reverse("goals:detail", args=["mittkoping", goal.pk])).content.decode()
    assert 'href="https://www.skolverket.se/forskning"' in html


@pytest.mark.django_db
def test_research_with_a_doi_alone_is_added_and_the_doi_kept_plain(client, cast, goal):
    client.force_login(cast.rektor)
    data = {**RESEARCH, "doi": "https://doi.org/10.1016/j.compedu.2020.103987"}
    assert client.post(add_url(goal, "research"), data).status_code == 302
    (item,) = evidence(goal)
    assert item.doi == "10.1016/j.compedu.2020.103987"
    html = client.get(reverse("goals:detail", args=["mittkoping", goal.pk])).content.decode()
    assert 'href="https://doi.org/10.1016/j.compedu.2020.103987"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [("doi", "inte en doi"), ("url", "javascript:alert(1)"), ("title", "   ")],
)
def test_malformed_research_is_refused(client, cast, goal, field, value):
    client.force_login(cast.rektor)
    data = {**RESEARCH, "url": "https://www.skolverket.se/forskning", field: value}
    response = client.post(add_url(goal, "research"), data)
    assert field in response.context["form"].errors
    assert evidence(goal) == []


@pytest.mark.django_db
def test_a_change_in_a_steering_document_is_cited(client, cast, goal):
    change = make_change(make_document(cast.org, "Läroplanen"), date(2025, 7, 1), "in_force")
    client.force_login(cast.rektor)
    form = client.get(add_url(goal, "steering")).context["form"]
    assert [pk for pk, _label in form.fields["steering_change"].choices if pk] == [change.pk]
    response = client.post(
        add_url(goal, "steering"), {"steering_change": change.pk, "summary": "Nytt krav."}
    )
    assert response.status_code == 302
    (item,) = evidence(goal)
    assert item.kind == Kind.STEERING
    assert item.steering_change_id == change.pk
    assert "Läroplanen" in item.title
    html = client.get(reverse("goals:detail", args=["mittkoping", goal.pk])).content.decode()
    assert reverse("steering:detail", args=["mittkoping", change.document_id]) in html


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["assessment", "signal"])
def test_a_self_assessment_result_or_signal_is_cited_by_a_reference(client, cast, goal, kind):
    client.force_login(cast.rektor)
    response = client.post(add_url(goal, kind), {"title": "Resultat", "reference": ""})
    assert "reference" in response.context["form"].errors
    assert evidence(goal) == []
    data = {"title": "Självskattning HT 2025", "reference": "Åsens skola, omgång 3"}
    assert client.post(add_url(goal, kind), data).status_code == 302
    (item,) = evidence(goal)
    assert (item.kind, item.reference) == (kind, "Åsens skola, omgång 3")


@pytest.mark.django_db
def test_linking_an_indicator_makes_its_data_evidence_and_moves_progress_up_the_chain(
    client, cast, goal
):
    indicator = make_indicator(cast.org)  # 40 in 2022, 80 by 2026
    measure(indicator, cast.school, "2024", "60")
    client.force_login(cast.rektor)
    response = client.post(add_url(goal, "indicator"), {"indicator": indicator.pk, "weight": "2"})
    assert response.status_code == 302
    (item,) = evidence(goal)
    assert (item.kind, item.indicator_id) == (Kind.INDICATOR, indicator.pk)
    with scope(cast.org):
        link_row = GoalIndicator.objects.get(goal=goal)
    assert link_row.weight == Decimal(2)
    assert link_row.progress == Decimal("50.0")
    assert fresh(goal).progress == Decimal("50.0")
    assert fresh(goal.parent).progress == Decimal("50.0")  # the förvaltning goal, at once
    assert len(audit_events(action="goals.indicator_linked")) == 1


@pytest.mark.django_db
def test_an_indicator_is_linked_once(client, cast, goal):
    indicator = make_indicator(cast.org)
    link(goal, indicator)
    client.force_login(cast.rektor)
    response = client.post(add_url(goal, "indicator"), {"indicator": indicator.pk, "weight": "1"})
    assert "indicator" in response.context["form"].errors
    assert len(evidence(goal)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("weight", ["-1", "ett", ""])
def test_an_indicator_needs_a_weight_of_zero_or_more(client, cast, goal, weight):
    indicator = make_indicator(cast.org)
    client.force_login(cast.rektor)
    response = client.post(
        add_url(goal, "indicator"), {"indicator": indicator.pk, "weight": weight}
    )
    assert "weight" in response.context["form"].errors
    assert evidence(goal) == []


@pytest.mark.django_db
def test_another_organisations_ids_answer_404(client, cast, goal):
    adopt(cast.ekby)
    ekby_goal = make_goal(cast.ekby, cast.ekby_root, "Ekbys mål")
    ekby_item = add_research(ekby_goal)
    ekby_indicator = make_indicator(cast.ekby)
    ekby_change = make_change(make_document(cast.ekby), date(2025, 7, 1))
    client.force_login(cast.admin)
    assert client.get(add_url(ekby_goal, "research")).status_code == 404
    data = {"indicator": ekby_indicator.pk, "weight": "1"}
    assert client.post(add_url(goal, "indicator"), data).status_code == 404
    data = {"steering_change": ekby_change.pk, "summary": ""}
    assert client.post(add_url(goal, "steering"), data).status_code == 404
    assert client.post(remove_url(goal, ekby_item)).status_code == 404
    assert evidence(goal) == []
    assert len(evidence(ekby_goal)) == 1


@pytest.mark.django_db
def test_evidence_is_removed_from_its_own_goal_only(client, cast, goal):
    first = add_research(goal, "Första studien")
    other = make_goal(cast.org, cast.school, "Ett annat mål")
    client.force_login(cast.rektor)
    assert client.post(remove_url(other, first)).status_code == 404
    assert client.post(remove_url(goal, first)).status_code == 302
    assert evidence(goal) == []
    (event,) = audit_events(action="goals.evidence_removed")
    assert event.before["title"] == "Första studien"


@pytest.mark.django_db
def test_the_last_evidence_of_an_active_goal_stays(client, cast, goal):
    only = add_research(goal)
    with scope(cast.org):
        Goal.objects.filter(pk=goal.pk).update(status=Goal.Status.ACTIVE)
    client.force_login(cast.rektor)
    response = client.post(remove_url(goal, only), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert evidence(goal) == [only]
    assert audit_events(action="goals.evidence_removed") == []


@pytest.mark.django_db
def test_removing_an_indicators_evidence_stops_it_measuring_the_goal(client, cast, goal):
    indicator = make_indicator(cast.org)
    measure(indicator, cast.school, "2024", "60")
    add_research(goal)
    link(goal, indicator)
    client.force_login(cast.rektor)
    with scope(cast.org):
        progress.recalculate([goal.pk])
    assert fresh(goal).progress == Decimal("50.0")
    item = next(e for e in evidence(goal) if e.kind == Kind.INDICATOR)
    assert client.post(remove_url(goal, item)).status_code == 302
    with scope(cast.org):
        assert not GoalIndicator.objects.filter(goal=goal).exists()
    assert fresh(goal).progress is None
    assert fresh(goal.parent).progress is None
