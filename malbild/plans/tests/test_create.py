"""Planning an activity: for a unit in one's subtree, serving goals of the unit or above it."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.plans.models import Activity, ActivityRevision
from malbild.plans.tests.builders import days, revisions
from malbild.tenants.scope import scope, unscoped


def url(unit=None, goal=None, org="mittkoping"):
    query = "&".join(
        f"{name}={obj.pk}" for name, obj in (("enhet", unit), ("mal", goal)) if obj is not None
    )
    return reverse("plans:create", args=[org]) + (f"?{query}" if query else "")


def data(**fields):
    return {
        "title": "Lärarna delar lektioner på lärplattformen",
        "description": "Varje arbetslag delar minst en lektion i månaden.",
        "starts_on": days(7).isoformat(),
        "ends_on": days(120).isoformat(),
        "owner": "",
        **fields,
    }


def activities():
    with unscoped():
        return list(Activity.objects.all())


@pytest.mark.django_db
def test_a_rektor_plans_an_activity_for_their_school(client, cast, goals):
    client.force_login(cast.rektor)
    page = client.get(url(cast.school, goals["asen"]))
    assert page.context["form"].initial["goals"] == [goals["asen"].pk]
    offered = {pk for pk, _label in page.context["form"].fields["goals"].choices}
    assert offered == {goals["top"].pk, goals["asen"].pk}  # not Berga's, not the closed one
    response = client.post(
        url(cast.school),
        data(goals=[goals["asen"].pk, goals["top"].pk], owner=cast.teacher.pk),
    )
    assert response.status_code == 302
    (activity,) = activities()
    assert response["Location"] == reverse("plans:detail", args=["mittkoping", activity.pk])
    with unscoped():
        assert activity.unit == cast.school
        assert set(activity.goals.all()) == {goals["asen"], goals["top"]}
    assert activity.owner == cast.teacher
    assert activity.status == Activity.Status.NOT_STARTED
    assert activity.progress == 0
    (first,) = revisions(activity)
    assert first.kind == ActivityRevision.Kind.CREATED
    assert first.changed_by == cast.rektor
    assert first.changes["ends_on"] == {"before": None, "after": days(120).isoformat()}
    assert sorted(first.changes["goals"]["after"]) == sorted(
        [goals["asen"].title, goals["top"].title]
    )
    (event,) = audit_events(action="plans.activity_created")
    assert event.actor == cast.rektor


@pytest.mark.django_db
def test_it_refuses_an_activity_that_ends_before_it_starts(client, cast, goals):
    client.force_login(cast.rektor)
    response = client.post(
        url(cast.school), data(starts_on=days(30).isoformat(), ends_on=days(10).isoformat())
    )
    assert response.status_code == 200
    assert "ends before it starts" in str(response.context["form"].errors["ends_on"])
    assert activities() == []
    assert audit_events(action="plans.activity_created") == []


@pytest.mark.django_db
def test_it_refuses_a_goal_the_unit_cannot_reach(client, cast, goals):
    client.force_login(cast.rektor)
    response = client.post(url(cast.school), data(goals=[goals["berga"].pk]))
    assert response.status_code == 200
    error = str(response.context["form"].errors["goals"])
    assert "Berga skolas elever programmerar" in error
    assert "Berga skola" in error
    assert activities() == []


@pytest.mark.django_db
def test_it_refuses_a_closed_goal(client, cast, goals):
    client.force_login(cast.rektor)
    response = client.post(url(cast.school), data(goals=[goals["closed"].pk]))
    assert "is closed" in str(response.context["form"].errors["goals"])
    assert activities() == []


@pytest.mark.django_db
def test_another_organisations_goal_answers_404(client, cast, goals):
    from malbild.goals.tests.builders import adopt, make_goal

    adopt(cast.ekby)
    foreign = make_goal(cast.ekby, cast.ekby_school, "Ekbys mål")
    client.force_login(cast.rektor)
    assert client.post(url(cast.school), data(goals=[foreign.pk])).status_code == 404
    assert client.get(url(cast.school, foreign)).status_code == 404
    assert activities() == []


@pytest.mark.django_db
def test_another_organisations_unit_answers_404(client, cast, goals):
    client.force_login(cast.admin)
    assert client.post(url(cast.ekby_school), data()).status_code == 404
    assert activities() == []


@pytest.mark.django_db
def test_a_teacher_adds_an_activity_to_their_schools_plan_and_is_responsible_for_it(
    client, cast, goals
):
    client.force_login(cast.teacher)
    page = client.get(url(cast.school, goals["asen"]))
    assert page.status_code == 200
    form = page.context["form"]
    assert "owner" not in form.fields  # no choice of who is responsible
    assert form.initial["goals"] == [goals["asen"].pk]
    html = page.content.decode()
    assert 'name="owner"' not in html
    assert "You (Lars Lärare)" in html
    assert "You are responsible for the activity you add" in html

    response = client.post(url(cast.school), data(goals=[goals["asen"].pk]))
    assert response.status_code == 302
    (activity,) = activities()
    assert activity.owner == cast.teacher
    assert activity.created_by == cast.teacher
    assert activity.unit_id == cast.school.pk
    (first,) = revisions(activity)
    assert first.kind == ActivityRevision.Kind.CREATED
    assert first.changed_by == cast.teacher
    assert first.changes["owner"] == {"before": None, "after": "Lars Lärare"}
    (event,) = audit_events(action="plans.activity_created")
    assert event.actor == cast.teacher

    # The activity's page says who added it, and lets them update it but not change it.
    detail = client.get(response["Location"])
    assert detail.context["may_update"]
    assert not detail.context["may_edit"]
    assert "Added by" in detail.content.decode()
    status = reverse("plans:status", args=["mittkoping", activity.pk])
    assert client.post(status, {"status": "in_progress", "progress": "10"}).status_code == 302
    with unscoped():
        activity.refresh_from_db()
    assert (activity.status, activity.progress) == (Activity.Status.IN_PROGRESS, 10)
    edit = reverse("plans:edit", args=["mittkoping", activity.pk])
    assert client.get(edit).status_code == 403


@pytest.mark.django_db
def test_a_teacher_adds_to_a_team_of_their_school(client, cast, goals):
    client.force_login(cast.teacher)
    assert client.post(url(cast.team), data()).status_code == 302
    (activity,) = activities()
    assert (activity.unit_id, activity.owner) == (cast.team.pk, cast.teacher)


@pytest.mark.django_db
def test_an_owner_a_teacher_sends_is_not_used(client, cast, goals):
    """The form offers staff no owner; one sent anyway (a tampered request) is not read: the
    activity is theirs."""
    client.force_login(cast.teacher)
    response = client.post(url(cast.school), data(owner=cast.rektor.pk))
    assert response.status_code == 302
    (activity,) = activities()
    assert activity.owner == cast.teacher
    (event,) = audit_events(action="plans.activity_created")
    assert event.after["owner"] == "Lars Lärare"


@pytest.mark.django_db
@pytest.mark.parametrize("where", ["root", "area", "other_school"])
def test_a_teacher_may_not_add_outside_their_school(client, cast, goals, where):
    unit = getattr(cast, where)
    client.force_login(cast.teacher)
    for response in (client.get(url(unit)), client.post(url(unit), data())):
        assert response.status_code == 403
        html = response.content.decode()
        assert "You may add activities only to the action plans of the units where you work" in html
        assert unit.name in html
    assert activities() == []
    assert audit_events(action="plans.activity_created") == []


@pytest.mark.django_db
def test_a_reader_and_an_elected_member_add_nothing(client, cast, goals):
    for person in (cast.reader, cast.elected):
        client.force_login(person)
        assert client.get(url()).status_code == 403
        assert client.post(url(cast.school), data()).status_code == 403
    assert activities() == []


@pytest.mark.django_db
def test_a_rektor_still_chooses_anyone_as_responsible(client, cast, goals):
    client.force_login(cast.rektor)
    page = client.get(url(cast.school))
    assert "owner" in page.context["form"].fields
    assert "You are responsible for the activity you add" not in page.content.decode()
    assert client.post(url(cast.school), data(owner=cast.reader.pk)).status_code == 302
    assert client.post(url(cast.school), data(owner="")).status_code == 302
    assert {a.owner for a in activities()} == {cast.reader, None}


@pytest.mark.django_db
def test_a_rektor_may_not_plan_for_another_school(client, cast, goals):
    client.force_login(cast.rektor)
    assert client.post(url(cast.other_school), data()).status_code == 403
    assert activities() == []


@pytest.mark.django_db
def test_it_refuses_an_archived_unit(client, cast, goals):
    from malbild.tenants import services

    with scope(cast.org):
        services.archive_unit(cast.team)
    client.force_login(cast.rektor)
    assert client.post(url(cast.team), data()).status_code == 400
    assert activities() == []


@pytest.mark.django_db
def test_without_a_unit_it_offers_the_units_one_may_plan_for(client, cast, goals):
    client.force_login(cast.rektor)
    page = client.get(url())
    assert [label for _pk, label in page.context["units"]] == [
        "Åsens skola",
        "\u00a0" * 4 + "Arbetslag F-3",
    ]
    # For a goal of the förvaltning: the units below it that the rektor may plan for.
    page = client.get(url(goal=goals["top"]))
    assert [pk for pk, _label in page.context["units"]] == [cast.school.pk, cast.team.pk]
    # An admin may plan anywhere below Berga's goal: Berga skola only.
    client.force_login(cast.admin)
    page = client.get(url(goal=goals["berga"]))
    assert [pk for pk, _label in page.context["units"]] == [cast.other_school.pk]
    # A teacher: their school and its team; none below Berga's goal.
    client.force_login(cast.teacher)
    page = client.get(url())
    assert [pk for pk, _label in page.context["units"]] == [cast.school.pk, cast.team.pk]
    page = client.get(url(goal=goals["top"]))
    assert [pk for pk, _label in page.context["units"]] == [cast.school.pk, cast.team.pk]
    page = client.get(url(goal=goals["berga"]))
    assert page.context["units"] == []
    assert "There is no unit here to whose action plan you may add activities." in (
        page.content.decode()
    )


@pytest.mark.django_db
def test_an_unreadable_date_gets_a_clear_message(client, cast, goals):
    client.force_login(cast.rektor)
    response = client.post(url(cast.school), data(starts_on="15/3/2026"))
    assert "year-month-day" in str(response.context["form"].errors["starts_on"])
    assert activities() == []
