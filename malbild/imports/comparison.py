"""Comparison of an indicator's Kolada figures: the own municipality against a comparison group
and the whole country, with rank and trend, and per school unit where Kolada has unit data.

Reads only the figures kept from the last refresh (KoladaValue), so the page shows the same
whether Kolada is up or down.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from statistics import mean

from django.utils.formats import get_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from malbild.imports.kolada import COUNTRY
from malbild.imports.models import KoladaValue, PeerGroup
from malbild.indicators.models import Indicator
from malbild.lib import charts
from malbild.tenants.models import Organisation

TREND_YEARS = 3  # the trend compares the latest value with the one this many years before
OWN_COLOUR, GROUP_COLOUR, COUNTRY_COLOUR = "#1d4f91", "#8a4b00", "#4a5360"


@dataclass
class Line:
    """One municipality or unit: its values by year, the latest, its trend and rank."""

    area_id: str
    title: str
    kind: str  # "own", "peer", "country", "group" or "unit"
    values: dict[int, Decimal | None] = field(default_factory=dict)
    fetched_at: datetime | None = None
    rank: int | None = None
    chart: SafeString | None = None  # the values as a sparkline, in the trend column

    @property
    def latest_year(self) -> int | None:
        years = [y for y, v in self.values.items() if v is not None]
        return max(years) if years else None

    @property
    def latest(self) -> Decimal | None:
        year = self.latest_year
        return None if year is None else self.values[year]

    @property
    def change(self) -> Decimal | None:
        """The latest value minus the one TREND_YEARS before (or the earliest after that)."""
        year = self.latest_year
        if year is None:
            return None
        earlier = [y for y, v in self.values.items() if v is not None and y <= year - TREND_YEARS]
        if not earlier:
            earlier = [y for y, v in self.values.items() if v is not None and y < year]
        if not earlier:
            return None
        base, latest = self.values[max(earlier)], self.values[year]
        if base is None or latest is None:  # both were chosen for having a value
            return None
        return latest - base

    @property
    def change_size(self) -> Decimal | None:
        change = self.change
        return None if change is None else abs(change)

    @property
    def trend(self) -> str:
        change = self.change
        if change is None:
            return ""
        if abs(change) < Decimal("0.05"):
            return "same"
        return "up" if change > 0 else "down"


@dataclass
class Comparison:
    years: list[int]
    lines: list[Line]  # own first, then the group's members, then the country
    units: list[Line]
    group: PeerGroup | None
    rank_total: int
    chart: SafeString | None
    fetched_at: datetime | None


def _lines(
    values: list[KoladaValue], kind_of: dict[str, str], titles: dict[str, str]
) -> dict[str, Line]:
    lines: dict[str, Line] = {}
    for v in values:
        line = lines.get(v.area_id)
        if line is None:
            line = lines[v.area_id] = Line(
                v.area_id,
                titles.get(v.area_id) or v.area_title or v.area_id,
                kind_of.get(v.area_id, "peer"),
            )
        line.values[v.year] = v.value
        if line.fetched_at is None or v.fetched_at > line.fetched_at:
            line.fetched_at = v.fetched_at
    return lines


def compare(
    indicator: Indicator, group: PeerGroup | None, own_id: str, own_name: str
) -> Comparison:
    """The comparison for `indicator` (two queries)."""
    kpi = indicator.kolada_kpi
    members = group.members if group is not None else []
    titles = {str(m["id"]): str(m.get("title", "")) for m in members}
    titles.update({own_id: own_name, COUNTRY: _("Sweden (all municipalities)")})
    kind_of = {str(m["id"]): "peer" for m in members} | {own_id: "own", COUNTRY: "country"}
    ids = list(kind_of)
    found = list(
        KoladaValue.objects.filter(
            kpi=kpi, area=KoladaValue.Area.MUNICIPALITY, area_id__in=ids, gender="T"
        ).order_by("area_id", "year")
    )
    lines = _lines(found, kind_of, titles)
    own = lines.get(own_id) or Line(own_id, own_name, "own")
    peers = sorted(
        (line for line in lines.values() if line.kind == "peer" and line.area_id != own_id),
        key=lambda line: line.title,
    )
    country = lines.get(COUNTRY)
    years = sorted({v.year for v in found})
    # Rank among the own municipality and the group in the own latest year.
    rank_total = 0
    year = own.latest_year
    if year is not None and peers:
        ranked = [line for line in [own, *peers] if line.values.get(year) is not None]
        higher = indicator.direction == Indicator.Direction.HIGHER
        ranked.sort(key=lambda line: line.values[year], reverse=higher)  # type: ignore[arg-type,return-value]
        for position, line in enumerate(ranked, start=1):
            line.rank = position
        rank_total = len(ranked)
    group_line = None
    if peers:
        group_line = Line("group", _("Group average"), "group")
        for y in years:
            present = [line.values[y] for line in peers if line.values.get(y) is not None]
            group_line.values[y] = (
                Decimal(str(round(mean(float(v) for v in present if v is not None), 1)))
                if present
                else None
            )
    ordered = [own, *peers] + ([country] if country else [])
    unit_values = list(
        KoladaValue.objects.filter(kpi=kpi, area=KoladaValue.Area.UNIT, gender="T").order_by(
            "area_title", "year"
        )
    )
    units = sorted(_lines(unit_values, {}, {}).values(), key=lambda line: line.title)
    for line in units:
        line.kind = "unit"
    for line in [*ordered, *units]:
        line.chart = _sparkline(indicator, line)
    fetched = [v.fetched_at for v in found] + [v.fetched_at for v in unit_values]
    return Comparison(
        years=years,
        lines=ordered,
        units=units,
        group=group,
        rank_total=rank_total,
        chart=_chart(indicator, own, group_line, country, group),
        fetched_at=max(fetched) if fetched else None,
    )


def _chart(
    indicator: Indicator,
    own: Line,
    group_line: Line | None,
    country: Line | None,
    group: PeerGroup | None,
) -> SafeString | None:
    """The own municipality (solid, circles), the group's average (dashed, squares) and Sweden
    (dotted, triangles), per year; None when the own municipality has no value."""
    if own.latest is None:
        return None
    styles = [(own, charts.Style(OWN_COLOUR, charts.SOLID, "circle"))]
    if group_line is not None:
        styles.append((group_line, charts.Style(GROUP_COLOUR, charts.DASHED, "square")))
    if country is not None:
        styles.append((country, charts.Style(COUNTRY_COLOUR, charts.DOTTED, "triangle")))
    series = [
        charts.Series(
            line.title,
            [
                charts.Point(year, str(year), float(value))
                for year, value in sorted(line.values.items())
                if value is not None
            ],
            style,
        )
        for line, style in styles
    ]
    parts = [
        _("%(name)s: %(value)s in %(year)s.")
        % {"name": own.title, "value": _decimal(own.latest), "year": own.latest_year}
    ]
    if group_line is not None and group_line.latest is not None:
        parts.append(
            _("Average of %(group)s: %(value)s.")
            % {"group": group.name if group else "", "value": _decimal(group_line.latest)}
        )
    if country is not None and country.latest is not None:
        parts.append(_("Sweden: %(value)s.") % {"value": _decimal(country.latest)})
    title = _("%(indicator)s: %(name)s compared, per year") % {
        "indicator": indicator.name,
        "name": own.title,
    }
    return charts.lines(
        series,
        title=title,
        description=" ".join(parts),
        axis_title=indicator.unit_of_measure,
        zero=False,
    )


def _sparkline(indicator: Indicator, line: Line) -> SafeString | None:
    """The line's values per year as a sparkline beside its trend in words; the table of every
    year follows on the page."""
    points = [
        charts.Point(year, str(year), float(value))
        for year, value in sorted(line.values.items())
        if value is not None
    ]
    if len(points) < 2:
        return None
    values = ", ".join(
        f"{year} {_decimal(value)}"
        for year, value in sorted(line.values.items())
        if value is not None
    )
    return charts.sparkline(
        points,
        title=_("%(indicator)s for %(name)s, per year")
        % {"indicator": indicator.name, "name": line.title},
        description=_("Values per year: %(values)s.") % {"values": values},
    )


def _decimal(value: Decimal) -> str:
    """A value as the active language writes it (a decimal comma in Swedish)."""
    text = format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


def latest_of_municipality(
    organisation: Organisation, limit: int
) -> list[tuple[Indicator, KoladaValue | None]]:
    """The first `limit` indicators following Kolada (by code), each with the municipality's
    latest figure kept from the last refresh, or None while none has been fetched (two
    queries; none when the organisation has no Kolada municipality)."""
    municipality = organisation.kolada_municipality_id
    if not municipality:
        return []
    indicators = list(Indicator.objects.exclude(kolada_kpi="").order_by("code")[:limit])
    if not indicators:
        return []
    latest: dict[str, KoladaValue] = {}
    for value in KoladaValue.objects.filter(
        kpi__in={i.kolada_kpi for i in indicators},
        area=KoladaValue.Area.MUNICIPALITY,
        area_id=municipality,
        gender="T",
        value__isnull=False,
    ).order_by("kpi", "-year"):
        latest.setdefault(value.kpi, value)
    return [(i, latest.get(i.kolada_kpi)) for i in indicators]
