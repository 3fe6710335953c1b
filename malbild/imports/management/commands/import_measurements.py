"""`malbild import_measurements --organisation SLUG FILE`: check and import a measurement file
(CSV or .xlsx) in this process, all or nothing, with the same rules as the web page."""

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from malbild.imports import services
from malbild.imports.management.commands._common import organisation_named, progress_printer
from malbild.imports.models import ImportRun
from malbild.tenants.scope import scope

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = "Import measurements from a CSV or .xlsx file into one organisation, all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument("file", help="a .csv or .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._import(options["organisation"], Path(options["file"]))

    def _import(self, slug: str, path: Path) -> None:
        organisation = organisation_named(slug)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(
                _("The file cannot be read: %(problem)s") % {"problem": e.strerror}
            ) from None
        with scope(organisation):
            run = services.import_file_now(
                organisation,
                name=path.name,
                data=data,
                progress=progress_printer(sys.stderr, _("Checked rows")),
            )
        if run.state != ImportRun.State.DONE:
            for row, message in run.errors[:SHOWN_ERRORS]:
                self.stderr.write(_("Row %(row)s: %(message)s") % {"row": row, "message": message})
            if run.error_count > SHOWN_ERRORS:
                self.stderr.write(
                    _("… and %(count)s more errors.") % {"count": run.error_count - SHOWN_ERRORS}
                )
            reason = run.message or _("%(count)s errors") % {"count": run.error_count}
            raise CommandError(
                _("Nothing was imported from %(file)s (import run %(run)s): %(reason)s")
                % {"file": path.name, "run": run.pk, "reason": reason}
            )
        self.stdout.write(
            _(
                "Imported %(rows)s values from %(file)s into %(organisation)s: %(new)s new, "
                "%(replaced)s replaced (import run %(run)s)."
            )
            % {
                "rows": run.rows_total,
                "file": path.name,
                "organisation": organisation.slug,
                "new": run.rows_created,
                "replaced": run.rows_replaced,
                "run": run.pk,
            }
        )
