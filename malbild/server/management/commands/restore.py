from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from malbild.server.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Check the backup in FILE, then restore it into the configured database. A database "
        "that holds organisations or people is only replaced with --force. Stop the web server "
        "and the workers first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="A backup written by `malbild backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the content of a database that already holds data.",
        )

    def handle(self, *args: Any, file: Path, force: bool, **opts: Any) -> None:
        try:
            outcome = restore(file, force=force)
        except BackupError as e:
            raise CommandError(f"Nothing restored: {e}") from None
        self.stdout.write(
            f"Restored {outcome.path}: {outcome.tables} tables, integrity check passed. "
            "Run `malbild migrate` if this version of Målbild is newer than the backup."
        )
