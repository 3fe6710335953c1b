"""The charts: accessible SVG, drawn without a database (these tests have none: any query would
fail them), in any process, from any input; a short note when a chart cannot be drawn."""

import logging
import os
import re
import signal
import time
from html import unescape

import pytest
from django.utils import translation

from malbild.lib import charts
from malbild.lib.charts import Bars, Point, Series, Style

MEASURED = [Point(2022.0, "2022", 52.1), Point(2023.0, "2023", 55.5), Point(2024.0, "2024", 54)]
PLANNED = [Point(2022.0, "2022", 52.1), Point(2027.0, "2027", 75)]
NOTE = "The chart could not be drawn. The table shows the same figures."


def trend(measured=MEASURED, planned=PLANNED, **overrides):
    values = {
        "title": "Andel behöriga lärare",
        "description": "Senast 54 % (2024), mål 75 % år 2027.",
        "measured_label": "Uppmätt",
        "planned_label": "Planerat",
        "axis_title": "%",
        **overrides,
    }
    with translation.override("en"):
        return str(charts.trend(measured, planned, **values))


def texts(svg):
    """What the image says in its `<text>` elements, unescaped."""
    return [unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)]


def view_box(svg):
    found = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert found is not None
    return float(found.group(1)), float(found.group(2))


def test_the_chart_is_an_image_with_a_title_and_a_description_first():
    svg = trend()
    root = re.match(r"<svg\b[^>]*>", svg)
    assert root is not None
    tag = root.group(0)
    assert 'role="img"' in tag
    assert 'width="100%"' in tag
    assert "viewBox=" in tag
    assert "height=" not in tag
    title_id = re.findall(r'aria-labelledby="([^"]+)"', tag)[0]
    desc_id = re.findall(r'aria-describedby="([^"]+)"', tag)[0]
    rest = svg[len(tag) :]
    assert rest.startswith(f'<title id="{title_id}">Andel behöriga lärare</title>')
    assert f'<desc id="{desc_id}">Senast 54 % (2024), mål 75 % år 2027.</desc>' in rest
    assert svg.endswith("</svg>")
    assert "style=" not in svg
    assert "<script" not in svg
    assert svg.count("role=") == 1  # the image speaks as one


def test_two_charts_on_one_page_have_different_ids():
    ids = re.findall(r'id="([^"]+)"', trend() + trend())
    assert len(ids) == len(set(ids)) == 4


def test_the_series_differ_by_pattern_and_shape_not_only_by_colour():
    svg = trend()
    lines = re.findall(r'<path d="M[^"]*" fill="none" stroke="(#[0-9a-f]+)"[^>]*>', svg)
    assert len(lines) == 3  # the axes, then measured and planned
    measured, planned = re.findall(r'<path d="M[^"]*" fill="none" stroke="#[^>]*/>', svg)[1:]
    assert "stroke-dasharray" not in measured
    assert 'stroke-dasharray="6 4"' in planned
    # Three measured values as circles, two planned as squares, and one of each in the legend.
    assert svg.count("<circle") == 3 + 1
    assert svg.count('<rect x="') == 2 + 1
    assert texts(svg)[-2:] == ["Uppmätt", "Planerat"]


def test_the_time_axis_is_labelled_with_the_periods_and_the_value_axis_from_zero():
    found = texts(trend())
    for label in ("2022", "2023", "2024", "2027", "0", "80", "%"):
        assert label in found


def test_text_in_the_title_description_axis_and_legend_is_escaped():
    svg = trend(
        title="<script>alert(1)</script>",
        description='"Mål" & <b>fet</b>',
        axis_title="<img src=x onerror=alert(1)>",
        measured_label="<script>alert(2)</script>",
    )
    assert "<script" not in svg
    assert "<img" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg
    assert "<script>alert(2)</script>" in texts(svg)


