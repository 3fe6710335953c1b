import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from malbild.announcements.models import Subscription
from malbild.announcements.personal_views import digest_off_token
from malbild.announcements.tasks import send_digests
from malbild.announcements.tests.builders import make_announcement
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def sent_to(email):
    return [m for m in mail.outbox if email in m.to]


def test_each_person_gets_the_news_that_concerns_them_in_their_language(cast):
    cast.elected.language = "en"
    cast.elected.save()
    make_announcement(cast.org, "Till personalen", audiences=("staff",))
    make_announcement(cast.org, "Till politikerna", audiences=("elected",))
    send_digests.call()
    teacher = sent_to(cast.teacher.email)
    assert len(teacher) == 1
    assert "Till personalen" in teacher[0].body
    assert "Till politikerna" not in teacher[0].body
    elected = sent_to(cast.elected.email)[0]
    assert elected.subject == "This week in Mittköping"
    assert "/flode/mittkoping/avsluta-sammanfattning/" in elected.body


def test_a_second_run_in_the_same_week_sends_nothing(cast):
    make_announcement(cast.org, "Till personalen", audiences=("staff",))
    send_digests.call()
    count = len(mail.outbox)
    send_digests.call()
    assert len(mail.outbox) == count


def test_the_signed_link_turns_the_digest_off(client, cast):
    make_announcement(cast.org, "Till personalen", audiences=("staff",))
    url = reverse(
        "announcements_personal:digest_off",
        args=["mittkoping", digest_off_token(cast.org, cast.teacher)],
    )
    assert client.get(url).status_code == 200  # a GET changes nothing
    with scope(cast.org):
        assert not Subscription.objects.filter(user=cast.teacher, digest=False).exists()
    assert client.post(url).status_code == 302
    send_digests.call(now=(timezone.now()).isoformat())
    assert sent_to(cast.teacher.email) == []


def test_a_tampered_link_answers_404(client, cast):
    token = digest_off_token(cast.org, cast.teacher)
    url = reverse("announcements_personal:digest_off", args=["mittkoping", token[:-2] + "xx"])
    assert client.post(url).status_code == 404
    other = reverse("announcements_personal:digest_off", args=["ekby", token])
    assert client.post(other).status_code == 404


def test_the_subscription_page_turns_it_off_and_on(client, cast):
    client.force_login(cast.teacher)
    url = reverse("announcements:digest", args=["mittkoping"])
    client.post(url, {})
    with scope(cast.org):
        assert Subscription.objects.get(user=cast.teacher).digest is False
    client.post(url, {"digest": "on"})
    with scope(cast.org):
        assert Subscription.objects.get(user=cast.teacher).digest is True
