"""Charts as inline SVG (DESIGN.md §2), drawn here in plain Python.

Two shapes serve every chart Målbild shows: lines over time (an indicator's measured values
against its plan; a municipality against its comparison group and Sweden) and grouped horizontal
bars (a self-assessment's result per area, this round beside the previous one). Series differ by
their line or outline pattern and their point shape as well as by colour, so colour never
carries the meaning alone.

The image is accessible: `role="img"`, named by a `<title>` and described by a `<desc>`, as wide
as its container, with presentation attributes only (no style attributes, for the CSP). Pages
always follow a chart with a table of the same data.

Drawing keeps no state between calls and starts no runtime, so it is safe in every process model
(forked gunicorn workers with or without preload, the demo command, the worker, tests), and it
takes about a millisecond, so nothing is cached. docs/architecture.md ("Charts") records why
vl-convert was replaced. When a chart cannot be drawn for any reason, the caller gets a short
note instead of the image: the page still answers, and its table still says everything.
"""

import itertools
import logging
import math
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

WIDTH = 600  # of the view box: the image scales to its container, so text scales with it
PLOT_HEIGHT = 240  # of a line chart's plot area
FONT_SIZE = 12
MAX_LABELS = 12  # labels on the time axis, so that monthly series stay readable
LABEL_LIMIT = 220  # the longest category label of a bar chart; longer ones end in "…"
MAX_POINTS = 10_000  # in one chart; more would make a page heavier than it can be useful
Y_TICKS = 6  # about this many values on a line chart's value axis (as Vega-Lite: height / 40)

# The project's ink, link and muted colours: each above 3:1 against white, as graphics need.
INK, AXIS, GRID = "#1b1f24", "#6b7480", "#e3e7ec"
MEASURED_COLOUR, PLANNED_COLOUR = "#1d4f91", "#4a5360"
SOLID: tuple[float, ...] = ()
DASHED, DOTTED, SHORT_DASHED = (6.0, 4.0), (2.0, 3.0), (4.0, 3.0)


@dataclass(frozen=True)
class Point:
    """One value on the time line: `position` in years (see `lib.periods`), `period` its text."""

    position: float
    period: str
    value: float


@dataclass(frozen=True)
class Style:
    """How a series is told apart: its colour, the pattern of its line or outline (dash and gap
    lengths; empty for solid) and the shape of its points ("circle", "square", "triangle")."""

    colour: str
    dash: tuple[float, ...] = SOLID
    shape: str = "circle"


MEASURED = Style(MEASURED_COLOUR, SOLID, "circle")
PLANNED = Style(PLANNED_COLOUR, DASHED, "square")


@dataclass(frozen=True)
class Series:
    """A line: its name in the legend, its points in any order, its style."""

    label: str
    points: Sequence[Point]
    style: Style


@dataclass(frozen=True)
class Bars:
    """One bar per group (None where the group has no value), its name in the legend, its style
    (the colour fills the bar, the pattern draws its outline)."""

    label: str
    values: Sequence[float | None]
    style: Style


# Text is measured with the widths of Helvetica (in thousandths of the font size; others count as
# a digit), plus a tenth for wider sans-serif fonts such as DejaVu Sans, which WeasyPrint and
# many Linux browsers use.
_WIDTHS = dict.fromkeys("0123456789abdeghnopquåäöéüL_$#?", 556)
_WIDTHS |= dict.fromkeys("ijl|", 222) | dict.fromkeys(" .,:;!'/fIt[]", 278)
_WIDTHS |= dict.fromkeys('r-()"*', 333) | dict.fromkeys("cksvxyzJ", 500)
_WIDTHS |= dict.fromkeys("ABEKPSVXYÅÄ&", 667) | dict.fromkeys("CDHNRUw", 722)
_WIDTHS |= dict.fromkeys("FTZ", 611) | dict.fromkeys("GOQÖ", 778) | dict.fromkeys("mM", 833)
_WIDTHS |= {"W": 944, "%": 889, "+": 584, "=": 584, "<": 584, ">": 584, "\u2212": 584}
_WIDTHS |= {"\u00a0": 278, "…": 1000, "–": 556, "—": 1000}


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The width of `text` in pixels, estimated from the font's metrics (bold is a tenth wider)."""
    return sum(_WIDTHS.get(c, 556) for c in text) * _scale(size, bold)


