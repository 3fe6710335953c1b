"""The summary's chart: bars per area, this round beside the previous one, then the same figures
as a table; a note in its place when it cannot be drawn."""

import re

from django.urls import reverse

from malbild.assessments.tests.builders import closed_round
from malbild.lib import charts


def summary_url(round_):
    return reverse("assessments:summary", args=["mittkoping", round_.pk])


def test_the_chart_shows_both_rounds_per_area_before_the_table(client, cast):
    people = [cast.rektor, cast.teacher, cast.admin]
    closed_round(cast.org, cast.school, people, 1)
    later = closed_round(cast.org, cast.school, people, 3)
    client.force_login(cast.rektor)
    html = client.get(summary_url(later)).content.decode()  # in English (conftest.py)
    chart = html[html.index('<figure class="chart"><svg') : html.index("</svg>")]
    assert html.index("</svg>") < html.index("<caption>Result per area</caption>")
    bars = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="16"', chart)
    assert len(bars) == 2 * 4  # four areas, two rounds
    this_round, previous = float(bars[0]), float(bars[1])
    assert this_round == 3 * previous  # 3 against 1 on the same scale
    assert "This round" in chart
    assert "Previous round" in chart
    assert 'stroke-dasharray="4 3"' in chart  # the previous round's outline, not colour alone


def test_a_summary_whose_chart_cannot_be_drawn_answers_with_the_table_and_a_note(
    client, cast, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("a renderer that fails")

    monkeypatch.setattr(charts, "_bar_svg", broken)
    round_ = closed_round(cast.org, cast.school, [cast.rektor, cast.teacher, cast.admin], 2)
    client.force_login(cast.rektor)
    response = client.get(summary_url(round_))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" not in html
    assert '<figure class="chart"><p class="chart__note">The chart could not be drawn.' in html
    assert html.count('<table class="assessment-results stack">') == 4
