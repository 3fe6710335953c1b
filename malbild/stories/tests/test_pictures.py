"""Every picture is decoded and written anew when it is uploaded, by members or through the
public story form: no EXIF (GPS, device, time), XMP, ICC profile or comment survives, the
camera's orientation is applied, the size is capped in pixels, and a decompression bomb or a
damaged picture is refused with a clear message. Pictures stored before are cleaned by a data
migration."""

import io
from importlib import import_module

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import translation
from PIL import Image

from malbild.lib.tests.spam import started_earlier
from malbild.stories import images
from malbild.stories.models import Story, StoryImage
from malbild.stories.tests.builders import MARKER, dirty_picture, make_story
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db
TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

CLEANING = ("communication", "0003_clean_stored_pictures")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(data: bytes, name: str = "IMG_0001.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def add_image(client, cast, data: bytes):
    story = make_story(cast.org, unit=cast.school, status=Story.Status.DRAFT)
    client.force_login(cast.admin)
    return client.post(
        reverse("stories:image_add", args=["mittkoping", story.pk]),
        {"image": upload(data), "alt_text": "Elever vid en robot", "consent_by": "guardian",
         "shows_pupil": "on"},
    )  # fmt: skip


def submit(client, data: bytes):
    return client.post(
        reverse("stories_public:story_submit", args=["mittkoping"]),
        {"consent_by": "guardian", "title": "Robotklubben", "text": "Hon älskar robotarna.",
         "speaker": "Förälder", "unit": "", "consent": "on", "website": "",
         "started": started_earlier(), "image": upload(data), "alt_text": "En robot"},
    )  # fmt: skip


def stored(cast) -> tuple[StoryImage, bytes]:
    with scope(cast.org):
        image = StoryImage.objects.get()
    with image.file.open("rb") as f:
        return image, f.read()


def assert_clean(data: bytes) -> Image.Image:
    assert MARKER.encode() not in data
    assert b"MarkerPhone" not in data
    assert b"adobe:ns:meta" not in data
    picture = Image.open(io.BytesIO(data))
    assert dict(picture.getexif()) == {}
    for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp", "Comment"):
        assert key not in picture.info, key
    return picture


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_a_members_picture_keeps_no_metadata_and_is_turned_upright(client, cast, kind):
    response = add_image(client, cast, dirty_picture(kind))
    assert response.status_code == 302
    image, data = stored(cast)
    picture = assert_clean(data)
    assert image.content_type == TYPES[kind]
    assert picture.format == kind
    assert picture.size == (20, 40)  # orientation 6: the camera was turned a quarter
    top = picture.convert("RGB").getpixel((10, 2))
    assert isinstance(top, tuple)
    assert top[2] > 150  # the blue half is now on top


def test_a_picture_sent_through_the_public_form_keeps_no_metadata(client, cast):
    assert submit(client, dirty_picture("JPEG")).status_code == 302
    image, data = stored(cast)
    assert image.story.status == Story.Status.SUBMITTED
    assert_clean(data)


def test_a_large_picture_is_made_smaller(client, cast):
    response = add_image(client, cast, dirty_picture("JPEG", size=(4000, 1000), orientation=1))
    assert response.status_code == 302
    assert Image.open(io.BytesIO(stored(cast)[1])).size == (images.MAX_SIDE, 512)


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds next to nothing: decoded, it would fill gigabytes."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_header(40_000, 40_000), "The picture is 40,000 × 40,000 pixels; at most 50"),
        (png_header(9_000, 6_000), "The picture is 9,000 × 6,000 pixels; at most 50"),
        (dirty_picture("JPEG")[:200], "The picture cannot be read"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "The picture cannot be read"),
    ],
    ids=["bomb", "too-many-pixels", "cut-off-jpeg", "broken-png"],
)
def test_a_bomb_or_a_damaged_picture_is_refused_with_a_clear_message(client, cast, data, message):
    response = add_image(client, cast, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    response = submit(client, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    with scope(cast.org):
        assert not StoryImage.objects.exists()


def test_pictures_stored_before_are_cleaned_by_the_data_migration(cast):
    story = make_story(cast.org)
    with scope(cast.org):
        image = StoryImage(organisation=cast.org, story=story, content_type="image/png",
                           alt_text="Gammal bild")  # fmt: skip
        image.file.save("gammal.png", ContentFile(dirty_picture("JPEG")), save=False)
        image.save()
        broken = StoryImage(organisation=cast.org, story=story, content_type="image/png",
                            alt_text="Trasig bild")  # fmt: skip
        broken.file.save("trasig.png", ContentFile(b"\x89PNG\r\n\x1a\nnothing"), save=False)
        broken.save()
    old_name = image.file.name
    migration = import_module("malbild.communication.migrations.0003_clean_stored_pictures")
    # The models as the migration sees them: StoryImage was still the communication app's.
    migration.clean(MigrationLoader(connection).project_state(CLEANING).apps, None)
    with scope(cast.org):
        image.refresh_from_db()
    assert image.content_type == "image/jpeg"
    assert image.file.name != old_name
    assert not image.file.storage.exists(old_name)
    with image.file.open("rb") as f:
        assert assert_clean(f.read()).size == (20, 40)
    with scope(cast.org):
        # What cannot be decoded cannot be cleaned: it is no longer kept.
        assert not StoryImage.objects.filter(pk=broken.pk).exists()
    assert not image.file.storage.exists(broken.file.name)
