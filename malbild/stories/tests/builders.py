"""Small builders for the stories tests; they write with the models directly."""

from typing import Any

from django.utils import timezone

from malbild.stories.models import ConsentBy, Quote, Story, StoryImage
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64

WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def png_upload(name: str = "bild.png", content: bytes = PNG) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def make_story(
    org: Organisation,
    title: str = "Eleverna lärde de yngre att programmera",
    *,
    unit: OrgUnit | None = None,
    status: str = Story.Status.PUBLISHED,
    quote: str | None = "Jag fick visa ettorna hur man gör en loop!",
    image: bool = False,
    **fields: Any,
) -> Story:
    """A story (published by default) with one quote with a pupil's consent, and an image."""
    with scope(org):
        story = Story.objects.create(
            organisation=org,
            title=title,
            summary=fields.pop("summary", "Åk 6 blev faddrar i programmering."),
            body=fields.pop("body", "Under våren lärde sexorna ettorna att **programmera**."),
            unit=unit,
            status=status,
            published_at=timezone.now() if status == Story.Status.PUBLISHED else None,
            **fields,
        )
        if quote:
            Quote.objects.create(
                organisation=org,
                story=story,
                text=quote,
                speaker="Elev i åk 6",
                consent_by=ConsentBy.GUARDIAN,
                consent_at=timezone.now(),
            )
        if image:
            picture = StoryImage(
                organisation=org,
                story=story,
                content_type="image/png",
                alt_text="Två elever vid en dator",
                shows_pupil=True,
                consent_by=ConsentBy.GUARDIAN,
                consent_at=timezone.now(),
            )
            picture.file.save("bild.png", png_upload(), save=False)
            picture.save()
        return story
