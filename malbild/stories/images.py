"""Pictures people upload, by members or through the public story form. Checked by what they
contain, never by their name (PNG, JPEG or WebP, recognised by their first bytes, at most
MAX_IMAGE_MB), then decoded and written anew with Pillow, so that nothing but the pixels
survives: no EXIF (GPS position, device, time), XMP, ICC profile, comment or text chunk. The
camera's orientation is applied first, the colours are converted to sRGB, and the picture is
made no larger than MAX_SIDE pixels on its longer side. A picture that declares more than
MAX_PIXELS is refused before it is decoded (a decompression bomb: a small file that fills
gigabytes once decoded). Pictures stored before this was so are cleaned by the data migration
`0003_clean_stored_pictures`, through :func:`clean_stored`."""

import io
import logging
import secrets
from typing import Any

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

log = logging.getLogger(__name__)

MAX_IMAGE_MB = 5
MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024
# A 48-megapixel phone camera's full picture passes; decoding it takes about 150 MB.
MAX_PIXELS = 50_000_000
MAX_SIDE = 2048  # pixels on the longer side of a stored picture: sharp on a page and in a PDF
JPEG_QUALITY = 85

# content type -> (file ending, a test of the first 12 bytes, Pillow's reader, Pillow's format)
KINDS: dict[str, tuple[str, Any, Any, str]] = {
    "image/png": (
        ".png",
        lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
        PngImagePlugin.PngImageFile,
        "PNG",
    ),
    "image/jpeg": (
        ".jpg",
        lambda head: head.startswith(b"\xff\xd8\xff"),
        JpegImagePlugin.JpegImageFile,
        "JPEG",
    ),
    "image/webp": (
        ".webp",
        lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
        WebPImagePlugin.WebPImageFile,
        "WEBP",
    ),
}
ACCEPT = ",".join(KINDS)


class Picture(ContentFile):
    """A picture written anew by :func:`clean`, under a random name with the right ending: the
    one kind of file the services store as it is."""

    def __init__(self, content: bytes, content_type: str) -> None:
        super().__init__(content, name=f"{secrets.token_hex(12)}{KINDS[content_type][0]}")
        self.content_type = content_type


def sniff(head: bytes) -> str | None:
    """The content type the bytes show, or None for anything but PNG, JPEG and WebP."""
    for content_type, (_ending, test, _reader, _format) in KINDS.items():
        if test(head):
            return content_type
    return None


def clean(upload: Any) -> Picture:
    """The upload as a clean picture (a Picture is returned as it is). Raises ValidationError
    with a message the person can act on."""
    if isinstance(upload, Picture):
        return upload
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(mb)s MB. Make it smaller and upload it again."),
            params={"mb": MAX_IMAGE_MB},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(MAX_IMAGE_BYTES + 1)
    upload.seek(0)
    if len(data) > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(mb)s MB. Make it smaller and upload it again."),
            params={"mb": MAX_IMAGE_MB},
            code="too_large",
        )
    content, content_type = rewrite(data)
    return Picture(content, content_type)


def rewrite(data: bytes) -> tuple[bytes, str]:
    """The picture in `data` decoded and written anew, with nothing but its pixels, and its
    content type. Raises ValidationError for what is not a picture, too many pixels, or a
    picture that cannot be decoded."""
    content_type = sniff(data[:12])
    if content_type is None:
        raise ValidationError(
            _(
                "The file is not a PNG, JPEG or WebP image. Save the picture in one of those "
                "formats."
            ),
            code="not_image",
        )
    _ending, _test, reader, kind = KINDS[content_type]
    try:
        # The format's own reader reads the header only; its size is checked below, before a
        # pixel is decoded (stricter than Pillow's own check in Image.open, which it bypasses).
        image = reader(io.BytesIO(data))
    except Exception:  # Pillow raises anything from SyntaxError to struct.error on bad input
        raise _unreadable() from None
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _(
                "The picture is %(width)s × %(height)s pixels; at most %(max)s megapixels can be "
                "uploaded. Make it smaller and upload it again."
            ),
            params={
                "width": number_format(width, force_grouping=True),
                "height": number_format(height, force_grouping=True),
                "max": MAX_PIXELS // 1_000_000,
            },
            code="too_many_pixels",
        )
    try:
        return _written_anew(image, kind), content_type
    except Exception:  # a damaged or cut-off picture fails anywhere in the decoder
        raise _unreadable() from None


def _unreadable() -> ValidationError:
    return ValidationError(
        _(
            "The picture cannot be read: the file may be damaged or cut off. Save it again as "
            "PNG, JPEG or WebP and upload it once more."
        ),
        code="unreadable",
    )


def _written_anew(image: Any, kind: str) -> bytes:
    if kind == "JPEG":
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at a reduced scale where it can
    image.load()
    icc = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    upright: Image.Image = ImageOps.exif_transpose(image) or image
    if icc and upright.mode in ("RGB", "RGBA", "L", "LA", "CMYK"):
        upright = _to_srgb(upright, icc)
    upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if kind == "JPEG":
        picture = upright if upright.mode in ("RGB", "L") else upright.convert("RGB")
        picture.info = {}
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif kind == "WEBP":
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or transparency is not None
        picture = upright.convert("RGBA" if has_alpha else "RGB")
        picture.info = {}
        picture.save(out, "WEBP", quality=JPEG_QUALITY)
    else:
        picture = upright
        # Transparency is part of the pixels (a palette's transparent entry), nothing else is.
        picture.info = {} if transparency is None else {"transparency": transparency}
        picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def _to_srgb(image: Image.Image, icc: bytes) -> Image.Image:
    """The picture in sRGB, the colours a browser assumes once its profile is gone (a phone's
    Display P3 photo would look dull without it); as it is if the profile cannot be used."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
        converted = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted or image


def delete_file(field: object) -> None:
    """Remove a stored file if it is there (withdrawn consent)."""
    name = getattr(field, "name", "")
    storage = getattr(field, "storage", None)
    if name and storage is not None and storage.exists(name):
        storage.delete(name)


def clean_stored(registry: Any = django_apps, model: str = "stories.StoryImage") -> tuple[int, int]:
    """Write every stored story picture anew, as :func:`clean` writes an upload: a new file
    under a new name, the row pointing at it in its own transaction, then the old file deleted
    (a process that dies leaves at most one file too many, never a row without its file). A
    stored file that cannot be decoded cannot be cleaned: it is deleted with its row. Returns
    (cleaned, deleted). `registry` is the migration's app registry when a migration calls it, and
    `model` the model's label there (the model was `communication.StoryImage` before stories
    became an app of its own)."""
    StoryImage = registry.get_model(model)
    cleaned = deleted = 0
    for pk in list(StoryImage._base_manager.exclude(file="").values_list("pk", flat=True)):
        image = StoryImage._base_manager.get(pk=pk)
        field = image.file
        old = field.name
        try:
            with field.storage.open(old, "rb") as handle:
                data = handle.read()
            content, content_type = rewrite(data)
        except (OSError, ValidationError) as e:
            log.warning("Story picture %s (%s) cannot be cleaned and is deleted: %s", pk, old, e)
            with transaction.atomic():
                StoryImage._base_manager.filter(pk=pk).delete()
            delete_file(field)
            deleted += 1
            continue
        picture = Picture(content, content_type)
        new = field.storage.save(field.field.generate_filename(image, picture.name), picture)
        with transaction.atomic():
            StoryImage._base_manager.filter(pk=pk).update(file=new, content_type=content_type)
        if field.storage.exists(old):
            field.storage.delete(old)
        cleaned += 1
    return cleaned, deleted
