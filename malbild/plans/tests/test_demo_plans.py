"""Mittköping's demo action plans: several units, every status, milestones, and a history with
reasons; all of it consistent with the rules the services enforce."""

import pytest
from django.urls import reverse

from malbild.demo import content
from malbild.plans.models import Activity, ActivityRevision, Milestone
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope


@pytest.fixture
def mittkoping(demo):
    organisation = Organisation.objects.get(slug="mittkoping")
    with scope(organisation):
        yield organisation


def test_it_plans_for_several_units_in_every_status(mittkoping):
    activities = list(Activity.objects.select_related("unit"))
    assert len({a.unit.code for a in activities}) >= 5
    assert {a.status for a in activities} == set(Activity.Status.values)
    assert all(a.goals.exists() for a in activities)
    assert Milestone.objects.filter(done_on__isnull=False).exists()
    assert Milestone.objects.filter(done_on__isnull=True).exists()


def test_its_activities_keep_the_rules(mittkoping):
    for activity in Activity.objects.prefetch_related("milestones", "goals"):
        assert activity.starts_on <= activity.ends_on
        for milestone in activity.milestones.all():
            assert activity.starts_on <= milestone.due_on <= activity.ends_on, milestone
        allowed = {activity.unit_id, *activity.unit.ancestor_ids()}
        assert {g.unit_id for g in activity.goals.all()} <= allowed, activity
        if activity.status == Activity.Status.DONE:
            assert activity.progress == 100


def test_its_history_starts_with_the_plan_and_gives_reasons_for_changes(mittkoping):
    for activity in Activity.objects.all():
        first = activity.revisions.order_by("changed_at", "id").first()
        assert first is not None
        assert first.kind == ActivityRevision.Kind.CREATED
    changed = ActivityRevision.objects.filter(kind=ActivityRevision.Kind.CHANGED)
    assert changed.count() >= 3
    assert all(revision.reason and revision.rows() for revision in changed)


def test_loading_twice_changes_nothing(mittkoping):
    before = (Activity.objects.count(), ActivityRevision.objects.count())
    content.load()
    assert (Activity.objects.count(), ActivityRevision.objects.count()) == before


@pytest.mark.parametrize("email", ["rektor@mittkoping.example", "larare@mittkoping.example"])
def test_the_demo_pages_render(client, mittkoping, email):
    from malbild.accounts.models import User

    client.force_login(User.objects.get(email=email))
    asen = Activity.objects.filter(unit__code="ASEN").first()
    assert asen is not None
    for url in (
        reverse("plans:list", args=["mittkoping"]),
        reverse("plans:unit_plan", args=["mittkoping", asen.unit_id]),
        reverse("plans:detail", args=["mittkoping", asen.pk]),
    ):
        assert client.get(url).status_code == 200, url
