"""Charts as inline SVG (DESIGN.md §2): a declarative Vega-Lite spec, rendered on the server with
vl-convert and cached by a hash of the spec, so the same data is never rendered twice.

The SVG that pages show is accessible: `role="img"`, named by a `<title>` and described by a
`<desc>` (the latest value against the target), and as wide as its container. Pages always
follow a chart with a table of the same data; the chart is never the only way to read it.
"""

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import vl_convert
from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from malbild.lib import periods

CACHE_PREFIX = "chart:"
# An SVG depends only on its spec, so it never goes stale; the cache culls what is not used.
CACHE_SECONDS = 60 * 60 * 24 * 90
WIDTH, HEIGHT = 560, 240
MAX_LABELS = 12  # labels on the time axis, so that monthly series stay readable

# The project's ink, link and muted colours: each above 3:1 against white, as graphics need.
INK, MEASURED_COLOUR, PLANNED_COLOUR = "#1b1f24", "#1d4f91", "#4a5360"
SOLID, DASHED = [1, 0], [6, 4]

SWEDISH_NUMBERS = {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", " kr"]}
ENGLISH_NUMBERS = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""]}

# A period's place on the time line back to its text, in Vega's expression language: years
# (2025), terms (2025.5 → 2025-HT) and months (2025 + 2/12 → 2025-03).
_LABELS = {
    periods.YEAR: "format(datum.value, 'd')",
    periods.TERM: "format(floor(datum.value), 'd') + (datum.value % 1 >= 0.25 ? '-HT' : '-VT')",
    periods.MONTH: (
        "format(floor(datum.value), 'd') + '-' "
        "+ pad(format(round((datum.value % 1) * 12) + 1, 'd'), 2, '0', 'left')"
    ),
}


@dataclass(frozen=True)
class Point:
    """One value on the time line: `position` in years (see `lib.periods`), `period` its text."""

    position: float
    period: str
    value: float


def _axis_values(positions: Sequence[float]) -> list[float]:
    """The positions to label: every one, or an even selection when there are too many."""
    unique = sorted(set(positions))
    if len(unique) <= MAX_LABELS:
        return unique
    step = -(-len(unique) // MAX_LABELS)  # ceiling division
    chosen = unique[::step]
    if chosen[-1] != unique[-1]:
        chosen.append(unique[-1])
    return chosen


def trend_spec(
    measured: Sequence[Point],
    planned: Sequence[Point],
    *,
    kind: str,
    measured_label: str,
    planned_label: str,
    axis_title: str,
    decimal_comma: bool = True,
) -> dict[str, Any]:
    """A Vega-Lite spec of measured values per period (a solid line with round points) and the
    planned trajectory through the baseline and the dated targets (a dashed line with squares).

    The two series differ by line style and point shape as well as by colour."""
    rows = [
        {"x": p.position, "y": p.value, "series": measured_label, "period": p.period}
        for p in measured
    ] + [
        {"x": p.position, "y": p.value, "series": planned_label, "period": p.period}
        for p in planned
    ]
    series = [measured_label, planned_label]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": WIDTH,
        "height": HEIGHT,
        "background": "white",
        "config": {
            "locale": {"number": SWEDISH_NUMBERS if decimal_comma else ENGLISH_NUMBERS},
            "font": "sans-serif",
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "labelColor": INK,
                "titleColor": INK,
                "gridColor": "#e3e7ec",
            },
            "legend": {"labelFontSize": 12, "labelColor": INK, "orient": "bottom", "labelLimit": 0},
            "view": {"stroke": None},
        },
        "data": {"values": rows},
        "mark": {"type": "line", "point": {"filled": True, "size": 60}, "strokeWidth": 2.5},
        "encoding": {
            "x": {
                "field": "x",
                "type": "quantitative",
                "title": None,
                "scale": {"zero": False, "nice": False},
                "axis": {
                    "values": _axis_values([p.position for p in [*measured, *planned]]),
                    "labelExpr": _LABELS[kind],
                    "labelAngle": 0 if kind == periods.YEAR else -40,
                    "grid": False,
                },
            },
            "y": {"field": "y", "type": "quantitative", "title": axis_title},
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": series, "range": [MEASURED_COLOUR, PLANNED_COLOUR]},
            },
            "strokeDash": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": series, "range": [SOLID, DASHED]},
            },
            "shape": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": series, "range": ["circle", "square"]},
            },
            "order": {"field": "x", "type": "quantitative"},
        },
    }


def spec_key(spec: dict[str, Any]) -> str:
    """The cache key of a spec: a SHA-256 of its canonical JSON."""
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return CACHE_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()


def render_svg(spec: dict[str, Any]) -> str:
    """The SVG of `spec`, from the cache or rendered once and cached (one or two queries)."""
    key = spec_key(spec)
    svg = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(spec)
        cache.set(key, svg, CACHE_SECONDS)
    return str(svg)


_ROOT = re.compile(r"<svg\b([^>]*)>")
_INNER_ARIA = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_SIZE = re.compile(r'\s(?:width|height)="[^"]*"')
_IDS = re.compile(r'\sid="([^"]+)"')


def accessible(svg: str, title: str, description: str, id_prefix: str | None = None) -> SafeString:
    """The rendered `svg` as an image for every reader: `role="img"` named by a `<title>` and
    described by a `<desc>` (both escaped, first in the SVG), ids unique on the page, and
    `width="100%"` with the view box kept, so it fits its container. No style attributes."""
    prefix = id_prefix or f"chart-{secrets.token_hex(6)}"
    # The image is one thing to assistive technology: drop the renderer's inner roles.
    svg = _INNER_ARIA.sub("", svg)
    for found in set(_IDS.findall(svg)):
        svg = svg.replace(f'id="{found}"', f'id="{prefix}-{found}"')
        svg = svg.replace(f"url(#{found})", f"url(#{prefix}-{found})")
        svg = svg.replace(f'href="#{found}"', f'href="#{prefix}-{found}"')
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("Not an SVG image.")
    attributes = match.group(1)
    if "viewBox=" not in attributes:
        width = re.search(r'\swidth="([\d.]+)"', attributes)
        height = re.search(r'\sheight="([\d.]+)"', attributes)
        if width and height:
            attributes += f' viewBox="0 0 {width.group(1)} {height.group(1)}"'
    attributes = _SIZE.sub("", attributes)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    root = (
        f'<svg{attributes} width="100%" role="img" '
        f'aria-labelledby="{title_id}" aria-describedby="{desc_id}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
    )
    body = svg[match.end() :]
    # Safe: the markup is vl-convert's rendering of a spec of numbers and text it escapes itself,
    # plus our own title and description, escaped above.
    return mark_safe(root + body)  # noqa: S308


def trend(
    measured: Sequence[Point],
    planned: Sequence[Point],
    *,
    kind: str,
    title: str,
    description: str,
    measured_label: str,
    planned_label: str,
    axis_title: str,
    decimal_comma: bool = True,
) -> SafeString:
    """A trend chart of `measured` against `planned`, ready to put inline in a page."""
    spec = trend_spec(
        measured,
        planned,
        kind=kind,
        measured_label=measured_label,
        planned_label=planned_label,
        axis_title=axis_title,
        decimal_comma=decimal_comma,
    )
    return accessible(render_svg(spec), title, description)
