"""Refreshing an organisation's figures from Kolada, all or nothing, as one import run.

For every indicator linked to a Kolada KPI: the figures of the own municipality, the members of
its comparison groups and the whole country are kept as :class:`KoladaValue` (for comparisons),
and the own municipality's and the mapped school units' figures become measurements of the
indicator (the municipality's on the top unit). Everything is fetched first; then one
transaction writes it with one audit event. When Kolada fails, nothing changes, the run is
marked failed with the reason, and it can simply be run again.
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild import audit
from malbild.goals.progress import goals_measured_by, recalculate
from malbild.imports import interrupted
from malbild.imports.kolada import COUNTRY, Client, Figure, KoladaError
from malbild.imports.measurements import upsert
from malbild.imports.models import ImportRun, KoladaValue, PeerGroup
from malbild.indicators.models import Indicator, Measurement
from malbild.tenants.models import Organisation, OrgUnit

DEFAULT_YEARS = 10
_FOUR = Decimal("0.0001")


def default_years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year - DEFAULT_YEARS, this_year + 1))


def start(
    organisation: Organisation,
    *,
    user: Any = None,
    via: str = ImportRun.Via.WEB,
    kpis: Sequence[str] = (),
    years: Sequence[int] = (),
) -> ImportRun:
    """A Kolada run waiting to be fetched (in the worker or at once)."""
    return ImportRun.objects.create(
        organisation=organisation,
        kind=ImportRun.Kind.KOLADA,
        via=via,
        state=ImportRun.State.IMPORTING,
        started_by=user if getattr(user, "pk", None) else None,
        details={"kpis": list(kpis), "years": list(years or default_years())},
    )


def _fail(run: ImportRun, message: str, request: Any = None) -> None:
    with transaction.atomic():
        run.state, run.message = ImportRun.State.FAILED, message
        run.finished_at = timezone.now()
        run.save()
        audit.record(
            "imports.import_failed",
            request=request,
            actor=run.started_by,
            target=run,
            summary=_("Kolada: %(reason)s") % {"reason": message},
            after={"kind": "kolada", "message": message},
            organisation=run.organisation,
        )


def perform(
    run: ImportRun,
    *,
    client: Client | None = None,
    request: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportRun:
    """Fetch and store what `run` asks for; the run ends done or failed."""
    with interrupted.working_on(run.pk):
        return _perform(run, client=client, request=request, progress=progress)


def _perform(
    run: ImportRun,
    *,
    client: Client | None,
    request: Any,
    progress: Callable[[int, int], None] | None,
) -> ImportRun:
    organisation = run.organisation
    client = client or Client()
    years = [int(y) for y in run.details.get("years") or default_years()]
    wanted = set(run.details.get("kpis") or [])
    indicators = list(Indicator.objects.exclude(kolada_kpi="").order_by("code"))
    if wanted:
        indicators = [i for i in indicators if i.kolada_kpi in wanted]
    kpis = sorted({i.kolada_kpi for i in indicators} | wanted)
    if not organisation.kolada_municipality_id:
        _fail(run, _("Choose the organisation's Kolada municipality first."), request)
        return run
    if not kpis:
        _fail(run, _("No indicator is linked to a Kolada KPI yet."), request)
        return run
    own = organisation.kolada_municipality_id
    municipalities: dict[str, str] = {own: organisation.name, COUNTRY: _("Sweden")}
    for group in PeerGroup.objects.all():
        for member in group.members:
            municipalities.setdefault(str(member["id"]), str(member.get("title", "")))
    units = list(OrgUnit.objects.exclude(kolada_ou_id="").filter(archived_at__isnull=True))
    top = (
        OrgUnit.objects.filter(parent__isnull=True, archived_at__isnull=True)
        .order_by("path")
        .first()
    )
    per_kpi = client.requests_for(len(municipalities), len(years)) + (
        client.requests_for(len(units), len(years)) if units else 0
    )
    total = per_kpi * len(kpis)
    ImportRun.objects.filter(pk=run.pk).update(rows_total=total, rows_done=0)
    figures: list[tuple[str, Figure]] = []
    done = 0
    try:
        for kpi in kpis:
            before = client.requests
            figures += [("municipality", f) for f in client.data(kpi, list(municipalities), years)]
            if units:
                figures += [
                    ("ou", f)
                    for f in client.data(kpi, [u.kolada_ou_id for u in units], years, units=True)
                ]
            done += max(per_kpi, client.requests - before)
            ImportRun.objects.filter(pk=run.pk).update(rows_done=min(done, total))
            if progress is not None:
                progress(min(done, total), total)
    except KoladaError as e:
        _fail(run, str(e), request)
        return run
    _store(run, figures, indicators, municipalities, units, top, request)
    return run


def _store(
    run: ImportRun,
    figures: list[tuple[str, Figure]],
    indicators: list[Indicator],
    municipalities: dict[str, str],
    units: list[OrgUnit],
    top: OrgUnit | None,
    request: Any,
) -> None:
    organisation = run.organisation
    now = timezone.now()
    unit_of = {u.kolada_ou_id: u for u in units}
    own = organisation.kolada_municipality_id
    with transaction.atomic():
        values = {}
        for area, f in figures:
            title = (
                municipalities.get(f.area_id, "")
                if area == "municipality"
                else (unit_of[f.area_id].name if f.area_id in unit_of else "")
            )
            values[(f.kpi, area, f.area_id, f.year, f.gender)] = KoladaValue(
                organisation=organisation,
                import_run=run,
                kpi=f.kpi,
                area=area,
                area_id=f.area_id,
                area_title=title[:200],
                year=f.year,
                gender=f.gender,
                value=f.value,
                status=f.status,
                fetched_at=now,
            )
        KoladaValue.objects.bulk_create(
            list(values.values()),
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["organisation", "kpi", "area", "area_id", "year", "gender"],
            update_fields=["import_run", "area_title", "value", "status", "fetched_at"],
        )
        rows = []
        for indicator in indicators:
            if indicator.periodicity != Indicator.Periodicity.YEAR:
                continue
            for area, f in figures:
                if f.kpi != indicator.kolada_kpi:
                    continue
                if area == "municipality" and f.area_id == own and top is not None:
                    unit = top
                elif area == "ou" and f.area_id in unit_of:
                    unit = unit_of[f.area_id]
                else:
                    continue
                value = f.value.quantize(_FOUR) if f.value is not None else None
                if value is not None and value.adjusted() >= 10:
                    continue
                rows.append(
                    (indicator.pk, unit.pk, str(f.year), float(f.year), f.gender, value,
                     "" if value is not None else Measurement.Status.MISSING)
                )  # fmt: skip
        # One row per key (two Kolada areas may map to the same unit: the last one counts).
        rows = list({(r[0], r[1], r[2], r[4]): r for r in rows}.values())
        new = upsert(organisation.pk, rows, str(run.pk))
        replaced = len(rows) - new
        goal_ids: set[int] = set()
        for indicator in indicators:
            goal_ids.update(goals_measured_by(indicator.pk))
        recalculate(goal_ids)
        run.refresh_from_db(fields=["rows_total", "rows_done"])
        run.state = ImportRun.State.DONE
        run.rows_done = run.rows_total
        run.rows_created, run.rows_replaced = len(rows) - replaced, replaced
        run.details["figures"] = len(values)
        run.finished_at = now
        run.save()
        audit.record(
            "imports.kolada_refreshed",
            request=request,
            actor=run.started_by,
            target=run,
            summary=_("Kolada: %(count)s figures") % {"count": len(values)},
            after={
                "kpis": sorted({f.kpi for _a, f in figures}),
                "figures": len(values),
                "new": run.rows_created,
                "replaced": run.rows_replaced,
            },
            organisation=organisation,
        )
