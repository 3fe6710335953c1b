"""Success stories: writing, quotes and images with consent, approval, the public pages and
feed, and withdrawn consent — with the bad input the issue lists."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from conftest import audit_events
from malbild.lib.tests.spam import started_earlier
from malbild.stories import images
from malbild.stories.models import Quote, Story, StoryImage
from malbild.stories.tests.builders import (
    JPEG_HEAD,
    PNG,
    WEBP_HEAD,
    make_story,
    png_upload,
)
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"stories:{name}", args=["mittkoping", *args])


def public_url(name, *args):
    return reverse(f"stories_public:{name}", args=["mittkoping", *args])


@pytest.mark.parametrize(
    ("head", "kind"),
    [(PNG, "image/png"), (JPEG_HEAD, "image/jpeg"), (WEBP_HEAD, "image/webp"),
     (b"GIF89a" + b"\x00" * 20, None), (b"%PDF-1.7", None), (b"<svg onload=x>", None)],
)  # fmt: skip
def test_images_are_known_by_their_bytes(head, kind):
    assert images.sniff(head[:12]) == kind


def test_a_unit_lead_adds_an_image_with_alt_text(client, cast):
    story = make_story(cast.org, unit=cast.school, status=Story.Status.DRAFT)
    client.force_login(cast.rektor)
    response = client.post(
        url("image_add", story.pk),
        {"image": png_upload("semester.gif"), "alt_text": "Elever vid en robot",
         "shows_pupil": "on", "consent_by": "guardian"},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(cast.org):
        image = StoryImage.objects.get(story=story)
    assert image.content_type == "image/png"
    assert image.file.name.endswith(".png")  # named by its content, not by the upload
    assert image.consent_by == "guardian"
    assert image.consent_at is not None
    served = client.get(url("story_image", image.pk))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    # Written anew (test_pictures.py): the same pixels, not the same bytes.
    served_image = Image.open(io.BytesIO(b"".join(served.streaming_content)))
    assert served_image.tobytes() == Image.open(io.BytesIO(PNG)).tobytes()


@pytest.mark.parametrize(
    ("upload", "data", "message"),
    [
        # Not an image at all, whatever its name says.
        (SimpleUploadedFile("bild.png", b"<script>alert(1)</script>", "image/png"), {},
         "is not a PNG, JPEG or WebP image"),
        # Too large.
        (SimpleUploadedFile("stor.png", PNG + b"\x00" * (images.MAX_IMAGE_BYTES + 1),
                            "image/png"), {}, "larger than 5 MB"),
        # No alt text.
        (png_upload(), {"alt_text": "   "}, "Describe the image"),
        # Shows a pupil, but no consent.
        (png_upload(), {"shows_pupil": "on", "consent_by": ""}, "needs consent"),
    ],
)  # fmt: skip
def test_bad_images_are_refused_with_a_clear_message(client, cast, upload, data, message):
    story = make_story(cast.org, unit=cast.school, status=Story.Status.DRAFT)
    client.force_login(cast.rektor)
    with translation.override("en"):
        response = client.post(
            url("image_add", story.pk),
            {"image": upload, "alt_text": "Elever", "consent_by": "", **data},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    with scope(cast.org):
        assert not StoryImage.objects.exists()


def test_a_quote_needs_consent(client, cast):
    story = make_story(cast.org, unit=cast.school, status=Story.Status.DRAFT, quote=None)
    client.force_login(cast.rektor)
    response = client.post(url("quote_add", story.pk), {"text": "Roligt!", "speaker": ""})
    assert response.status_code == 200
    with scope(cast.org):
        assert not Quote.objects.exists()


def test_approved_story_shows_publicly_and_in_the_feed(client, cast):
    story = make_story(cast.org, "Robotkodning i åk 3", unit=cast.school,
                       status=Story.Status.SUBMITTED)  # fmt: skip
    assert client.get(public_url("story_detail", story.pk)).status_code == 404
    client.force_login(cast.rektor)
    assert client.post(url("story_publish", story.pk)).status_code == 302
    assert audit_events(action="communication.story_published")
    client.logout()
    page = client.get(public_url("stories")).content.decode()
    assert "Robotkodning i åk 3" in page
    assert "en loop" in page
    feed = client.get(public_url("stories_atom")).content.decode()
    assert "Robotkodning i åk 3" in feed
    assert "en loop" in feed


def test_a_unit_lead_cannot_publish_another_units_story(client, cast):
    story = make_story(cast.org, unit=cast.other_school, status=Story.Status.SUBMITTED)
    client.force_login(cast.rektor)
    assert client.post(url("story_publish", story.pk)).status_code == 403


def test_withdrawn_consent_removes_quote_and_image_everywhere(
    client, cast, django_capture_on_commit_callbacks
):
    story = make_story(cast.org, unit=cast.school, image=True)
    with scope(cast.org):
        quote = Quote.objects.get(story=story)
        image = StoryImage.objects.get(story=story)
    name, storage = image.file.name, image.file.storage
    detail = client.get(public_url("story_detail", story.pk))
    assert "en loop" in detail.content.decode()
    image_url = public_url("story_image", image.pk)
    assert image_url in detail.content.decode()
    assert client.get(image_url).status_code == 200

    client.force_login(cast.rektor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("quote_withdraw", quote.pk))
        client.post(url("image_withdraw", image.pk))
    members = client.get(url("story_detail", story.pk)).content.decode()
    assert "en loop" not in members
    assert "after its consent was withdrawn" in members or "samtycket" in members
    client.logout()

    again = client.get(public_url("story_detail", story.pk), HTTP_IF_NONE_MATCH=detail["ETag"])
    assert again.status_code == 200  # the ETag changed with the withdrawal
    assert "en loop" not in again.content.decode()
    assert image_url not in again.content.decode()
    assert "en loop" not in client.get(public_url("stories")).content.decode()
    assert "en loop" not in client.get(public_url("stories_atom")).content.decode()
    assert client.get(image_url).status_code == 404
    assert not storage.exists(name)  # the file is deleted
    with scope(cast.org):
        quote.refresh_from_db()
    assert quote.text == ""
    assert quote.withdrawn_at is not None


def test_scripts_in_stories_are_sanitised(client, cast):
    make_story(
        cast.org,
        "Säker berättelse",
        body="<script>alert('x')</script> [klick](javascript:alert(1)) **fet**",
        quote="<img src=x onerror=alert(1)>",
    )
    with scope(cast.org):
        story = Story.objects.get(title="Säker berättelse")
    for page in (client.get(public_url("story_detail", story.pk)),
                 client.get(public_url("stories_atom"))):  # fmt: skip
        body = page.content.decode()
        assert "<script>" not in body
        assert "<img src=x" not in body  # shown as text, escaped
        assert 'href="javascript:' not in body


def test_another_organisations_story_is_404(client, cast):
    story = make_story(cast.ekby, "Ekbys berättelse")
    with scope(cast.ekby):
        quote = Quote.objects.get(story=story)
    client.force_login(cast.admin)
    assert client.get(url("story_detail", story.pk)).status_code == 404
    assert client.post(url("quote_withdraw", quote.pk)).status_code == 404
    assert client.get(public_url("story_detail", story.pk)).status_code == 404


def test_pupils_submit_stories_for_moderation(client, cast):
    data = {"consent_by": "pupil", "title": "Jag fick hjälp med dyslexin",
            "text": "Talsyntesen gör att jag hänger med.", "speaker": "Elev i åk 9",
            "unit": cast.school.pk, "consent": "on", "website": "",
            "started": started_earlier()}  # fmt: skip
    response = client.post(public_url("story_submit"), data)
    assert response.status_code == 302
    with scope(cast.org):
        story = Story.objects.get(title="Jag fick hjälp med dyslexin")
        quote = Quote.objects.get(story=story)
    assert story.status == Story.Status.SUBMITTED
    assert story.origin == Story.Origin.SUBMITTED
    assert quote.consent_by == "pupil"
    assert quote.consent_at is not None
    assert "Jag fick hjälp" not in client.get(public_url("stories")).content.decode()
    client.force_login(cast.rektor)
    assert "Jag fick hjälp" in client.get(url("stories") + "?visa=granska").content.decode()


def test_a_submission_without_consent_is_refused(client, cast):
    data = {
        "consent_by": "pupil",
        "title": "Utan samtycke",
        "text": "Text",
        "website": "",
        "started": started_earlier(),
    }
    response = client.post(public_url("story_submit"), data)
    assert response.status_code == 400
    with scope(cast.org):
        assert not Story.objects.exists()


def test_the_list_of_stories_keeps_a_constant_number_of_queries(client, cast):
    client.force_login(cast.reader)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("stories")).status_code == 200
        return len(ctx)

    make_story(cast.org, "En", image=True)
    one = count()
    for n in range(5):
        make_story(cast.org, f"Fler {n}", unit=cast.school, image=True)
    assert count() == one
    with CaptureQueriesContext(connection) as ctx:
        client.get(public_url("stories"))
    few = len(ctx)
    make_story(cast.org, "Ännu en", image=True)
    with CaptureQueriesContext(connection) as ctx:
        client.get(public_url("stories"))
    assert len(ctx) == few
