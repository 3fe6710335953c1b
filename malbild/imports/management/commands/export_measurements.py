"""`malbild export_measurements --organisation SLUG FILE`: every measurement of one
organisation to a CSV or .xlsx file (by the file's extension), in the import layout."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from malbild.imports import files, measurements
from malbild.imports.management.commands._common import organisation_named
from malbild.tenants.scope import scope


class _Counter:
    def __init__(self, rows: Any) -> None:
        self.rows, self.count = rows, -1  # the header is not a value

    def __iter__(self) -> Any:
        for row in self.rows:
            self.count += 1
            yield row


class Command(BaseCommand):
    help = "Export one organisation's measurements to a CSV or .xlsx file (by its extension)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("file", help="where to write: a .csv or .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._export(options["organisation"], Path(options["file"]))

    def _export(self, slug: str, path: Path) -> None:
        organisation = organisation_named(slug)
        try:
            kind = files.format_of(path.name)
        except files.FileProblem as e:
            raise CommandError(str(e)) from None
        partial = path.with_name(path.name + ".part")
        try:
            with scope(organisation):
                if kind == files.XLSX:
                    rows = _Counter(measurements.export_rows(organisation, numbers=True))
                    with partial.open("wb") as out:
                        files.write_xlsx(iter(rows), out)
                else:
                    rows = _Counter(measurements.export_rows(organisation))
                    with partial.open("w", encoding="utf-8", newline="") as text:
                        files.write_csv(iter(rows), text)
            partial.replace(path)
        except OSError as e:
            partial.unlink(missing_ok=True)
            raise CommandError(
                _("The file cannot be written: %(problem)s") % {"problem": e.strerror}
            ) from None
        self.stdout.write(
            _("Exported %(rows)s values of %(organisation)s to %(file)s.")
            % {"rows": rows.count, "organisation": organisation.slug, "file": path.name}
        )