def _scale(size: float, bold: bool) -> float:
    return size / 1000 * 1.1 * (1.1 if bold else 1.0)


def clip(text: str, limit: float, size: float = FONT_SIZE, bold: bool = False) -> str:
    """`text` shortened with "…" to fit `limit` pixels (the table under the chart has it whole)."""
    if text_width(text, size, bold) <= limit:
        return text
    room = limit - text_width("…", size, bold)
    scale = _scale(size, bold)
    used, end = 0.0, 0
    while end < len(text) and used + _WIDTHS.get(text[end], 556) * scale <= room:
        used += _WIDTHS.get(text[end], 556) * scale
        end += 1
    return text[:end].rstrip() + "…"


def _decimal_comma(decimal_comma: bool | None) -> bool:
    if decimal_comma is not None:
        return decimal_comma
    return (get_language() or "sv").startswith("sv")


def number(value: float, decimals: int, decimal_comma: bool) -> str:
    """`value` with `decimals` decimals and grouped thousands: `1 234,5` in Swedish (a no-break
    space between groups), `1,234.5` in English; a minus sign, never "−0"."""
    text = f"{abs(value):,.{decimals}f}"
    if decimal_comma:
        text = text.replace(",", "\u00a0").replace(".", ",")
    negative = value < 0 and round(abs(value), decimals) != 0
    return ("\u2212" if negative else "") + text


def nice_step(span: float, count: int) -> float:
    """A step of 1, 2 or 5 times a power of ten that cuts `span` into about `count` parts."""
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    error = raw / power
    factor = 10 if error >= 7.07 else 5 if error >= 3.16 else 2 if error >= 1.41 else 1
    return factor * power


def nice_scale(low: float, high: float, count: int) -> tuple[float, float, list[float], int]:
    """A domain that covers low…high and ends on round values, its tick values (about `count`
    parts) and the decimals the tick labels need."""
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = (0.0, 1.0) if low == 0 else (low - pad, high + pad)
    step = nice_step(high - low, count)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    ticks = [k * step for k in range(first, last + 1)]
    decimals = min(10, max(0, -math.floor(math.log10(step) + 1e-9)))
    return first * step, last * step, ticks, decimals


def axis_values(positions: Iterable[float]) -> list[float]:
    """The positions to label: every one, or an even selection when there are too many."""
    unique = sorted(set(positions))
    if len(unique) <= MAX_LABELS:
        return unique
    step = -(-len(unique) // MAX_LABELS)  # ceiling division
    chosen = unique[::step]
    if chosen[-1] != unique[-1]:
        chosen.append(unique[-1])
    return chosen


def _f(value: float) -> str:
    """A coordinate: one decimal is finer than any screen or printer shows."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _dash(style: Style) -> str:
    if not style.dash:
        return ""
    return f' stroke-dasharray="{" ".join(_f(d) for d in style.dash)}"'


def _marker(shape: str, x: float, y: float) -> str:
    """A point of about 60 square pixels, as Vega-Lite's default size."""
    if shape == "square":
        return f'<rect x="{_f(x - 3.9)}" y="{_f(y - 3.9)}" width="7.8" height="7.8"/>'
    if shape == "triangle":
        return f'<path d="M{_f(x)} {_f(y - 5.4)}l5.4 9.2h-10.8z"/>'
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4.4"/>'


def _text(
    x: float, y: float, text: str, anchor: str = "start", extra: str = "", bold: bool = False
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    position = extra or f'x="{_f(x)}" y="{_f(y)}"'
    return f'<text {position} text-anchor="{anchor}"{weight}>{escape(text)}</text>'


def _frame(
    width: float,
    height: float,
    title: str,
    description: str,
    body: list[str],
    size: str = 'width="100%"',
    key: str = "",
) -> str:
    """The outer `<svg>`: an image named by its title and described by its description, both
    first, with ids of its own so that several charts can share a page. `size` is its size in
    the page: as wide as its container unless said otherwise. A `key` unique on the page (such
    as "goal-12") makes the ids the same on every drawing, for pages that must give the same
    bytes for the same data (lib/cacheable.py); otherwise they are random."""
    prefix = f"chart-{key}" if key else f"chart-{secrets.token_hex(6)}"
    return "".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
            f'{size} role="img" aria-labelledby="{prefix}-title" '
            f'aria-describedby="{prefix}-desc" font-family="sans-serif" '
            f'font-size="{FONT_SIZE}" fill="{INK}">',
            f'<title id="{prefix}-title">{escape(title)}</title>',
            f'<desc id="{prefix}-desc">{escape(description)}</desc>',
            f'<rect width="{_f(width)}" height="{_f(height)}" fill="white"/>',
            *body,
            "</svg>",
        ]
    )


