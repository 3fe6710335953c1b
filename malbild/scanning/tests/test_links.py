"""What a signal led to: a goal that cites it as evidence, a målbild version, an activity."""

from datetime import date

import pytest
from django.urls import reverse

from malbild.goals.models import Evidence, Goal
from malbild.goals.tests.builders import adopt, make_goal
from malbild.goals.tests.matrix import ASEN, BERGA, goal
from malbild.goals.tests.matrix import world as goals_world
from malbild.plans.models import Activity
from malbild.scanning import services
from malbild.scanning.models import Signal, SignalLink
from malbild.scanning.tests.builders import fresh, make_signal
from malbild.targets.models import TargetVision
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args, query=""):
    return reverse(f"scanning:{name}", args=["mittkoping", *args]) + query


@pytest.fixture
def signal(cast):
    goals_world(cast)
    return make_signal(cast.org, "Programmering i alla årskurser", by=cast.teacher)


def test_a_rektor_links_a_signal_to_a_goal_which_shows_it_as_evidence(client, cast, signal):
    client.force_login(cast.rektor)
    response = client.post(url("link", signal.pk, query="?typ=mal"), {"goal": goal(cast).pk})
    assert response.status_code == 302
    with scope(cast.org):
        evidence = Evidence.objects.get(signal=signal)
    assert evidence.goal == goal(cast)
    assert evidence.kind == Evidence.Kind.SIGNAL
    assert fresh(signal).state == Signal.State.ACTED_ON
    goal_page = client.get(reverse("goals:detail", args=["mittkoping", goal(cast).pk]))
    html = goal_page.content.decode()
    assert "Programmering i alla årskurser" in html
    assert url("detail", signal.pk) in html
    signal_page = client.get(url("detail", signal.pk)).content.decode()
    assert ASEN in signal_page


def test_the_same_goal_twice_is_refused_with_a_message(client, cast, signal):
    client.force_login(cast.rektor)
    client.post(url("link", signal.pk, query="?typ=mal"), {"goal": goal(cast).pk})
    response = client.post(url("link", signal.pk, query="?typ=mal"), {"goal": goal(cast).pk})
    assert response.status_code == 200
    assert "goal" in response.context["form"].errors
    with scope(cast.org):
        assert Evidence.objects.filter(signal=signal).count() == 1


def test_the_goal_search_offers_only_goals_the_person_may_change(client, cast, signal):
    client.force_login(cast.rektor)
    html = client.get(url("link", signal.pk, query="?typ=mal")).content.decode()
    assert ASEN in html
    assert BERGA not in html


def test_another_organisations_goal_answers_404(client, cast, signal):
    adopt(cast.ekby)
    foreign = make_goal(cast.ekby, cast.ekby_school, "Ekbys mål")
    client.force_login(cast.admin)
    response = client.post(url("link", signal.pk, query="?typ=mal"), {"goal": foreign.pk})
    assert response.status_code == 404


def test_a_signal_leads_to_a_version_of_the_malbild(client, cast, signal):
    client.force_login(cast.admin)
    with scope(cast.org):
        version = TargetVision.objects.get()
    response = client.post(url("link", signal.pk, query="?typ=malbild"),
                           {"target_vision": version.pk})  # fmt: skip
    assert response.status_code == 302
    with scope(cast.org):
        assert services.signals_behind(version) == [signal]
    for page in (reverse("targets:detail", args=["mittkoping"]),
                 reverse("targets:version", args=["mittkoping", version.number])):  # fmt: skip
        assert url("detail", signal.pk) in client.get(page).content.decode()


def test_a_signal_leads_to_an_activity(client, cast, signal):
    with scope(cast.org):
        activity = Activity.objects.create(
            organisation=cast.org, unit=cast.school, title="Programmeringsverkstad",
            starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 1),
        )  # fmt: skip
    client.force_login(cast.rektor)
    response = client.post(url("link", signal.pk, query="?typ=aktivitet"),
                           {"activity": activity.pk})  # fmt: skip
    assert response.status_code == 302
    with scope(cast.org):
        assert services.signals_behind(activity) == [signal]
        link = SignalLink.objects.get()
    activity_page = client.get(reverse("plans:detail", args=["mittkoping", activity.pk]))
    assert url("detail", signal.pk) in activity_page.content.decode()
    html = client.get(url("detail", signal.pk)).content.decode()
    assert "Programmeringsverkstad" in html
    client.post(url("unlink", signal.pk, link.pk))
    with scope(cast.org):
        assert not SignalLink.objects.exists()


def test_the_last_evidence_of_an_active_goal_stays(client, cast, signal):
    with scope(cast.org):
        target = goal(cast, BERGA)
        services.link_goal(signal, None, target)
        Goal.objects.filter(pk=target.pk).update(status=Goal.Status.ACTIVE)
        evidence = Evidence.objects.get(signal=signal)
    client.force_login(cast.admin)
    response = client.post(url("unlink_goal", signal.pk, evidence.pk))
    assert response.status_code == 302
    with scope(cast.org):
        assert Evidence.objects.filter(pk=evidence.pk).exists()
