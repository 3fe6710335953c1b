"""Atom per audience and personal feeds behind a revocable token; the iCalendar of deadlines."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from malbild.announcements.tests.builders import give_feed_token, make_announcement
from malbild.goals.tests.builders import adopt

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def titles(response):
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314  (our own output)
    return [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]


def public_feed(client, audience):
    return client.get(reverse("announcements_public:news_atom", args=["mittkoping", audience]))


def test_an_announcement_reaches_its_audiences_feed_and_not_another(client, cast):
    make_announcement(cast.org, "Till vårdnadshavare", audiences=("guardians",))
    make_announcement(cast.org, "Till allmänheten", audiences=("public",))
    make_announcement(cast.org, "Till personalen", audiences=("staff",))
    assert titles(public_feed(client, "vardnadshavare")) == ["Till vårdnadshavare"]
    assert titles(public_feed(client, "allmanheten")) == ["Till allmänheten"]


def test_an_unknown_audience_feed_answers_404(client, cast):
    assert public_feed(client, "personal").status_code == 404


def test_the_personal_feed_holds_what_concerns_the_person(client, cast):
    make_announcement(cast.org, "Till personalen", audiences=("staff",))
    make_announcement(cast.org, "Till politikerna", audiences=("elected",))
    token = give_feed_token(cast.org, cast.teacher)
    url = reverse("announcements_personal:atom", args=["mittkoping", token])
    assert titles(client.get(url)) == ["Till personalen"]
    again = client.get(url, HTTP_IF_NONE_MATCH=client.get(url)["ETag"])
    assert again.status_code == 304


def test_a_revoked_token_answers_404(client, cast):
    token = give_feed_token(cast.org, cast.teacher)
    client.force_login(cast.teacher)
    client.post(reverse("announcements:feed_token_revoke", args=["mittkoping"]))
    client.logout()
    assert (
        client.get(reverse("announcements_personal:atom", args=["mittkoping", token])).status_code
        == 404
    )
    assert (
        client.get(reverse("announcements_personal:ical", args=["mittkoping", token])).status_code
        == 404
    )


def test_a_new_token_replaces_the_old_one(client, cast):
    old = give_feed_token(cast.org, cast.teacher)
    client.force_login(cast.teacher)
    response = client.post(reverse("announcements:feed_token_new", args=["mittkoping"]))
    assert response.status_code == 200
    assert "/flode/mittkoping/" in response.content.decode()
    assert (
        client.get(reverse("announcements_personal:atom", args=["mittkoping", old])).status_code
        == 404
    )


def test_a_token_of_another_organisation_answers_404(client, cast):
    token = give_feed_token(cast.ekby, cast.ekby_admin)
    assert (
        client.get(reverse("announcements_personal:atom", args=["mittkoping", token])).status_code
        == 404
    )


def test_a_person_without_a_role_any_more_gets_404(client, cast):
    token = give_feed_token(cast.org, cast.teacher)
    from malbild.tenants.models import Membership
    from malbild.tenants.scope import scope

    with scope(cast.org):
        Membership.objects.filter(user=cast.teacher).delete()
    assert (
        client.get(reverse("announcements_personal:atom", args=["mittkoping", token])).status_code
        == 404
    )


def test_the_calendar_lists_the_review_date_and_activity_ends(client, cast):
    version = adopt(cast.org, review_date=timezone.localdate() + timedelta(days=200))
    token = give_feed_token(cast.org, cast.teacher)
    response = client.get(reverse("announcements_personal:ical", args=["mittkoping", token]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\n")
    assert f"DTSTART;VALUE=DATE:{version.review_date:%Y%m%d}" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_the_news_page_advertises_the_feeds(client, cast):
    client.force_login(cast.teacher)
    body = client.get(reverse("announcements:news", args=["mittkoping"])).content.decode()
    assert 'type="application/atom+xml"' in body


def test_the_calendar_has_the_start_pages_dates_steering_changes_and_survey_ends(client, cast):
    from malbild.steering.tests.builders import make_change, make_document
    from malbild.surveys.tests.builders import make_survey

    today = timezone.localdate()
    change = make_change(make_document(cast.org), today + timedelta(days=30))
    survey = make_survey(cast.org, cast.school, group_label="5B",
                         closes_on=today + timedelta(days=9))  # fmt: skip
    token = give_feed_token(cast.org, cast.teacher)
    body = client.get(reverse("announcements_personal:ical", args=["mittkoping", token]))
    text = body.content.decode().replace("\r\n ", "")  # unfolded
    assert f"UID:steering-{change.pk}@" in text
    assert f"DTSTART;VALUE=DATE:{change.date:%Y%m%d}" in text
    assert "SUMMARY:Skollagen: " in text
    assert f"UID:survey-{survey.pk}@" in text
    assert f"DTSTART;VALUE=DATE:{survey.closes_on:%Y%m%d}" in text
    assert "Åsens skola\\, 5B" in text or "Åsens skola, 5B" in text


def test_the_calendar_has_the_last_days_of_the_rounds_one_answers(client, cast):
    from malbild.assessments.models import AssessmentRound
    from malbild.assessments.tests.builders import make_round
    from malbild.tenants.scope import scope

    day = timezone.localdate() + timedelta(days=12)
    mine = make_round(cast.org, cast.school, [cast.teacher], title="Självskattning VT")
    others = make_round(cast.org, cast.school, [cast.rektor], title="Rektorns runda")
    with scope(cast.org):
        AssessmentRound.objects.filter(pk__in=[mine.pk, others.pk]).update(closes_on=day)
    token = give_feed_token(cast.org, cast.teacher)
    body = client.get(reverse("announcements_personal:ical", args=["mittkoping", token]))
    text = body.content.decode().replace("\r\n ", "")  # unfolded
    assert f"UID:round-{mine.pk}@" in text
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in text
    assert "Självskattning VT" in text
    assert f"UID:round-{others.pk}@" not in text  # a round the person does not answer
