"""Changing an activity: a reason when dates or scope change, and the revision kept."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.plans.tests.builders import (
    days,
    fresh,
    goal_ids,
    make_activity,
    make_milestone,
    revisions,
)
from malbild.platforms.models import Value
from malbild.tenants.scope import scope


def url(activity, org="mittkoping"):
    return reverse("plans:edit", args=[org, activity.pk])


def data(activity, goals=(), **fields):
    return {
        "title": activity.title,
        "description": activity.description,
        "goals": [g.pk for g in goals],
        "owner": activity.owner_id or "",
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "reason": "",
        **fields,
    }


@pytest.fixture
def activity(cast, goals):
    return make_activity(cast.org, cast.school, goals=(goals["asen"],))


@pytest.mark.django_db
def test_a_new_end_date_with_a_reason_is_kept_in_the_history(client, cast, goals, activity):
    client.force_login(cast.rektor)
    old_end = activity.ends_on
    response = client.post(
        url(activity),
        data(activity, [goals["asen"]], ends_on=days(150).isoformat(),
             reason="Arbetslagen behöver hela terminen."),
    )  # fmt: skip
    assert response.status_code == 302
    assert fresh(activity).ends_on == days(150)
    revision = revisions(activity)[-1]
    assert revision.changes == {
        "ends_on": {"before": old_end.isoformat(), "after": days(150).isoformat()}
    }
    assert revision.reason == "Arbetslagen behöver hela terminen."
    assert revision.changed_by == cast.rektor
    (event,) = audit_events(action="plans.activity_changed")
    assert event.after["reason"] == "Arbetslagen behöver hela terminen."
    detail = client.get(reverse("plans:detail", args=["mittkoping", activity.pk]))
    assert "Arbetslagen behöver hela terminen." in detail.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"ends_on": days(150).isoformat()},
        {"starts_on": days(-20).isoformat()},
        {"title": "Något helt annat"},
        {"description": "En ny beskrivning."},
        {"goals": "top"},
    ],
    ids=["end", "start", "title", "description", "goals"],
)
def test_dates_or_scope_without_a_reason_change_nothing(client, cast, goals, activity, change):
    client.force_login(cast.rektor)
    if change.get("goals") == "top":
        change = {"goals": [goals["asen"].pk, goals["top"].pk]}
    before = fresh(activity)
    response = client.post(url(activity), {**data(activity, [goals["asen"]]), **change})
    assert response.status_code == 200
    assert "reason is needed" in str(response.context["form"].errors["reason"])
    after = fresh(activity)
    assert (after.title, after.description, after.starts_on, after.ends_on) == (
        before.title, before.description, before.starts_on, before.ends_on,
    )  # fmt: skip
    assert goal_ids(activity) == {goals["asen"].pk}
    assert len(revisions(activity)) == 1
    assert audit_events(action="plans.activity_changed") == []


@pytest.mark.django_db
def test_the_responsible_person_and_values_change_without_a_reason(client, cast, goals, activity):
    with scope(cast.org):
        tillit = Value.objects.create(
            organisation=cast.org, key="tillit", name="Tillit", description="Vi litar."
        )
    client.force_login(cast.rektor)
    response = client.post(
        url(activity), data(activity, [goals["asen"]], owner=cast.teacher.pk, values=[tillit.pk])
    )
    assert response.status_code == 302
    assert fresh(activity).owner == cast.teacher
    revision = revisions(activity)[-1]
    assert revision.changes["owner"] == {"before": "", "after": "Lars Lärare"}
    assert revision.changes["values"] == {"before": [], "after": ["Tillit"]}
    assert {row.label for row in revision.rows()} == {"responsible", "values it expresses"}


@pytest.mark.django_db
def test_nothing_changed_keeps_no_revision(client, cast, goals, activity):
    client.force_login(cast.rektor)
    assert client.post(url(activity), data(activity, [goals["asen"]])).status_code == 302
    assert len(revisions(activity)) == 1


@pytest.mark.django_db
def test_new_dates_must_hold_the_milestones(client, cast, goals, activity):
    make_milestone(activity, "Halvtidsavstämning", due_on=days(60))
    client.force_login(cast.rektor)
    response = client.post(
        url(activity),
        data(activity, [goals["asen"]], ends_on=days(30).isoformat(), reason="Kortare."),
    )
    assert response.status_code == 200
    assert "Halvtidsavstämning" in str(response.context["form"].errors["ends_on"])
    assert fresh(activity).ends_on == activity.ends_on


@pytest.mark.django_db
def test_an_end_before_the_start_changes_nothing(client, cast, goals, activity):
    client.force_login(cast.rektor)
    response = client.post(
        url(activity),
        data(activity, [goals["asen"]], ends_on=days(-40).isoformat(), reason="Fel."),
    )
    assert "ends before it starts" in str(response.context["form"].errors["ends_on"])
    assert fresh(activity).ends_on == activity.ends_on


@pytest.mark.django_db
def test_a_goal_out_of_reach_changes_nothing(client, cast, goals, activity):
    client.force_login(cast.rektor)
    response = client.post(
        url(activity), data(activity, [goals["berga"]], reason="Vi hjälper Berga.")
    )
    assert "neither" in str(response.context["form"].errors["goals"])
    assert goal_ids(activity) == {goals["asen"].pk}


@pytest.mark.django_db
def test_a_closed_goal_it_already_serves_may_stay(client, cast, goals):
    activity = make_activity(cast.org, cast.school, goals=(goals["closed"],))
    client.force_login(cast.rektor)
    response = client.post(url(activity), data(activity, [goals["closed"]], owner=cast.rektor.pk))
    assert response.status_code == 302
    assert goal_ids(activity) == {goals["closed"].pk}


@pytest.mark.django_db
def test_another_organisations_ids_answer_404(client, cast, goals, activity):
    from malbild.goals.tests.builders import adopt, make_goal

    adopt(cast.ekby)
    foreign = make_goal(cast.ekby, cast.ekby_school, "Ekbys mål")
    foreign_activity = make_activity(cast.ekby, cast.ekby_school, "Ekbys aktivitet")
    with scope(cast.ekby):
        value = Value.objects.create(organisation=cast.ekby, key="mod", name="Mod",
                                     description="")  # fmt: skip
    client.force_login(cast.rektor)
    assert client.post(url(activity), data(activity, [foreign], reason="x")).status_code == 404
    assert client.post(url(activity), data(activity, values=[value.pk])).status_code == 404
    assert client.get(url(foreign_activity)).status_code == 404
    assert (
        client.get(reverse("plans:detail", args=["mittkoping", foreign_activity.pk])).status_code
        == 404
    )
    assert goal_ids(activity) == {goals["asen"].pk}


@pytest.mark.django_db
def test_a_teacher_may_not_edit_even_their_own_activity(client, cast, goals):
    activity = make_activity(cast.org, cast.school, owner=cast.teacher)
    client.force_login(cast.teacher)
    response = client.post(url(activity), data(activity, title="Nytt namn", reason="x"))
    assert response.status_code == 403
    assert fresh(activity).title == activity.title