def _legend(
    items: list[tuple[str, Style]],
    top: float,
    left: float,
    symbol: Callable[[Style], str],
    symbol_width: float,
    width: float = WIDTH,
) -> tuple[list[str], float]:
    """The legend under the plot, its items flowing into rows; returns the markup and the
    height it takes. `symbol` draws one item's sample, `symbol_width` wide and 14 high, at the
    origin."""
    body: list[str] = []
    x, y, row_height, gap = left, top, 20.0, 18.0
    room = width - left - 8
    offset = symbol_width + 6
    for label, style in items:
        text = clip(label, room - offset)
        item_width = offset + text_width(text)
        if x > left and x + item_width > width - 8:
            x, y = left, y + row_height
        body.append(f'<g transform="translate({_f(x)} {_f(y)})">{symbol(style)}</g>')
        body.append(_text(x + offset, y + 11.5, text))
        x += item_width + gap
    return body, (y - top) + row_height if items else 0.0


def _finite(points: Iterable[Point]) -> list[Point]:
    return sorted(
        (p for p in points if math.isfinite(p.value) and math.isfinite(p.position)),
        key=lambda p: p.position,
    )


def _line_svg(
    series: Sequence[Series], title: str, description: str, axis_title: str, zero: bool, comma: bool
) -> str:
    drawn = [(s, points) for s in series if (points := _finite(s.points))]
    if not drawn:
        return ""
    every = [p for _s, points in drawn for p in points]
    if len(every) > MAX_POINTS:
        raise ValueError(f"{len(every)} points are more than a chart can show.")
    values = [p.value for p in every] + ([0.0] if zero else [])
    low, high, y_ticks, decimals = nice_scale(min(values), max(values), Y_TICKS)
    y_labels = [number(t, decimals, comma) for t in y_ticks]
    # The time axis: an even selection of the periods, labelled with their own text.
    texts = {p.position: p.period for p in every}
    x_values = axis_values(texts)
    x_labels = [texts[x] for x in x_values]
    x_low, x_high = x_values[0], x_values[-1]
    if x_high == x_low:
        x_low, x_high = x_low - 0.5, x_high + 0.5
    label_widths = [text_width(label) for label in x_labels]
    title_room = 22.0 if axis_title else 0.0
    left = max(title_room + max(text_width(label) for label in y_labels) + 9, 12.0)
    right = 14.0
    if len(x_values) > 1:
        left = max(left, label_widths[0] / 2 + 4)
        right = max(right, label_widths[-1] / 2 + 4)
    plot_width = WIDTH - left - right
    scale_x = plot_width / (x_high - x_low)
    gaps = [(b - a) * scale_x for a, b in itertools.pairwise(x_values)]
    spacing = min(gaps) if gaps else plot_width
    slanted = max(label_widths) + 6 > spacing
    if slanted:  # labels at -40°, ending at their tick: they reach left, not right
        cos, sin = math.cos(math.radians(40)), math.sin(math.radians(40))
        left = max(title_room + max(text_width(label) for label in y_labels) + 9,
                   label_widths[0] * cos + 4)  # fmt: skip
        right = 14.0
        plot_width = WIDTH - left - right
        scale_x = plot_width / (x_high - x_low)
        axis_height = 8 + max(label_widths) * sin + FONT_SIZE * cos + 4
    else:
        axis_height = 8 + FONT_SIZE + 4
    top = 10.0
    bottom = top + PLOT_HEIGHT

    def px(position: float) -> float:
        return left + (position - x_low) * scale_x

    def py(value: float) -> float:
        return bottom - (value - low) / (high - low) * PLOT_HEIGHT

    body = [f'<g stroke="{GRID}">']
    body += [f'<path d="M{_f(left)} {_f(py(t))}h{_f(plot_width)}"/>' for t in y_ticks]
    body.append("</g>")
    if low < 0 < high:  # the zero line, where values turn negative
        body.append(f'<path d="M{_f(left)} {_f(py(0))}h{_f(plot_width)}" stroke="{AXIS}"/>')
    body.append(
        f'<path d="M{_f(left)} {_f(top)}V{_f(bottom)}H{_f(left + plot_width)}" fill="none" '
        f'stroke="{AXIS}"/>'
    )
    body.append(f'<g stroke="{AXIS}">')
    body += [f'<path d="M{_f(left - 5)} {_f(py(t))}h5"/>' for t in y_ticks]
    body += [f'<path d="M{_f(px(x))} {_f(bottom)}v5"/>' for x in x_values]
    body.append("</g>")
    body += [
        _text(left - 8, py(t) + 4, label, "end") for t, label in zip(y_ticks, y_labels, strict=True)
    ]
    for x, label in zip(x_values, x_labels, strict=True):
        if slanted:
            where = f'transform="translate({_f(px(x) + 3)} {_f(bottom + 12)}) rotate(-40)"'
            body.append(_text(0, 0, label, "end", extra=where))
        else:
            body.append(_text(px(x), bottom + 8 + FONT_SIZE, label, "middle"))
    if axis_title:
        where = f'transform="translate({_f(FONT_SIZE)} {_f(top + PLOT_HEIGHT / 2)}) rotate(-90)"'
        body.append(_text(0, 0, clip(axis_title, PLOT_HEIGHT, bold=True), "middle", where, True))
    for s, points in drawn:
        path = "".join(
            f"{'M' if i == 0 else 'L'}{_f(px(p.position))} {_f(py(p.value))}"
            for i, p in enumerate(points)
        )
        body.append(
            f'<path d="{path}" fill="none" stroke="{s.style.colour}" stroke-width="2.5" '
            f'stroke-linejoin="round"{_dash(s.style)}/>'
        )
        # Points too close to tell apart would only blur the line: its pattern still tells it.
        if len(points) == 1 or len(points) <= plot_width / 6:
            markers = "".join(_marker(s.style.shape, px(p.position), py(p.value)) for p in points)
            body.append(f'<g fill="{s.style.colour}">{markers}</g>')

    def sample(style: Style) -> str:
        return (
            f'<path d="M0 7h24" stroke="{style.colour}" stroke-width="2.5"{_dash(style)}/>'
            f'<g fill="{style.colour}">{_marker(style.shape, 12, 7)}</g>'
        )

    legend_top = bottom + axis_height + 10
    items = [(s.label, s.style) for s, _p in drawn]
    legend, legend_height = _legend(items, legend_top, left, sample, 24)
    body += legend
    return _frame(WIDTH, legend_top + legend_height + 4, title, description, body)


