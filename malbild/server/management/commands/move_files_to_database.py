from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from malbild.server.storage import move_from_disk


class Command(BaseCommand):
    help = (
        "Move the files kept on disk under MALBILD_MEDIA_ROOT (before they were kept in the "
        "database) into the database, each under its own name. Safe to run again: files already "
        "stored are left alone. With --delete, each file is removed from disk once stored."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--from", dest="root", type=Path, default=None,
            help="The folder to move from (default: MALBILD_MEDIA_ROOT).",
        )  # fmt: skip
        parser.add_argument(
            "--delete", action="store_true", help="Remove each file from disk once it is stored."
        )

    def handle(self, *args: Any, root: Path | None, delete: bool, **opts: Any) -> None:
        folder = Path(root or settings.MEDIA_ROOT)
        result = move_from_disk(folder, delete=delete)
        self.stdout.write(
            f"{folder}: {len(result.moved)} file(s) moved into the database, "
            f"{len(result.already)} already there."
        )
        if result.conflicts:
            raise CommandError(
                "These files are stored in the database already with another size, and were left "
                "on disk: " + ", ".join(result.conflicts)
            )
