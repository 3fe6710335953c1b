"""Milestones: within their activity's dates, edited and marked done, each change kept."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.plans.models import Milestone
from malbild.plans.tests.builders import (
    TODAY,
    days,
    fresh,
    make_activity,
    make_milestone,
    revisions,
)
from malbild.tenants.scope import unscoped


def add_url(activity):
    return reverse("plans:milestone_add", args=["mittkoping", activity.pk])


def edit_url(milestone):
    return reverse("plans:milestone_edit", args=["mittkoping", milestone.activity_id, milestone.pk])


def done_url(milestone):
    return reverse("plans:milestone_done", args=["mittkoping", milestone.activity_id, milestone.pk])


def milestones():
    with unscoped():
        return list(Milestone.objects.all())


@pytest.fixture
def activity(cast):
    return make_activity(cast.org, cast.school, owner=cast.teacher)


@pytest.mark.django_db
def test_a_rektor_adds_a_milestone(client, cast, activity):
    client.force_login(cast.rektor)
    response = client.post(
        add_url(activity), {"title": "Alla har delat en lektion", "due_on": days(40).isoformat()}
    )
    assert response.status_code == 302
    (milestone,) = milestones()
    assert (milestone.title, milestone.due_on, milestone.done_on) == (
        "Alla har delat en lektion", days(40), None,
    )  # fmt: skip
    revision = revisions(activity)[-1]
    assert revision.milestone == "Alla har delat en lektion"
    assert audit_events(action="plans.milestone_added")


@pytest.mark.django_db
@pytest.mark.parametrize("offset", [-31, 91])
def test_a_milestone_outside_its_activity_is_refused(client, cast, activity, offset):
    client.force_login(cast.teacher)
    response = client.post(
        add_url(activity), {"title": "Utanför", "due_on": days(offset).isoformat()}
    )
    assert response.status_code == 200
    assert "within its activity" in str(response.context["form"].errors["due_on"])
    assert milestones() == []
    assert len(revisions(activity)) == 1


@pytest.mark.django_db
def test_moving_a_milestone_outside_its_activity_changes_nothing(client, cast, activity):
    milestone = make_milestone(activity)
    client.force_login(cast.rektor)
    response = client.post(
        edit_url(milestone),
        {"title": milestone.title, "due_on": days(200).isoformat(), "done_on": ""},
    )
    assert "within its activity" in str(response.context["form"].errors["due_on"])
    assert fresh(milestone).due_on == milestone.due_on


@pytest.mark.django_db
def test_a_milestone_cannot_be_done_in_the_future(client, cast, activity):
    milestone = make_milestone(activity)
    client.force_login(cast.rektor)
    response = client.post(
        edit_url(milestone),
        {"title": milestone.title, "due_on": milestone.due_on.isoformat(),
         "done_on": days(3).isoformat()},
    )  # fmt: skip
    assert "in the future" in str(response.context["form"].errors["done_on"])
    assert fresh(milestone).done_on is None


@pytest.mark.django_db
def test_a_moved_milestone_keeps_its_old_date_in_the_history(client, cast, activity):
    milestone = make_milestone(activity, due_on=days(14))
    client.force_login(cast.teacher)
    response = client.post(
        edit_url(milestone),
        {"title": milestone.title, "due_on": days(21).isoformat(), "done_on": "",
         "reason": "Träffen flyttades en vecka."},
    )  # fmt: skip
    assert response.status_code == 302
    revision = revisions(activity)[-1]
    assert revision.milestone == milestone.title
    assert revision.changes["milestone_due_on"] == {
        "before": days(14).isoformat(), "after": days(21).isoformat(),
    }  # fmt: skip
    assert [row.label for row in revision.rows()] == ["due date"]
    assert revision.reason == "Träffen flyttades en vecka."


@pytest.mark.django_db
def test_marking_done_records_today_once(client, cast, activity):
    milestone = make_milestone(activity)
    client.force_login(cast.teacher)
    assert client.post(done_url(milestone)).status_code == 302
    assert fresh(milestone).done_on == TODAY
    assert audit_events(action="plans.milestone_done")
    count = len(revisions(activity))
    response = client.post(done_url(milestone), follow=True)
    assert "already marked done" in response.content.decode() or "redan" in (
        response.content.decode()
    )
    assert len(revisions(activity)) == count


@pytest.mark.django_db
def test_another_activitys_milestone_answers_404(client, cast, activity):
    other = make_activity(cast.org, cast.school, "En annan aktivitet")
    milestone = make_milestone(other)
    client.force_login(cast.rektor)
    wrong = reverse("plans:milestone_done", args=["mittkoping", activity.pk, milestone.pk])
    assert client.post(wrong).status_code == 404
    assert fresh(milestone).done_on is None


@pytest.mark.django_db
def test_a_reader_may_not_add_milestones(client, cast, activity):
    client.force_login(cast.reader)
    response = client.post(add_url(activity), {"title": "x", "due_on": days(5).isoformat()})
    assert response.status_code == 403
    assert milestones() == []
