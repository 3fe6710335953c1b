"""Changes on a goal's page in place: with htmx a change answers only the changed section (and
the parts that change with it) and says what happened in the live region; without JavaScript
the same forms post and redirect back to the section, as they always did."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals.models import Goal
from malbild.goals.tests.builders import (
    add_research,
    adopt,
    contribute,
    evidence,
    fresh,
    link,
    make_goal,
    make_indicator,
    measure,
)
from malbild.lib.tests.htmx import htmx
from malbild.tenants.scope import scope

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def url(name, goal, row):
    return reverse(f"goals:{name}", args=["mittkoping", goal.pk, row.pk])


@pytest.fixture
def goal(cast):
    """Åsen's goal with a piece of research and an indicator (which is evidence too)."""
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt")
    add_research(goal, "Forskning om skapande")
    indicator = make_indicator(cast.org, "SKAP")
    measure(indicator, cast.school, "2024", "60")
    link(goal, indicator)
    return goal


def test_removing_evidence_with_htmx_answers_the_evidence_section_and_says_so(client, cast, goal):
    research = next(e for e in evidence(goal) if e.title == "Forskning om skapande")
    client.force_login(cast.rektor)
    response = client.post(url("evidence_remove", goal, research), **htmx("evidence-section"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section aria-labelledby="evidence" id="evidence-section"')
    assert "<main" not in html
    assert "<h1>" not in html
    section, _rest = html.split('id="indicators-section"')
    assert "Forskning om skapande" not in section
    # The parts that change with it come out of band, and the live region speaks.
    assert 'id="indicators-section" hx-swap-oob="true"' in html
    assert 'id="goal-facts" hx-swap-oob="true"' in html
    assert 'id="status"' in html
    assert 'hx-swap-oob="innerHTML"' in html
    assert "The evidence Forskning om skapande has been removed.</div>" in html
    assert "HX-Request" in response["Vary"]
    assert [e.kind for e in evidence(goal)] == ["indicator"]
    assert audit_events(action="goals.evidence_removed")


def test_removing_evidence_without_htmx_still_redirects_to_the_section(client, cast, goal):
    research = next(e for e in evidence(goal) if e.title == "Forskning om skapande")
    client.force_login(cast.rektor)
    response = client.post(url("evidence_remove", goal, research))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/mal/{goal.pk}/#evidence")
    assert len(evidence(goal)) == 1


def test_a_refused_removal_with_htmx_shows_the_reason_in_the_section_and_says_it(
    client, cast, goal
):
    with_one = make_goal(cast.org, cast.school, "Ett aktivt mål", status=Goal.Status.ACTIVE)
    only = add_research(with_one, "Det enda underlaget")
    client.force_login(cast.rektor)
    response = client.post(url("evidence_remove", with_one, only), **htmx("evidence-section"))
    assert response.status_code == 200  # htmx swaps no 4xx answer
    html = response.content.decode()
    assert (
        html.count("This is the last piece of evidence of an active goal") == 2
    )  # section, status
    assert 'class="message message--error"' in html
    assert "Det enda underlaget" in html
    assert len(evidence(with_one)) == 1


def test_a_weight_with_htmx_answers_the_indicators_and_the_new_progress(client, cast, goal):
    with scope(cast.org):
        row = goal.indicator_links.get()
    client.force_login(cast.rektor)
    response = client.post(
        url("indicator_weight", goal, row), {"weight": "2"}, **htmx("indicators-section")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section aria-labelledby="indicators" id="indicators-section"')
    assert 'value="2"' in html
    assert "The weight of SKAP" in html
    assert fresh(row).weight == Decimal(2)


def test_a_bad_weight_with_htmx_shows_the_error_and_changes_nothing(client, cast, goal):
    with scope(cast.org):
        row = goal.indicator_links.get()
    client.force_login(cast.rektor)
    response = client.post(
        url("indicator_weight", goal, row), {"weight": "mycket"}, **htmx("indicators-section")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="message message--error"' in html
    assert "has been saved" not in html
    assert fresh(row).weight == Decimal(1)
    assert not audit_events(action="goals.indicator_changed")


def test_removing_a_contribution_with_htmx_answers_the_contributions(client, cast, goal):
    other = make_goal(cast.org, cast.other_school, "Bergas mål")
    row = contribute(goal, other)
    client.force_login(cast.rektor)
    response = client.post(url("contribution_remove", goal, row), **htmx("contributions-section"))
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<section aria-labelledby="contributions" id="contributions-section"'
    )
    assert "Bergas mål</a>" not in html
    assert "no longer contributes to Bergas mål." in html
    assert 'hx-swap-oob="true"' not in html  # nothing else on the page changed


def test_htmx_asking_for_another_part_gets_the_redirect(client, cast, goal):
    """Only a request for the section itself gets the part: anything else, the page."""
    research = next(e for e in evidence(goal) if e.title == "Forskning om skapande")
    client.force_login(cast.rektor)
    response = client.post(url("evidence_remove", goal, research), **htmx("main"))
    assert response.status_code == 302


def test_a_member_who_may_not_edit_gets_403_with_htmx_too(client, cast, goal):
    research = next(e for e in evidence(goal) if e.title == "Forskning om skapande")
    client.force_login(cast.teacher)
    response = client.post(url("evidence_remove", goal, research), **htmx("evidence-section"))
    assert response.status_code == 403
    assert len(evidence(goal)) == 2


def test_the_goals_page_marks_the_forms_for_htmx(client, cast, goal):
    client.force_login(cast.rektor)
    html = client.get(reverse("goals:detail", args=["mittkoping", goal.pk])).content.decode()
    assert 'hx-target="#evidence-section"' in html
    assert 'hx-target="#indicators-section"' in html
    assert 'id="goal-facts">' in html  # not out of band on the page itself


def test_the_live_region_escapes_what_it_says(client, cast, goal):
    odd = add_research(goal, "<script>alert(1)</script>")
    client.force_login(cast.rektor)
    response = client.post(url("evidence_remove", goal, odd), **htmx("evidence-section"))
    html = response.content.decode()
    assert "<script>" not in html
    assert "The evidence &lt;script&gt;alert(1)&lt;/script&gt; has been removed.</div>" in html
