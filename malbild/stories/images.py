"""Checking an uploaded picture by what it contains, never by its name: PNG, JPEG or WebP,
recognised by their first bytes, and no larger than MAX_IMAGE_MB."""

import secrets

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_IMAGE_MB = 5
MAX_IMAGE_BYTES = MAX_IMAGE_MB * 1024 * 1024

# content type -> (file ending, a test of the first 12 bytes)
KINDS = {
    "image/png": (".png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "image/jpeg": (".jpg", lambda head: head.startswith(b"\xff\xd8\xff")),
    "image/webp": (".webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
ACCEPT = ",".join(KINDS)


def sniff(head: bytes) -> str | None:
    """The content type the bytes show, or None for anything but PNG, JPEG and WebP."""
    for content_type, (_ending, test) in KINDS.items():
        if test(head):
            return content_type
    return None


def check(upload: UploadedFile) -> str:
    """The upload's true content type; renames it to a random name with the right ending.
    Raises ValidationError with a message the person can act on."""
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(mb)s MB. Make it smaller and upload it again."),
            params={"mb": MAX_IMAGE_MB},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise ValidationError(
            _(
                "The file is not a PNG, JPEG or WebP image. Save the picture in one of those "
                "formats."
            ),
            code="not_image",
        )
    ending = KINDS[content_type][0]
    upload.name = f"{secrets.token_hex(12)}{ending}"
    return content_type


def delete_file(field: object) -> None:
    """Remove a stored file if it is there (withdrawn consent)."""
    name = getattr(field, "name", "")
    storage = getattr(field, "storage", None)
    if name and storage is not None and storage.exists(name):
        storage.delete(name)
