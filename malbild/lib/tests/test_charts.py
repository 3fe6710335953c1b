import re

import pytest
import vl_convert
from django.core.cache import cache

from malbild.lib import charts
from malbild.lib.charts import Point

MEASURED = [Point(2022.0, "2022", 52.1), Point(2023.0, "2023", 55.5), Point(2024.0, "2024", 54)]
PLANNED = [Point(2022.0, "2022", 52.1), Point(2027.0, "2027", 75)]


def spec(**overrides):
    values = {
        "kind": "year",
        "measured_label": "Uppmätt",
        "planned_label": "Planerat",
        "axis_title": "%",
        **overrides,
    }
    return charts.trend_spec(MEASURED, PLANNED, **values)


@pytest.fixture
def renders(monkeypatch):
    """Every call of the renderer, which still renders (a spy, not a fake)."""
    calls = []
    real = vl_convert.vegalite_to_svg

    def spy(vl_spec, *args, **kwargs):
        calls.append(vl_spec)
        return real(vl_spec, *args, **kwargs)

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", spy)
    return calls


@pytest.mark.django_db
def test_the_same_spec_is_rendered_only_once(renders):
    first = charts.render_svg(spec())
    second = charts.render_svg(spec())
    assert first == second
    assert first.startswith("<svg")
    assert len(renders) == 1
    assert cache.get(charts.spec_key(spec())) == first


@pytest.mark.django_db
def test_other_data_is_rendered_again(renders):
    charts.render_svg(spec())
    charts.render_svg(spec(axis_title="antal"))
    assert len(renders) == 2


def test_the_cache_key_is_a_hash_of_the_canonical_spec():
    reordered = dict(reversed(list(spec().items())))
    assert charts.spec_key(reordered) == charts.spec_key(spec())
    assert re.fullmatch(r"chart:[0-9a-f]{64}", charts.spec_key(spec()))
    assert charts.spec_key(spec(axis_title="antal")) != charts.spec_key(spec())


@pytest.mark.django_db
def test_the_chart_is_an_image_with_a_title_and_a_description_first():
    svg = str(
        charts.trend(
            MEASURED,
            PLANNED,
            kind="year",
            title="Andel behöriga lärare",
            description="Senast 54 % (2024), mål 75 % år 2027.",
            measured_label="Uppmätt",
            planned_label="Planerat",
            axis_title="%",
        )
    )
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
    assert "style=" not in svg
    assert "<script" not in svg
    # The image speaks as one: no roles of the renderer's inner parts.
    assert svg.count("role=") == 1


@pytest.mark.django_db
def test_two_charts_on_one_page_have_different_ids():
    svg = charts.render_svg(spec())
    first = charts.accessible(svg, "A", "a")
    second = charts.accessible(svg, "B", "b")
    ids = re.findall(r'id="([^"]+)"', first + second)
    assert len(ids) == len(set(ids)) >= 4


@pytest.mark.django_db
def test_text_in_the_title_description_and_axis_is_escaped():
    svg = str(
        charts.trend(
            MEASURED,
            PLANNED,
            kind="year",
            title="<script>alert(1)</script>",
            description='"Mål" & <b>fet</b>',
            measured_label="Uppmätt",
            planned_label="Planerat",
            axis_title="<img src=x onerror=alert(1)>",
        )
    )
    assert "<script" not in svg
    assert "<img" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&lt;img src=x onerror=alert(1)&gt;" in svg


@pytest.mark.django_db
def test_numbers_on_the_axis_take_a_decimal_comma_in_swedish():
    small = [Point(2022.0, "2022", 0.5), Point(2023.0, "2023", 1.5)]
    svg = charts.render_svg(
        charts.trend_spec(
            small, [], kind="year", measured_label="M", planned_label="P", axis_title="x"
        )
    )
    labels = re.findall(r">([^<]+)</text>", svg)
    assert "0,2" in labels
    english = charts.render_svg(
        charts.trend_spec(
            small,
            [],
            kind="year",
            measured_label="M",
            planned_label="P",
            axis_title="x",
            decimal_comma=False,
        )
    )
    assert "0.2" in re.findall(r">([^<]+)</text>", english)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "points", "labels"),
    [
        ("term", [(2024.0, "2024-VT"), (2024.5, "2024-HT")], ["2024-VT", "2024-HT"]),
        ("month", [(2024.0, "2024-01"), (2024 + 11 / 12, "2024-12")], ["2024-01", "2024-12"]),
    ],
)
def test_the_time_axis_reads_as_periods(kind, points, labels):
    measured = [Point(position, text, 1.0 + i) for i, (position, text) in enumerate(points)]
    svg = charts.render_svg(
        charts.trend_spec(
            measured, [], kind=kind, measured_label="M", planned_label="P", axis_title="x"
        )
    )
    found = re.findall(r">([^<]+)</text>", svg)
    for label in labels:
        assert label in found


def test_long_series_get_at_most_a_dozen_labels_and_keep_the_last():
    positions = [2000 + i / 12 for i in range(120)]
    chosen = charts._axis_values(positions)
    assert len(chosen) <= charts.MAX_LABELS + 1
    assert chosen[0] == positions[0]
    assert chosen[-1] == positions[-1]
