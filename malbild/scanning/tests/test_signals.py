"""Adding, reading and changing signals; the list and its cost."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.scanning.models import Signal
from malbild.scanning.tests.builders import fresh, make_areas, make_signal
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db

DATA = {"title": "  Elevernas   skärmtid  ", "url": "https://www.example.org/skarmtid",
        "summary": "Riksdagen diskuterar.", "kind": "news", "horizon": "now"}  # fmt: skip


def url(name, *args):
    return reverse(f"scanning:{name}", args=["mittkoping", *args])


def signals(org):
    with scope(org):
        return list(Signal.objects.order_by("id"))


def test_a_teacher_adds_a_signal(client, cast):
    areas = make_areas(cast.org)
    client.force_login(cast.teacher)
    response = client.post(url("create"), {**DATA, "focus_areas": [areas[1].pk]})
    [signal] = signals(cast.org)
    assert response.status_code == 302
    assert response["Location"] == url("detail", signal.pk)
    assert signal.title == "Elevernas skärmtid"
    assert signal.state == Signal.State.NEW
    assert signal.created_by == cast.teacher
    with scope(cast.org):
        assert [a.name for a in signal.focus_areas.all()] == ["Kompetens"]
    assert audit_events(action="scanning.signal_added")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "   "}, "title"),
        ({"kind": "rumour"}, "kind"),
        ({"horizon": ""}, "horizon"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"title": "x" * 201}, "title"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_added(client, cast, change, field):
    client.force_login(cast.teacher)
    response = client.post(url("create"), {**DATA, **change})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert 'class="error-summary"' in response.content.decode()
    assert signals(cast.org) == []


def test_html_and_scripts_in_a_signal_are_never_shown_as_markup(client, cast):
    signal = make_signal(
        cast.org, "<b>Rubrik</b>", by=cast.teacher,
        summary='<script>alert("x")</script> **viktigt** <img src=x onerror=alert(1)>',
    )  # fmt: skip
    client.force_login(cast.reader)
    html = client.get(url("detail", signal.pk)).content.decode()
    assert "<script>alert" not in html
    assert "<img" not in html  # shown as text, never as an element with its handler
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Rubrik&lt;/b&gt;" in html
    assert "<strong>viktigt</strong>" in html


def test_every_member_reads_a_signal_and_who_added_it(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.elected)
    html = client.get(url("detail", signal.pk)).content.decode()
    assert "AI-verktyg i klassrummet" in html
    assert "Lars Lärare" in html


def test_another_organisations_signal_answers_404(client, cast):
    signal = make_signal(cast.ekby, "Ekbys signal", by=cast.ekby_admin)
    client.force_login(cast.admin)
    assert client.get(url("detail", signal.pk)).status_code == 404
    assert client.post(url("comment", signal.pk), {"body": "Hej"}).status_code == 404
    assert client.post(url("rate", signal.pk), {"relevance": 1, "impact": 1}).status_code == 404


def test_the_author_changes_their_signal_but_another_teacher_may_not(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.teacher)
    response = client.post(url("edit", signal.pk), {**DATA, "title": "AI i klassrummet"})
    assert response.status_code == 302
    assert fresh(signal).title == "AI i klassrummet"
    client.force_login(cast.rektor)
    assert client.post(url("edit", signal.pk), DATA).status_code == 403
    assert fresh(signal).title == "AI i klassrummet"


def test_the_state_moves_and_the_same_state_is_refused(client, cast):
    signal = make_signal(cast.org, by=cast.teacher)
    client.force_login(cast.admin)
    client.post(url("state", signal.pk), {"state": "archived"})
    assert fresh(signal).state == Signal.State.ARCHIVED
    response = client.post(url("state", signal.pk), {"state": "archived"}, follow=True)
    assert fresh(signal).state == Signal.State.ARCHIVED
    assert len(audit_events(action="scanning.state_changed")) == 1
    assert response.status_code == 200


def test_the_list_hides_archived_signals_except_under_their_filter(client, cast):
    make_signal(cast.org, "Aktuell", by=cast.teacher)
    make_signal(cast.org, "Gammal", by=cast.teacher, state=Signal.State.ARCHIVED)
    client.force_login(cast.reader)
    html = client.get(url("list")).content.decode()
    assert "Aktuell" in html
    assert "Gammal" not in html
    html = client.get(url("list") + "?tila=arkiverad").content.decode()
    assert "Gammal" in html
    assert "Aktuell" not in html
    assert client.get(url("list") + "?tila=annat").status_code == 404


def test_the_list_costs_the_same_for_many_signals(client, cast, django_assert_max_num_queries):
    for i in range(60):
        make_signal(cast.org, f"Signal {i}", by=cast.teacher)
    client.force_login(cast.reader)
    with django_assert_max_num_queries(12):
        response = client.get(url("list"))
    assert response.status_code == 200
    assert response.content.decode().count('scope="row"') == 50
