from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from conftest import audit_events
from malbild.targets.models import TargetVision
from malbild.targets.tasks import remind_reviews
from malbild.tenants.scope import scope


def adopted(org, review_in_days):
    with scope(org):
        return TargetVision.objects.create(
            organisation=org, number=1, status="adopted", title="Målbild", statement="Text",
            start_year=2026, end_year=2029, change_motive="Varför", if_nothing_changes="Annars",
            review_date=timezone.localdate() + timedelta(days=review_in_days),
        )  # fmt: skip


@pytest.mark.django_db
def test_admins_are_reminded_once_ahead_of_the_review(cast):
    version = adopted(cast.org, 20)
    assert remind_reviews.call() == 1
    assert [m.to for m in mail.outbox] == [["admin@mittkoping.test"]]
    assert "Mittköping" in mail.outbox[0].subject
    assert remind_reviews.call() == 0  # not again
    assert len(mail.outbox) == 1
    with scope(cast.org):
        version.refresh_from_db()
    assert version.review_reminded_on == timezone.localdate()
    assert audit_events(action="targets.review_reminder_sent")


@pytest.mark.django_db
def test_a_distant_review_sends_nothing(cast):
    adopted(cast.org, 90)
    assert remind_reviews.call() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_overdue_review_is_reminded_too(cast):
    adopted(cast.org, -3)
    assert remind_reviews.call() == 1
