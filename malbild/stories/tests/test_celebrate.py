"""Celebrating: the organisation's age of consent, highlighted stories on the dashboards and the
public pages, the invitation to tell the story when a goal reaches its target, and pictures sent
in through the public form."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from conftest import audit_events
from malbild.announcements.models import Subscription
from malbild.announcements.tests.builders import give_feed_token
from malbild.dashboards.tests.builders import make_goal
from malbild.goals.tests.builders import link, make_indicator
from malbild.lib.tests.spam import started_earlier
from malbild.stories import invitations
from malbild.stories.images import MAX_IMAGE_BYTES
from malbild.stories.models import Quote, Story, StoryImage, StoryInvitation
from malbild.stories.tasks import invite_storytellers
from malbild.stories.tests.builders import PNG, make_story, png_upload
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"stories:{name}", args=["mittkoping", *args])


def public_url(name, *args):
    namespace = "goals_public" if name == "goals" else "stories_public"
    return reverse(f"{namespace}:{name}", args=["mittkoping", *args])


# The age of consent ---------------------------------------------------------------------------


def test_the_age_of_consent_is_16_unless_the_organisation_sets_another(client, cast):
    assert cast.org.consent_age == 16
    story = make_story(cast.org, unit=cast.school, status=Story.Status.DRAFT, quote=None)
    client.force_login(cast.rektor)
    assert "aged 16 or over" in client.get(url("quote_add", story.pk)).content.decode()

    client.force_login(cast.admin)
    response = client.post(url("consent_age"), {"consent_age": "15"})
    assert response.status_code == 302
    assert Organisation.objects.get(pk=cast.org.pk).consent_age == 15
    (event,) = audit_events(action="communication.consent_age_changed")
    assert (event.before, event.after) == ({"consent_age": 16}, {"consent_age": 15})

    client.force_login(cast.rektor)
    for page in (url("quote_add", story.pk), url("image_add", story.pk)):
        body = client.get(page).content.decode()
        assert "aged 15 or over" in body
        # The old age is gone from the page (the random CSRF token may hold a "16").
        main = re.sub(r'<input type="hidden"[^>]*>', "", body.split("<main", 1)[1])
        assert "16" not in main
    client.logout()
    submit = client.get(public_url("story_submit"), headers={"Accept-Language": "en"})
    submit = submit.content.decode()
    assert "A pupil aged 15 or over" in submit
    assert "for a pupil under 15" in submit


@pytest.mark.parametrize(
    ("value", "message"),
    [("12", "Give an age from 13 to 18."), ("19", "Give an age from 13 to 18."),
     ("sexton", "Give the age as a whole number of years"), ("", "Give the age of consent.")],
)  # fmt: skip
def test_an_age_of_consent_out_of_bounds_is_refused_with_a_clear_message(
    client, cast, value, message
):
    client.force_login(cast.admin)
    response = client.post(url("consent_age"), {"consent_age": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Organisation.objects.get(pk=cast.org.pk).consent_age == 16
    assert not audit_events(action="communication.consent_age_changed")


def test_only_an_administrator_sets_the_age_of_consent(client, cast):
    client.force_login(cast.rektor)
    assert client.post(url("consent_age"), {"consent_age": "13"}).status_code == 403
    client.force_login(cast.ekby_admin)
    assert client.post(url("consent_age"), {"consent_age": "13"}).status_code == 404
    assert Organisation.objects.get(pk=cast.org.pk).consent_age == 16


# Highlights -----------------------------------------------------------------------------------


def dashboard(client, cast, unit=None):
    name, args = ("dashboards:unit", [unit.pk]) if unit else ("dashboards:organisation", [])
    return client.get(reverse(name, args=["mittkoping", *args])).content.decode()


def test_a_unit_lead_highlights_a_published_story_on_the_dashboards_at_once(
    client, cast, django_capture_on_commit_callbacks
):
    story = make_story(cast.org, "Podden om skolgården", unit=cast.school)
    client.force_login(cast.reader)
    assert "Podden om skolgården" not in dashboard(client, cast)  # now cached

    client.force_login(cast.rektor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("story_highlight", story.pk), {"on": "1"}, follow=True)
    assert "is now highlighted" in response.content.decode()
    assert audit_events(action="communication.story_highlighted")

    client.force_login(cast.reader)
    for page in (dashboard(client, cast), dashboard(client, cast, cast.school)):
        assert "Podden om skolgården" in page
        assert "en loop" in page  # the pupil's words
    assert "Podden om skolgården" not in dashboard(client, cast, cast.other_school)

    client.force_login(cast.rektor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("story_highlight", story.pk), {"on": "0"}, follow=True)
    client.force_login(cast.reader)
    assert "Podden om skolgården" not in dashboard(client, cast)


def test_only_a_published_story_can_be_highlighted_by_its_units_leads(client, cast):
    draft = make_story(cast.org, unit=cast.school, status=Story.Status.DRAFT)
    other = make_story(cast.org, unit=cast.other_school)
    client.force_login(cast.rektor)
    response = client.post(url("story_highlight", draft.pk), {"on": "1"}, follow=True)
    assert "Only a published story can be highlighted." in response.content.decode()
    assert client.post(url("story_highlight", other.pk), {"on": "1"}).status_code == 403
    client.force_login(cast.teacher)
    assert client.post(url("story_highlight", draft.pk), {"on": "1"}).status_code == 403
    with scope(cast.org):
        assert not Story.objects.filter(highlighted=True).exists()


def test_highlights_on_the_public_pages_follow_consent_and_publication(
    client, cast, django_capture_on_commit_callbacks
):
    from malbild.goals.tests.builders import adopt

    adopt(cast.org)
    story = make_story(cast.org, "Podden om skolgården", unit=cast.school, highlighted=True)
    home = reverse("dashboards_public:home", args=["mittkoping"])
    goals = public_url("goals")
    first = client.get(goals)
    for body in (client.get(home).content.decode(), first.content.decode()):
        assert "Podden om skolgården" in body
        assert "en loop" in body

    client.force_login(cast.rektor)
    with scope(cast.org):
        quote = Quote.objects.get(story=story)
    client.post(url("quote_withdraw", quote.pk))
    client.logout()
    again = client.get(goals, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200  # the ETag covers the highlights
    assert "Podden om skolgården" in again.content.decode()
    assert "en loop" not in again.content.decode()
    assert "en loop" not in client.get(home).content.decode()

    client.force_login(cast.rektor)
    client.post(url("story_reject", story.pk))  # taken down
    client.logout()
    assert "Podden om skolgården" not in client.get(goals).content.decode()
    assert "Podden om skolgården" not in client.get(home).content.decode()
    with scope(cast.org):
        story.refresh_from_db()
    assert not story.highlighted  # published again later, it is not lifted without asking


# Invitations when a goal reaches its target ---------------------------------------------------


def reached(cast, title="Alla elever programmerar", progress="100", **fields):
    return make_goal(cast.org, cast.school, title, progress=progress, expected="90", **fields)


def test_the_owners_of_a_goal_that_reached_its_target_are_invited_once(
    client, cast, django_capture_on_commit_callbacks, monkeypatch
):
    cast.teacher.language = "sv"
    cast.teacher.save()
    languages = {}
    render = invitations.loader.render_to_string

    def rendered_in(template, context):
        languages[context["person"].email] = translation.get_language()
        return render(template, context)

    monkeypatch.setattr(invitations.loader, "render_to_string", rendered_in)
    goal = reached(cast, owner=cast.teacher)
    reached(cast, "Nästan där", progress="99.9")
    make_goal(cast.org, cast.school, "Utkast", progress="100", status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_storytellers.call() == 1
    to_rektor = [m for m in mail.outbox if cast.rektor.email in m.to]
    to_teacher = [m for m in mail.outbox if cast.teacher.email in m.to]
    assert len(mail.outbox) == 2
    assert "Alla elever programmerar" in to_rektor[0].subject
    assert "reached its target" in to_rektor[0].body
    assert f"/o/mittkoping/berattelser/ny/?mal={goal.pk}" in to_rektor[0].body
    assert to_teacher
    assert languages == {cast.rektor.email: "en", cast.teacher.email: "sv"}  # their own
    with scope(cast.org):
        invitation = StoryInvitation.objects.get()
    assert invitation.goal == goal
    assert invitation.recipients == 2
    assert audit_events(action="communication.story_invited")

    with django_capture_on_commit_callbacks(execute=True):
        assert invite_storytellers.call() == 0  # the next run, or the next measurement
    assert len(mail.outbox) == 2


def test_a_raised_target_reached_again_is_a_new_invitation(
    cast, django_capture_on_commit_callbacks
):
    from malbild.indicators.models import IndicatorTarget

    goal = reached(cast)
    indicator = make_indicator(cast.org, targets={"2026": "80"})
    link(goal, indicator)
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_storytellers.call() == 1
    with scope(cast.org):
        IndicatorTarget.objects.filter(indicator=indicator).update(value=Decimal("90"))
    with django_capture_on_commit_callbacks(execute=True):
        assert invite_storytellers.call() == 1
    with scope(cast.org):
        assert StoryInvitation.objects.count() == 2


def test_a_person_who_turned_mail_off_is_invited_in_the_feed_only(
    client, cast, django_capture_on_commit_callbacks
):
    with scope(cast.org):
        Subscription.objects.create(organisation=cast.org, user=cast.rektor, digest=False)
    goal = reached(cast)
    with django_capture_on_commit_callbacks(execute=True):
        invite_storytellers.call()
    assert mail.outbox == []
    token = give_feed_token(cast.org, cast.rektor)
    feed = client.get(reverse("announcements_personal:atom", args=["mittkoping", token]))
    body = feed.content.decode()
    assert "A goal has been reached: Alla elever programmerar" in body
    assert f"/o/mittkoping/berattelser/ny/?mal={goal.pk}" in body
    teacher = give_feed_token(cast.org, cast.teacher, "annan-token-456")
    other = client.get(reverse("announcements_personal:atom", args=["mittkoping", teacher]))
    assert "Alla elever programmerar" not in other.content.decode()


def test_the_invitation_leads_to_a_story_form_prefilled_with_the_goal(client, cast):
    goal = reached(cast)
    with scope(cast.org):
        invitations.invite(cast.org)
    client.force_login(cast.rektor)
    page = client.get(url("stories")).content.decode()
    assert "Goals reached: tell the story" in page
    assert f"?mal={goal.pk}" in page
    form = client.get(url("story_create") + f"?mal={goal.pk}")
    body = form.content.decode()
    assert "We reached the goal: Alla elever programmerar" in body
    assert f'<option value="{goal.pk}" selected>' in body
    ekby = make_goal(cast.ekby, cast.ekby_school, "Ekbys mål", progress="100")
    for bad in ("abc", "9" * 30, str(goal.pk + 1000), str(ekby.pk)):
        response = client.get(url("story_create") + f"?mal={bad}")
        assert response.status_code == 200
        assert "We reached the goal" not in response.content.decode()
    client.force_login(cast.reader)
    assert "Goals reached" not in client.get(url("stories")).content.decode()


# Pictures sent in through the public form -------------------------------------------------------


def submission(**extra):
    return {"consent_by": "guardian", "title": "Robotklubben", "text": "Hon älskar robotarna.",
            "speaker": "Förälder", "unit": "", "consent": "on", "website": "",
            "started": started_earlier(), **extra}  # fmt: skip


def test_a_guardian_sends_a_picture_with_the_story(client, cast):
    response = client.post(
        public_url("story_submit"),
        submission(image=png_upload("robot.gif"), alt_text="En robot byggd av lego"),
    )
    assert response.status_code == 302
    with scope(cast.org):
        image = StoryImage.objects.get(story__title="Robotklubben")
    assert image.content_type == "image/png"
    assert image.alt_text == "En robot byggd av lego"
    assert (image.shows_pupil, image.consent_by) == (True, "guardian")
    assert image.consent_at is not None
    assert image.story.status == Story.Status.SUBMITTED
    assert client.get(public_url("story_image", image.pk)).status_code == 404  # not yet approved


@pytest.mark.parametrize(
    ("upload", "alt_text", "message"),
    [(lambda: png_upload("x.png", b"%PDF-1.7 not a picture"), "Ett papper",
      "The file is not a PNG, JPEG or WebP image"),
     (lambda: png_upload("big.png", PNG + b"\0" * MAX_IMAGE_BYTES), "Stor bild",
      "The image is larger than 5 MB"),
     (lambda: png_upload(), "  ", "Describe the picture for those who cannot see it.")],
)  # fmt: skip
def test_a_bad_picture_on_the_public_form_is_refused_with_a_clear_message(
    client, cast, upload, alt_text, message
):
    response = client.post(
        public_url("story_submit"),
        submission(image=upload(), alt_text=alt_text),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    with scope(cast.org):
        assert not Story.objects.exists()
        assert not StoryImage.objects.exists()


def test_highlights_cost_the_dashboard_one_query_whatever_their_number(client, cast):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cast.reader)

    def count() -> int:
        caches["pages"].clear()  # the content is rendered afresh, not read from the cache
        with CaptureQueriesContext(connection) as ctx:
            dashboard(client, cast, cast.school)
        return len(ctx)

    none = count()
    make_story(cast.org, "En", unit=cast.school, highlighted=True)
    one = count()
    for n in range(4):
        make_story(cast.org, f"Fler {n}", unit=cast.team, highlighted=True)
    assert one == count()
    assert one == none  # one query for the highlights, shown or not