def test_numbers_take_the_language_of_the_page():
    big = [Point(2022.0, "2022", 1200.5), Point(2023.0, "2023", 1500)]
    small = [Point(2022.0, "2022", 0.5), Point(2023.0, "2023", 1.5)]
    with translation.override("sv"):
        swedish = texts(str(charts.trend(big, [], title="t", description="d", measured_label="M",
                                         planned_label="P", axis_title="x")))  # fmt: skip
    assert "1\u00a0600" in swedish
    with translation.override("en"):
        english = texts(str(charts.trend(big, [], title="t", description="d", measured_label="M",
                                         planned_label="P", axis_title="x")))  # fmt: skip
    assert "1,600" in english
    assert "0,2" in texts(trend(small, [], decimal_comma=True))
    assert "0.2" in texts(trend(small, [], decimal_comma=False))


@pytest.mark.parametrize(
    ("points", "labels"),
    [
        ([(2024.0, "2024-VT"), (2024.5, "2024-HT")], ["2024-VT", "2024-HT"]),
        ([(2024.0, "2024-01"), (2024 + 11 / 12, "2024-12")], ["2024-01", "2024-12"]),
    ],
)
def test_the_time_axis_reads_as_periods(points, labels):
    measured = [Point(position, text, 1.0 + i) for i, (position, text) in enumerate(points)]
    found = texts(trend(measured, []))
    for label in labels:
        assert label in found


def test_long_series_get_at_most_a_dozen_labels_and_keep_the_last():
    positions = [2000 + i / 12 for i in range(120)]
    chosen = charts.axis_values(positions)
    assert len(chosen) <= charts.MAX_LABELS + 1
    assert chosen[0] == positions[0]
    assert chosen[-1] == positions[-1]


def test_crowded_labels_slant_and_the_image_grows_to_hold_them():
    measured = [Point(2000 + i / 12, f"{2000 + i // 12}-{i % 12 + 1:02d}", i) for i in range(14)]
    svg = trend(measured, [])
    assert "rotate(-40)" in svg
    years = [Point(2020.0 + i, str(2020 + i), i) for i in range(3)]
    assert "rotate(-40)" not in trend(years, [])
    assert view_box(svg)[1] > view_box(trend(years, []))[1]


def test_the_bars_show_each_group_and_series_with_the_missing_value_left_out():
    svg = str(
        charts.bars(
            ["Ledning", "Infrastruktur", "Kompetens"],
            [
                Bars("Denna omgång", [2.5, 3.1, 1.8], Style("#1d4f91")),
                Bars("Förra omgången", [2.0, None, 5.0], Style("#6b7480", charts.SHORT_DASHED)),
            ],
            title="Resultat per område",
            description="Ledning: 2,5.",
            axis_title="Resultat",
            domain=(0.0, 4.0),
        )
    )
    assert svg.startswith("<svg")
    found = texts(svg)
    for label in ("Ledning", "Infrastruktur", "Kompetens", "0", "1", "2", "3", "4", "Resultat",
                  "Denna omgång", "Förra omgången"):  # fmt: skip
        assert label in found
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="16"', svg)
    assert len(bars) == 5  # six values, one missing
    widths = [float(w) for _x, w in bars]  # by group, then series: 2.5, 2.0, 3.1, 1.8, 5.0
    assert widths[1] == pytest.approx(widths[0] / 2.5 * 2.0, abs=0.2)
    assert widths[2] == pytest.approx(widths[0] / 2.5 * 3.1, abs=0.2)
    # A value beyond the scale (5 on 0–4) stops at its edge.
    assert widths[4] == pytest.approx(widths[0] / 2.5 * 4, abs=0.2)
    assert svg.count('stroke-dasharray="4 3"') == 2 + 1  # two bars and the legend


# Bad input ------------------------------------------------------------------------------------


def test_a_chart_with_no_values_is_nothing_to_draw():
    assert trend([], []) == ""
    nan = [Point(2024.0, "2024", float("nan")), Point(2025.0, "2025", float("inf"))]
    assert trend(nan, []) == ""
    empty = charts.bars(["A"], [Bars("x", [None], Style("#000000"))], title="t",
                        description="d", axis_title="a")  # fmt: skip
    assert empty == ""
    assert not charts.bars([], [], title="t", description="d", axis_title="a")


def test_a_chart_with_one_value_shows_it_with_its_period():
    svg = trend([Point(2024.0, "2024", 54.0)], [])
    assert svg.count("<circle") == 1 + 1  # the value and the legend
    assert "2024" in texts(svg)
    assert "NaN" not in svg
    assert "inf" not in svg


