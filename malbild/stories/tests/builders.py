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


# Pictures as cameras and phones write them: a marker in every kind of metadata they carry, and
# an orientation the picture must be turned by.
MARKER = "MALBILD-SECRET-63.8258N-20.2630E"
XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:description="{MARKER}"/></rdf:RDF>'
    '</x:xmpmeta><?xpacket end="w"?>'
)


def _exif(orientation: int) -> Any:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010E] = MARKER  # ImageDescription
    exif[0x010F] = "MarkerPhone"  # Make
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (63.0, 49.0, 33.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (20.0, 15.0, 47.0)
    return exif


def dirty_picture(
    kind: str = "JPEG", size: tuple[int, int] = (40, 20), orientation: int = 6
) -> bytes:
    """A picture whose EXIF (with GPS), XMP, ICC profile and comments all carry MARKER."""
    import io

    from PIL import Image, ImageCms
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", size, (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    options: dict[str, Any] = {"exif": _exif(orientation), "icc_profile": icc, "xmp": XMP.encode()}
    if kind == "JPEG":
        options["comment"] = MARKER
    if kind == "PNG":
        info = PngInfo()
        info.add_text("Comment", MARKER)
        info.add_itxt("XML:com.adobe.xmp", XMP)
        options["pnginfo"] = info
    image.save(out, kind, **options)
    data = out.getvalue()
    assert MARKER.encode() in data
    return data
