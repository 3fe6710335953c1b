"""Mittköping's figures from Kolada, for the demo (no network: written here, as if the weekly
refresh had fetched them last Sunday).

Mittköping stands in for Kolada municipality 2480 and compares itself with four fictional
municipalities of the same kind; the figures are made up and say so on the pages through their
source, the demo refresh. Loading is idempotent: nothing is written when the organisation has
Kolada figures already.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from malbild import audit
from malbild.imports.kolada import COUNTRY
from malbild.imports.models import ImportRun, KoladaValue, PeerGroup
from malbild.indicators.models import Indicator
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

KPI = "N15419"  # followed by the demo indicator BEH9
INDICATOR = "BEH9"
GROUP = ("G24801", "Liknande kommuner, grundskola, Mittköping (demo)")
# Fictional peers: (Kolada id, name, level in the first year, change per year).
PEERS = (
    ("2401", "Norrby kommun", "81.0", "0.6"),
    ("2402", "Söderås kommun", "86.5", "-0.2"),
    ("2403", "Västlanda kommun", "83.0", "0.4"),
    ("2404", "Österhamns kommun", "79.5", "0.9"),
)
OWN = ("2480", "78.0", "1.3")
COUNTRY_LEVEL = ("82.5", "0.2")
UNITS = (("NORRBY", "V15E248000101", "80.0", "0.8"), ("KYRKBY", "V15E248000102", "83.0", "0.7"))
YEARS = 6


def _last_sunday_night(today: date) -> datetime:
    sunday = today - timedelta(days=(today.weekday() + 1) % 7 or 7)
    return timezone.make_aware(datetime.combine(sunday, time(3, 31)))


def _series(start: str, step: str, years: list[int]) -> dict[int, Decimal]:
    wobble = (
        Decimal("0.0"),
        Decimal("0.4"),
        Decimal("-0.3"),
        Decimal("0.2"),
        Decimal("0.1"),
        Decimal("-0.2"),
    )
    return {
        year: Decimal(start) + Decimal(step) * n + wobble[n % len(wobble)]
        for n, year in enumerate(years)
    }


def load(organisation: Organisation, people: dict[str, Any]) -> None:
    with scope(organisation), transaction.atomic():
        if KoladaValue.objects.exists():
            return
        indicator = Indicator.objects.filter(code=INDICATOR).first()
        if indicator is None:
            return
        if not organisation.kolada_municipality_id:
            organisation.kolada_municipality_id = OWN[0]
            organisation.save(update_fields=["kolada_municipality_id"])
        indicator.kolada_kpi = KPI
        indicator.save(update_fields=["kolada_kpi"])
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=[c for c, *_r in UNITS])}
        for code, ou_id, *_rest in UNITS:
            if code in units and not units[code].kolada_ou_id:
                units[code].kolada_ou_id = ou_id
                units[code].save(update_fields=["kolada_ou_id"])
        PeerGroup.objects.get_or_create(
            organisation=organisation,
            name=GROUP[1],
            defaults={"kolada_group_id": GROUP[0],
                      "members": [{"id": i, "title": name} for i, name, *_r in PEERS]},
        )  # fmt: skip
        fetched = _last_sunday_night(timezone.localdate())
        run = ImportRun.objects.create(
            organisation=organisation,
            kind=ImportRun.Kind.KOLADA,
            state=ImportRun.State.DONE,
            via=ImportRun.Via.SCHEDULE,
            details={"kpis": [KPI], "demo": True},
        )
        years = list(range(timezone.localdate().year - YEARS, timezone.localdate().year))
        areas = [("municipality", OWN[0], organisation.name, OWN[1], OWN[2])]
        areas += [("municipality", i, name, start, step) for i, name, start, step in PEERS]
        areas += [("municipality", COUNTRY, "Riket", *COUNTRY_LEVEL)]
        areas += [("ou", ou_id, units[code].name, start, step)
                  for code, ou_id, start, step in UNITS if code in units]  # fmt: skip
        rows = []
        for area, area_id, title, start, step in areas:
            for year, value in _series(start, step, years).items():
                missing = area_id == "2402" and year == years[2]
                for gender, shift in (("T", 0), ("K", 2), ("M", -2)):
                    if area == "ou" and gender != "T":
                        continue
                    rows.append(
                        KoladaValue(
                            organisation=organisation, import_run=run, kpi=KPI, area=area,
                            area_id=area_id, area_title=title, year=year, gender=gender,
                            value=None if missing else value + shift,
                            status="Saknas" if missing else "", fetched_at=fetched,
                        )
                    )  # fmt: skip
        KoladaValue.objects.bulk_create(rows)
        run.details["figures"] = len(rows)
        run.finished_at = fetched
        run.save()
        ImportRun.objects.filter(pk=run.pk).update(created_at=fetched)
        audit.record(
            "imports.kolada_refreshed",
            target=run,
            summary="Demo: figures from Kolada for BEH9",
            after={"kpis": [KPI], "figures": len(rows), "demo": True},
            organisation=organisation,
        )