def _bar_svg(
    groups: Sequence[str],
    series: Sequence[Bars],
    title: str,
    description: str,
    axis_title: str,
    domain: tuple[float, float] | None,
    comma: bool,
) -> str:
    shown = [s for s in series if any(v is not None and math.isfinite(v) for v in s.values)]
    if not shown or not groups:
        return ""
    if len(groups) * len(shown) > MAX_POINTS:
        raise ValueError("More bars than a chart can show.")
    values = [v for s in shown for v in s.values if v is not None and math.isfinite(v)]
    low, high = domain if domain else (min(0.0, *values), max(0.0, *values))
    low, high, ticks, decimals = nice_scale(low, high, 5)
    labels = [number(t, decimals, comma) for t in ticks]
    group_labels = [clip(g, LABEL_LIMIT) for g in groups]
    left = max(text_width(label) for label in group_labels) + 13
    right = max(14.0, text_width(labels[-1]) / 2 + 4)
    plot_width = WIDTH - left - right
    bar, inner, outer = 16.0, 2.0, 14.0
    band = len(shown) * bar + (len(shown) - 1) * inner + outer
    top = 6.0
    bottom = top + band * len(groups)

    def px(value: float) -> float:
        value = min(max(value, low), high)  # a value outside the scale stops at its edge
        return left + (value - low) / (high - low) * plot_width

    body = [f'<g stroke="{GRID}">']
    body += [f'<path d="M{_f(px(t))} {_f(top)}V{_f(bottom)}"/>' for t in ticks]
    body.append("</g>")
    for g, label in enumerate(group_labels):
        y = top + g * band + outer / 2
        body.append(_text(left - 8, y + (band - outer) / 2 + 4, label, "end"))
        for i, s in enumerate(shown):
            value = s.values[g] if g < len(s.values) else None
            if value is None or not math.isfinite(value):
                continue
            start, end = sorted((px(0.0 if low <= 0 <= high else low), px(value)))
            body.append(
                f'<rect x="{_f(start)}" y="{_f(y + i * (bar + inner))}" '
                f'width="{_f(max(end - start, 0.0))}" height="{_f(bar)}" fill="{s.style.colour}" '
                f'stroke="{INK}" stroke-width="1.5"{_dash(s.style)}/>'
            )
    body.append(
        f'<path d="M{_f(left)} {_f(top)}V{_f(bottom)}H{_f(left + plot_width)}" fill="none" '
        f'stroke="{AXIS}"/>'
    )
    body.append(f'<g stroke="{AXIS}">')
    body += [f'<path d="M{_f(px(t))} {_f(bottom)}v5"/>' for t in ticks]
    body.append("</g>")
    body += [
        _text(px(t), bottom + 8 + FONT_SIZE, label, "middle")
        for t, label in zip(ticks, labels, strict=True)
    ]
    axis_bottom = bottom + 8 + FONT_SIZE
    if axis_title:
        axis_bottom += 6 + FONT_SIZE
        body.append(
            _text(left + plot_width / 2, axis_bottom, clip(axis_title, plot_width, bold=True),
                  "middle", bold=True)
        )  # fmt: skip

    def sample(style: Style) -> str:
        return (
            f'<rect x="1" y="1" width="12" height="12" fill="{style.colour}" stroke="{INK}" '
            f'stroke-width="1.5"{_dash(style)}/>'
        )

    legend_top = axis_bottom + 14
    items = [(s.label, s.style) for s in shown]
    legend, legend_height = _legend(items, legend_top, left, sample, 14)
    body += legend
    return _frame(WIDTH, legend_top + legend_height + 4, title, description, body)


