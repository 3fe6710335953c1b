from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from malbild.server.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a checked backup of the database to FILE: SQLite's online backup, or pg_dump's "
        "custom format for PostgreSQL. Exit status 0 only when the backup passed its check."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="Where to write the backup.")

    def handle(self, *args: Any, file: Path, **opts: Any) -> None:
        try:
            outcome = backup(file)
        except BackupError as e:
            raise CommandError(f"No backup written: {e}") from None
        self.stdout.write(
            f"Backup written to {outcome.path}: {outcome.tables} tables, "
            f"{outcome.size / 1_000_000:.1f} MB, integrity check passed."
        )
