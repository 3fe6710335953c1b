"""Updating where an activity stands: the lead or admin, or the responsible teacher."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.plans.models import Activity
from malbild.plans.tests.builders import fresh, make_activity, revisions

Status = Activity.Status


def url(activity):
    return reverse("plans:status", args=["mittkoping", activity.pk])


@pytest.mark.django_db
def test_the_responsible_teacher_updates_status_and_progress(client, cast):
    activity = make_activity(cast.org, cast.school, owner=cast.teacher)
    client.force_login(cast.teacher)
    response = client.post(
        url(activity), {"status": "in_progress", "progress": "40", "comment": "Vi är igång."}
    )
    assert response.status_code == 302
    saved = fresh(activity)
    assert (saved.status, saved.progress) == (Status.IN_PROGRESS, 40)
    revision = revisions(activity)[-1]
    assert revision.changes == {
        "status": {"before": "not_started", "after": "in_progress"},
        "progress": {"before": 0, "after": 40},
    }
    assert revision.reason == "Vi är igång."
    assert [(r.before, r.after) for r in revision.rows()] == [
        ("not started", "in progress"),
        ("0 %", "40 %"),
    ]
    assert audit_events(action="plans.status_updated")


@pytest.mark.django_db
def test_a_teacher_may_not_update_someone_elses_activity(client, cast):
    activity = make_activity(cast.org, cast.school, owner=cast.rektor)
    client.force_login(cast.teacher)
    response = client.post(url(activity), {"status": "done", "progress": "100"})
    assert response.status_code == 403
    assert fresh(activity).status == Status.NOT_STARTED


@pytest.mark.django_db
def test_done_means_all_the_way(client, cast):
    activity = make_activity(cast.org, cast.school, status=Status.IN_PROGRESS, progress=60)
    client.force_login(cast.rektor)
    client.post(url(activity), {"status": "done", "progress": "60"})
    assert fresh(activity).progress == 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "progress", "message"),
    [
        ("in_progress", "140", "from 0 to 100"),
        ("in_progress", "-5", "from 0 to 100"),
        ("in_progress", "hälften", "from 0 to 100"),
        ("not_started", "20", "has not started"),
        ("finished", "20", "valid choice"),
    ],
)
def test_bad_status_or_progress_changes_nothing(client, cast, status, progress, message):
    activity = make_activity(cast.org, cast.school, status=Status.IN_PROGRESS, progress=10)
    client.force_login(cast.rektor)
    response = client.post(url(activity), {"status": status, "progress": progress})
    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    saved = fresh(activity)
    assert (saved.status, saved.progress) == (Status.IN_PROGRESS, 10)
    assert len(revisions(activity)) == 1