def _drawn(draw: Callable[[], str], title: str) -> SafeString:
    """The drawn chart, or a short note when it cannot be drawn: whatever went wrong, the page
    answers with its table. An empty string when there is nothing to draw."""
    try:
        svg = draw()
    except Exception:  # any failure at all: the page must answer (DESIGN.md §2)
        logger.exception("The chart %r could not be drawn", title)
        return format_html(
            '<p class="chart__note">{}</p>',
            _("The chart could not be drawn. The table shows the same figures."),
        )
    # Safe: every text in the markup went through `escape`, everything else is numbers and the
    # module's own constants.
    return mark_safe(svg)  # noqa: S308


def lines(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    axis_title: str,
    zero: bool = True,
    decimal_comma: bool | None = None,
) -> SafeString:
    """A line chart over time, ready to put inline in a page: one line per series (its points
    marked with its shape), the value axis from zero unless `zero` is false, numbers in the
    active language unless `decimal_comma` says otherwise, the legend under it."""
    comma = _decimal_comma(decimal_comma)
    return _drawn(lambda: _line_svg(series, title, description, axis_title, zero, comma), title)


def bars(
    groups: Sequence[str],
    series: Sequence[Bars],
    *,
    title: str,
    description: str,
    axis_title: str,
    domain: tuple[float, float] | None = None,
    decimal_comma: bool | None = None,
) -> SafeString:
    """Horizontal bars, one group per label in `groups` and one bar per series in each, on
    the scale `domain` (or from zero to the largest value), the legend under it."""
    comma = _decimal_comma(decimal_comma)
    return _drawn(
        lambda: _bar_svg(groups, series, title, description, axis_title, domain, comma), title
    )


def trend(
    measured: Sequence[Point],
    planned: Sequence[Point],
    *,
    title: str,
    description: str,
    measured_label: str,
    planned_label: str,
    axis_title: str,
    decimal_comma: bool | None = None,
) -> SafeString:
    """Measured values per period (a solid line with round points) against the planned
    trajectory through the baseline and the dated targets (a dashed line with squares)."""
    return lines(
        [Series(measured_label, measured, MEASURED), Series(planned_label, planned, PLANNED)],
        title=title,
        description=description,
        axis_title=axis_title,
        decimal_comma=decimal_comma,
    )


