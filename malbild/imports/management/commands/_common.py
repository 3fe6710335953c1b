"""What the import and export commands share: the organisation by slug and progress on a
terminal."""

import sys
from collections.abc import Callable
from typing import TextIO

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from malbild.tenants.models import Organisation


def organisation_named(slug: str) -> Organisation:
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise CommandError(
            _("There is no organisation with the address name %(slug)s.") % {"slug": slug}
        )
    return found


def progress_printer(stream: TextIO, label: str) -> Callable[[int, int], None] | None:
    """Progress on one line, only when the command runs in a terminal."""
    if not stream.isatty():
        return None

    def show(done: int, total: int) -> None:
        stream.write(f"\r{label} {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


__all__ = ["organisation_named", "progress_printer", "sys"]