def test_a_chart_of_a_thousand_values_stays_light_and_labelled():
    measured = [
        Point(1900 + i / 12, f"{1900 + i // 12}-{i % 12 + 1:02d}", (i * 7919) % 1000)
        for i in range(1000)
    ]
    started = time.perf_counter()
    svg = trend(measured, [])
    assert time.perf_counter() - started < 1  # about 5 ms; a second means something is wrong
    assert len(svg) < 40_000
    assert svg.count("<circle") == 1  # too dense for points: only the legend's
    labels = [t for t in texts(svg) if re.fullmatch(r"\d{4}-\d\d", t)]
    assert 2 <= len(labels) <= charts.MAX_LABELS + 1
    assert labels[-1] == "1983-04"


def test_a_value_of_a_trillion_is_written_out_and_fits():
    svg = trend([Point(2024.0, "2024", 10**12)], [], decimal_comma=True)
    found = texts(svg)
    assert "1\u00a0000\u00a0000\u00a0000\u00a0000" in found
    assert "e+" not in svg
    # The value axis makes room for its widest label: the plot starts to its right.
    axis = re.search(r'<path d="M([\d.]+) ([\d.]+)V', svg)
    assert axis is not None
    assert float(axis.group(1)) > charts.text_width("1 000 000 000 000")


def test_negative_values_get_a_minus_sign_and_a_zero_line():
    measured = [Point(2022.0, "2022", -12.5), Point(2023.0, "2023", 3.0)]
    svg = trend(measured, [])
    found = texts(svg)
    assert "\u221214" in found  # the scale ends on a round value below -12.5
    assert "0" in found
    assert f'stroke="{charts.AXIS}"/>' in svg  # the zero line across the plot
    assert "\u22120" not in found  # no "minus zero"


def test_a_series_name_of_300_characters_is_shortened_to_fit_the_legend():
    name = "Andel elever i årskurs 9 som " + "x" * 271
    assert len(name) == 300
    svg = trend(measured_label=name)
    legend = [t for t in texts(svg) if t.startswith("Andel elever")]
    assert len(legend) == 1
    assert legend[0].endswith("…")
    assert charts.text_width(legend[0]) <= charts.WIDTH
    assert name not in svg
    assert texts(svg)[-1] == "Planerat"  # the next legend item still shows


def test_a_chart_draws_in_a_forked_child_after_the_parent_drew_one():
    assert trend().startswith("<svg")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: draw, report through the pipe, leave without pytest's clean-up
        try:
            os.write(write, b"ok" if trend().startswith("<svg") else b"not an image")
        finally:
            os._exit(0)
    os.close(write)
    deadline = time.monotonic() + 10
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("The chart in the forked child hung for 10 s.")
        time.sleep(0.005)
    with os.fdopen(read, "rb") as pipe:
        assert pipe.read() == b"ok"