@dataclass(frozen=True)
class Part:
    """One part of every stacked bar (a traffic light): its name in the legend, its count in
    each group, its style (the colour fills the part, the shape marks it inside and in the
    legend, so colour never carries the meaning alone)."""

    label: str
    values: Sequence[float]
    style: Style


def _white_marker(shape: str, x: float, y: float) -> str:
    """A part's shape in white inside its bar; "ring" draws an open circle."""
    if shape == "ring":
        return (
            f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.8" fill="none" stroke="white" '
            'stroke-width="1.8"/>'
        )
    return f'<g fill="white">{_marker(shape, x, y)}</g>'


STACKED_WIDTH = 440.0  # narrower than the others: it sits in half a page, and on phones


def _stacked_svg(
    groups: Sequence[str], parts: Sequence[Part], title: str, description: str, comma: bool
) -> str:
    totals = [
        sum(
            max(p.values[g], 0.0) for p in parts if g < len(p.values) and math.isfinite(p.values[g])
        )
        for g in range(len(groups))
    ]
    if not groups or not any(totals):
        return ""
    if len(groups) * len(parts) > MAX_POINTS:
        raise ValueError("More parts than a chart can show.")
    group_labels = [clip(g, LABEL_LIMIT) for g in groups]
    left = max(text_width(label) for label in group_labels) + 13
    total_labels = [number(t, 0, comma) for t in totals]
    right = max(text_width(label) for label in total_labels) + 12
    plot_width = STACKED_WIDTH - left - right
    bar, gap, top = 22.0, 12.0, 6.0
    scale = plot_width / max(totals)
    body: list[str] = []
    for g, label in enumerate(group_labels):
        y = top + g * (bar + gap)
        body.append(_text(left - 8, y + bar / 2 + 4, label, "end"))
        x = left
        for part in parts:
            value = part.values[g] if g < len(part.values) else 0.0
            if not math.isfinite(value) or value <= 0:
                continue
            width = value * scale
            body.append(
                f'<rect x="{_f(x)}" y="{_f(y)}" width="{_f(width)}" height="{_f(bar)}" '
                f'fill="{part.style.colour}" stroke="white" stroke-width="1.5"/>'
            )
            text = number(value, 0, comma)
            if width >= 18 + text_width(text):
                body.append(_white_marker(part.style.shape, x + 8, y + bar / 2))
                body.append(
                    f'<text x="{_f(x + 15)}" y="{_f(y + bar / 2 + 4)}" fill="white" '
                    f'font-weight="bold">{escape(text)}</text>'
                )
            x += width
        body.append(_text(x + 6, y + bar / 2 + 4, total_labels[g]))
    bottom = top + len(groups) * (bar + gap) - gap
    body.append(f'<path d="M{_f(left)} {_f(top - 3)}V{_f(bottom + 3)}" stroke="{AXIS}"/>')

    def sample(style: Style) -> str:
        return f'<rect x="0" y="0" width="14" height="14" fill="{style.colour}"/>' + _white_marker(
            style.shape, 7, 7
        )

    legend_top = bottom + 14
    legend, legend_height = _legend(
        [(p.label, p.style) for p in parts], legend_top, 8, sample, 14, STACKED_WIDTH
    )
    body += legend
    return _frame(STACKED_WIDTH, legend_top + legend_height + 4, title, description, body)


def stacked(
    groups: Sequence[str],
    parts: Sequence[Part],
    *,
    title: str,
    description: str,
    decimal_comma: bool | None = None,
) -> SafeString:
    """Horizontal stacked bars of counts, one bar per label in `groups` (a focus area), one part
    per `Part` in each (a traffic light), each part marked with its shape and count where it
    has room, the bar's total after it and the legend under it; bars share one scale."""
    comma = _decimal_comma(decimal_comma)
    return _drawn(lambda: _stacked_svg(groups, parts, title, description, comma), title)


PROGRESS_WIDTH, PROGRESS_HEIGHT = 240.0, 26.0  # a thin bar that scales with its table cell


