"""`malbild import_kolada --organisation SLUG [--kpi ID]… [--years 2015-2025]`: fetch the
figures of the organisation's Kolada-linked indicators (or the given KPIs) in this process, all
or nothing, as one import run."""

import re
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from malbild.imports import links, refresh
from malbild.imports.management.commands._common import organisation_named, progress_printer
from malbild.imports.models import ImportRun
from malbild.tenants.scope import scope

YEARS = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def parse_years(text: str) -> list[int]:
    match = YEARS.match(text.strip())
    if match is None:
        raise CommandError(_("Give the years like 2015-2025 or 2024."))
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first or last - first > 50:
        raise CommandError(_("Give the years like 2015-2025 or 2024."))
    return list(range(first, last + 1))


class Command(BaseCommand):
    help = "Fetch figures from Kolada for one organisation's linked indicators, all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--organisation", required=True, help="the organisation's slug")
        parser.add_argument(
            "--kpi", action="append", default=[], help="a Kolada KPI id, or several with commas"
        )
        parser.add_argument("--years", default="", help="for example 2015-2025")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._import(options["organisation"], options["kpi"], options["years"])

    def _import(self, slug: str, kpi_options: list[str], years_text: str) -> None:
        organisation = organisation_named(slug)
        kpis = [
            part.strip().upper()
            for option in kpi_options
            for part in option.split(",")
            if part.strip()
        ]
        for kpi in kpis:
            if not links.KPI_ID.match(kpi):
                raise CommandError(
                    _("“%(kpi)s” is not a Kolada KPI id, like N15419.") % {"kpi": kpi}
                )
        years = parse_years(years_text) if years_text else refresh.default_years()
        with scope(organisation):
            run = refresh.start(organisation, via=ImportRun.Via.COMMAND, kpis=kpis, years=years)
            refresh.perform(run, progress=progress_printer(sys.stderr, _("Requests")))
        if run.state != ImportRun.State.DONE:
            raise CommandError(
                _("Nothing was imported from Kolada (import run %(run)s): %(reason)s")
                % {"run": run.pk, "reason": run.message}
            )
        self.stdout.write(
            _(
                "Fetched %(figures)s figures from Kolada for %(organisation)s, years "
                "%(first)s–%(last)s: %(new)s new and %(replaced)s replaced measurements "
                "(import run %(run)s)."
            )
            % {
                "figures": run.details.get("figures", 0),
                "organisation": organisation.slug,
                "first": years[0],
                "last": years[-1],
                "new": run.rows_created,
                "replaced": run.rows_replaced,
                "run": run.pk,
            }
        )