def test_a_chart_that_cannot_be_drawn_leaves_a_note_and_a_log_entry(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("the renderer broke")

    monkeypatch.setattr(charts, "_line_svg", broken)
    with caplog.at_level(logging.ERROR, logger="malbild.lib.charts"):
        note = trend()
    assert note == f'<p class="chart__note">{NOTE}</p>'
    assert "Andel behöriga lärare" in caplog.text
    assert "the renderer broke" in caplog.text


def test_too_many_values_leave_the_note_rather_than_a_huge_image(caplog):
    measured = [Point(i, str(i), i) for i in range(charts.MAX_POINTS + 1)]
    with caplog.at_level(logging.CRITICAL, logger="malbild.lib.charts"):
        assert trend(measured, []) == f'<p class="chart__note">{NOTE}</p>'


def test_the_note_is_in_swedish_on_a_swedish_page(monkeypatch, caplog):
    monkeypatch.setattr(charts, "_bar_svg", lambda *a: 1 / 0)
    with (
        caplog.at_level(logging.CRITICAL, logger="malbild.lib.charts"),
        translation.override("sv"),
    ):
        note = str(charts.bars(["A"], [Bars("x", [1.0], Style("#000000"))], title="t",
                               description="d", axis_title="a"))  # fmt: skip
    assert (
        note
        == '<p class="chart__note">Diagrammet kunde inte ritas. Tabellen visar samma siffror.</p>'
    )


def test_lines_of_other_series_are_told_apart_by_their_own_styles():
    svg = str(
        charts.lines(
            [
                Series("Mittköping", [Point(2023, "2023", 80.0), Point(2024, "2024", 82.0)],
                       Style("#1d4f91")),
                Series("Sverige", [Point(2023, "2023", 78.0), Point(2024, "2024", 79.5)],
                       Style("#4a5360", charts.DOTTED, "triangle")),
            ],
            title="t", description="d", axis_title="%", zero=False, decimal_comma=True,
        )
    )  # fmt: skip
    assert 'stroke-dasharray="2 3"' in svg
    assert svg.count("l5.4 9.2h-10.8z") == 2 + 1  # triangles: two values and the legend
    assert "0" not in texts(svg)  # not from zero: the axis starts near the values
    assert "78,0" in texts(svg)


# Stacked bars and progress bars -------------------------------------------------------------------

LIGHTS = [
    charts.Part("i fas", [4, 0, 3], Style("#1e6b34", shape="circle")),
    charts.Part("risk", [1, 0, 0], Style("#8a5700", shape="triangle")),
    charts.Part("inte i fas", [0, 0, 2], Style("#a4161a", shape="square")),
    charts.Part("inga data", [0, 1, 0], Style("#5b6470", shape="ring")),
]


def stacked(groups=("Ledning", "Kompetens", "Användning"), parts=LIGHTS, **overrides):
    values = {"title": "Aktiva mål", "description": "Per fokusområde och status.", **overrides}
    return str(charts.stacked(list(groups), parts, decimal_comma=True, **values))


def test_a_stacked_bar_names_each_group_and_its_total_and_marks_each_part_by_shape():
    svg = stacked()
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert svg.index("<title") < svg.index("<desc") < svg.index("<rect")
    said = texts(svg)
    for label in ["Ledning", "Kompetens", "Användning", "5", "1", "i fas", "inga data"]:
        assert label in said
    # Each part drawn carries its count and a white shape inside it: colour is never alone.
    assert said.count("4") == 1
    assert said.count("3") == 1
    assert said.count("2") == 1
    assert '<g fill="white"><circle' in svg
    assert '<g fill="white"><path' in svg  # the triangle
    assert '<g fill="white"><rect' in svg  # the square
    assert 'fill="none" stroke="white"' in svg  # the ring of "no data"


def test_stacked_bars_share_one_scale():
    svg = stacked(groups=("A", "B", "C"))
    parts = r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="22"'
    widths = [float(w) for w in re.findall(parts, svg)]
    # A: 4 + 1, B: 1, C: 3 + 2, in order; coordinates are rounded to a tenth.
    assert len(widths) == 5
    assert widths[0] == pytest.approx(4 * widths[1], abs=0.5)  # A's 4 on track against 1 at risk
    assert widths[1] == pytest.approx(widths[2], abs=0.1)  # A's one at risk, B's one without data
    assert widths[3] == pytest.approx(3 * widths[2], abs=0.5)


def test_a_stacked_chart_without_counts_is_nothing_to_draw():
    assert stacked(parts=[charts.Part("i fas", [0, 0, 0], LIGHTS[0].style)]) == ""
    assert stacked(groups=()) == ""


def test_a_stacked_chart_escapes_its_text():
    svg = stacked(groups=("<b>Ledning</b>", "B", "C"), title="Mål & <mått>")
    assert "<b>" not in svg
    assert "&lt;b&gt;Ledning&lt;/b&gt;" in svg
    assert "Mål &amp; &lt;mått&gt;" in svg


def test_a_progress_bar_fills_to_the_progress_and_marks_the_plan():
    svg = str(charts.progress(50.0, 75.0, title="Hälften", description="Planerat 75 %"))
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "Hälften" in svg
    fill = re.search(r'<rect x="6" y="7" width="([\d.]+)" height="12" fill="#1d4f91"', svg)
    assert fill is not None
    assert float(fill.group(1)) == pytest.approx((240 - 12) / 2)
    mark = re.search(r'<path d="M([\d.]+) ', svg)
    assert mark is not None
    assert float(mark.group(1)) == pytest.approx(6 + (240 - 12) * 0.75)


def test_a_progress_bar_stays_inside_its_track_and_draws_nothing_without_values():
    svg = str(charts.progress(140.0, -5.0, title="t", description="d"))
    fill = re.search(r'<rect x="6" y="7" width="([\d.]+)" height="12" fill="#1d4f91"', svg)
    assert fill is not None
    assert float(fill.group(1)) == pytest.approx(240 - 12)
    assert '<path d="M6 ' in svg  # the plan's mark at the start, not before it
    assert str(charts.progress(None, None, title="t", description="d")) == ""
    assert "#1d4f91" not in str(charts.progress(None, 40.0, title="t", description="d"))


def test_a_sparkline_is_a_small_named_image_from_the_first_to_the_last_value():
    svg = str(charts.sparkline(MEASURED, PLANNED, title="Andel", description="52,1 till 54"))
    tag = re.match(r"<svg\b[^>]*>", svg).group(0)  # type: ignore[union-attr]
    assert 'role="img"' in tag
    assert 'width="120" height="32"' in tag
    assert ">Andel</title>" in svg
    assert ">52,1 till 54</desc>" in svg
    assert "<text" not in svg  # no axes: the page writes the figures beside it
    measured = re.search(r'<path d="M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)" '
                         r'fill="none" stroke="#1d4f91"', svg)  # fmt: skip
    assert measured is not None
    x0, y0, _x1, y1, x2, y2 = (float(v) for v in measured.groups())
    # Across 2022–2027 (the plan reaches further than the values), 52.1 to 75 high.
    assert x0 == pytest.approx(5)
    assert x2 == pytest.approx(5 + (120 - 10) * 2 / 5)
    assert y0 == pytest.approx(32 - 5)  # the lowest value at the bottom
    assert y1 < y2 < y0  # 55.5 above 54 above 52.1
    end = re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert end is not None
    assert (float(end.group(1)), float(end.group(2))) == (x2, y2)
    # The plan: dashed, ending in a square at the target, at the top.
    assert 'stroke-dasharray="6 4"' in svg
    target = re.search(r'<rect x="([\d.]+)" y="([\d.]+)" width="6"', svg)
    assert target is not None
    assert float(target.group(1)) + 3 == pytest.approx(115)
    assert float(target.group(2)) + 3 == pytest.approx(5)


def test_a_sparkline_of_one_value_is_a_point_and_of_none_is_nothing():
    one = str(charts.sparkline([Point(2024.0, "2024", 7)], title="t", description="d"))
    assert "<circle" in one
    assert 'stroke="#1d4f91"' not in one  # no line through a single point
    assert str(charts.sparkline([], PLANNED, title="t", description="d")) == ""
    assert str(charts.sparkline([Point(1.0, "x", float("nan"))], title="t", description="d")) == ""


def test_a_bar_list_draws_one_labelled_bar_per_name_with_its_value():
    with translation.override("sv"):
        svg = str(charts.bar_list(
            ["Åsens skola", "Backeskolan", "Centrumskolan"], [2.5, None, 4.0],
            title="Ledning", description="Åsens skola 2,5.", domain=(0.0, 4.0),
        ))  # fmt: skip
    assert 'role="img"' in svg
    assert 'viewBox="0 0 360 ' in svg
    said = texts(svg)
    assert said[:6] == ["Åsens skola", "2,5", "Backeskolan", "–", "Centrumskolan", "4,0"]
    assert said[6:] == ["0", "1", "2", "3", "4"]
    bars = [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" '
                                          r'height="14" fill="#1d4f91"', svg)]  # fmt: skip
    assert len(bars) == 2  # none for the school without a value
    assert bars[0] == pytest.approx(bars[1] * 2.5 / 4, abs=0.1)


def test_a_bar_list_escapes_its_names_and_draws_nothing_without_values():
    svg = str(charts.bar_list(["<b>&"], [1.0], title="<t>", description="d", domain=(0, 4)))
    assert "<b>" not in svg
    assert "&lt;b&gt;&amp;" in svg
    assert "&lt;t&gt;" in svg
    assert str(charts.bar_list(["A"], [None], title="t", description="d", domain=(0, 4))) == ""