def _progress_svg(
    value: float | None, expected: float | None, title: str, description: str, key: str
) -> str:
    if value is None and expected is None:
        return ""
    left, right, top, bar = 6.0, 6.0, 7.0, 12.0
    plot_width = PROGRESS_WIDTH - left - right

    def px(percent: float) -> float:
        return left + min(max(percent, 0.0), 100.0) / 100 * plot_width

    body = [
        f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(plot_width)}" height="{_f(bar)}" '
        f'fill="{GRID}" stroke="{AXIS}"/>'
    ]
    if value is not None and math.isfinite(value):
        body.append(
            f'<rect x="{_f(left)}" y="{_f(top)}" width="{_f(px(value) - left)}" '
            f'height="{_f(bar)}" fill="{MEASURED_COLOUR}"/>'
        )
    if expected is not None and math.isfinite(expected):
        x = px(expected)
        body.append(
            f'<path d="M{_f(x)} {_f(top - 2)}V{_f(top + bar + 5)}" stroke="{INK}" '
            'stroke-width="2.5"/>'
        )
        body.append(f'<path d="M{_f(x - 5)} 0h10l-5 {_f(top - 1)}z" fill="{INK}"/>')
    return _frame(PROGRESS_WIDTH, PROGRESS_HEIGHT, title, description, body, key=key)


def progress(
    value: float | None, expected: float | None, *, title: str, description: str, key: str = ""
) -> SafeString:
    """A goal's progress as a bar from 0 to 100 % (filled up to `value`) with a mark (a line
    under a small triangle) where the plan says it should be by now (`expected`). The page
    writes both numbers beside it. `key`: see `_frame`."""
    return _drawn(lambda: _progress_svg(value, expected, title, description, key), title)


SPARK_WIDTH, SPARK_HEIGHT = 120.0, 32.0  # a line in a table cell, drawn at this size


def _sparkline_svg(
    measured: Sequence[Point],
    planned: Sequence[Point],
    title: str,
    description: str,
    domain: tuple[float, float] | None,
    plan_end: bool,
    key: str,
) -> str:
    shown, plan = _finite(measured), _finite(planned)
    if not shown:
        return ""
    every = shown + plan
    if len(every) > MAX_POINTS:
        raise ValueError(f"{len(every)} points are more than a chart can show.")
    low, high = min(p.value for p in every), max(p.value for p in every)
    if domain is not None:
        low, high = min(low, domain[0]), max(high, domain[1])
    if high == low:
        low, high = low - 1, high + 1
    x_low, x_high = min(p.position for p in every), max(p.position for p in every)
    if x_high == x_low:
        x_low, x_high = x_low - 0.5, x_high + 0.5
    pad = 5.0  # room for the round end point and the line's width

    def px(position: float) -> float:
        return pad + (position - x_low) / (x_high - x_low) * (SPARK_WIDTH - 2 * pad)

    def py(value: float) -> float:
        return SPARK_HEIGHT - pad - (value - low) / (high - low) * (SPARK_HEIGHT - 2 * pad)

    def path(points: list[Point]) -> str:
        return "".join(
            f"{'M' if i == 0 else 'L'}{_f(px(p.position))} {_f(py(p.value))}"
            for i, p in enumerate(points)
        )

    body = [f'<path d="M0 {_f(SPARK_HEIGHT - 0.5)}h{_f(SPARK_WIDTH)}" stroke="{GRID}"/>']
    if len(plan) > 1:
        body.append(
            f'<path d="{path(plan)}" fill="none" stroke="{PLANNED_COLOUR}" stroke-width="1.5"'
            f"{_dash(PLANNED)}/>"
        )
    if plan and plan_end:
        end = plan[-1]  # the last target: a small square, as on the large chart
        body.append(
            f'<rect x="{_f(px(end.position) - 3)}" y="{_f(py(end.value) - 3)}" width="6" '
            f'height="6" fill="{PLANNED_COLOUR}"/>'
        )
    if len(shown) > 1:
        body.append(
            f'<path d="{path(shown)}" fill="none" stroke="{MEASURED_COLOUR}" stroke-width="2" '
            'stroke-linejoin="round"/>'
        )
    last = shown[-1]
    body.append(
        f'<circle cx="{_f(px(last.position))}" cy="{_f(py(last.value))}" r="3.5" '
        f'fill="{MEASURED_COLOUR}"/>'
    )
    size = f'width="{_f(SPARK_WIDTH)}" height="{_f(SPARK_HEIGHT)}"'
    return _frame(SPARK_WIDTH, SPARK_HEIGHT, title, description, body, size, key)


def sparkline(
    measured: Sequence[Point],
    planned: Sequence[Point] = (),
    *,
    title: str,
    description: str,
    domain: tuple[float, float] | None = None,
    plan_end: bool = True,
    key: str = "",
) -> SafeString:
    """A small line chart without axes, for a table cell: the measured values (a solid line
    ending in a round point) and, if given, the plan through the baseline and the targets (a
    dashed line ending in a square at the last target, unless `plan_end` is false). The scale
    runs from the lowest to the highest value, or covers `domain` (such as 0–100 for a
    percentage, so that a small step looks small). The page writes the figures beside it: the
    image shows only the shape, its description says every value. `key`: see `_frame`."""
    return _drawn(
        lambda: _sparkline_svg(measured, planned, title, description, domain, plan_end, key),
        title,
    )


LIST_WIDTH = 360.0  # bars that stay readable on a 390 px phone without being scaled down
LIST_LABEL_LIMIT = 150.0


def _bar_list_svg(
    labels: Sequence[str],
    values: Sequence[float | None],
    title: str,
    description: str,
    domain: tuple[float, float],
    decimals: int,
    comma: bool,
) -> str:
    if not labels or not any(v is not None and math.isfinite(v) for v in values):
        return ""
    if len(labels) > MAX_POINTS:
        raise ValueError("More bars than a chart can show.")
    low, high, ticks, tick_decimals = nice_scale(domain[0], domain[1], 4)
    shown = [clip(label, LIST_LABEL_LIMIT) for label in labels]
    left = max(text_width(label) for label in shown) + 10
    value_room = text_width(number(high, decimals, comma)) + 8
    right = max(value_room, text_width(number(ticks[-1], tick_decimals, comma)) / 2 + 4)
    plot_width = LIST_WIDTH - left - right
    bar, gap, top = 14.0, 8.0, 4.0
    bottom = top + len(labels) * (bar + gap) - gap + 4

    def px(value: float) -> float:
        value = min(max(value, low), high)
        return left + (value - low) / (high - low) * plot_width

    body = [f'<g stroke="{GRID}">']
    body += [f'<path d="M{_f(px(t))} {_f(top)}V{_f(bottom)}"/>' for t in ticks]
    body.append("</g>")
    for i, label in enumerate(shown):
        y = top + i * (bar + gap)
        body.append(_text(left - 6, y + bar / 2 + 4, label, "end"))
        value = values[i] if i < len(values) else None
        if value is None or not math.isfinite(value):
            body.append(_text(left + 4, y + bar / 2 + 4, "–"))
            continue
        end = px(value)
        body.append(
            f'<rect x="{_f(left)}" y="{_f(y)}" width="{_f(end - left)}" height="{_f(bar)}" '
            f'fill="{MEASURED_COLOUR}"/>'
        )
        body.append(_text(end + 4, y + bar / 2 + 4, number(value, decimals, comma)))
    body.append(
        f'<path d="M{_f(left)} {_f(top)}V{_f(bottom)}H{_f(left + plot_width)}" fill="none" '
        f'stroke="{AXIS}"/>'
    )
    body += [
        _text(px(t), bottom + 6 + FONT_SIZE, number(t, tick_decimals, comma), "middle")
        for t in ticks
    ]
    return _frame(LIST_WIDTH, bottom + 10 + FONT_SIZE, title, description, body)


def bar_list(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    description: str,
    domain: tuple[float, float],
    decimals: int = 1,
    decimal_comma: bool | None = None,
) -> SafeString:
    """One horizontal bar per label (a school) on the scale `domain`, each labelled with its
    value; a dash where a label has none. Narrow enough to read on a phone unscaled; the page
    follows it with a table of the same figures."""
    comma = _decimal_comma(decimal_comma)
    return _drawn(
        lambda: _bar_list_svg(labels, values, title, description, domain, decimals, comma), title
    )
