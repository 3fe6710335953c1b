import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from malbild.indicators.tests.builders import make_indicator, make_measurement, make_target


def detail_url(org, indicator):
    return reverse("indicators:detail", args=[org.slug, indicator.pk])


@pytest.fixture
def indicator(cast):
    indicator = make_indicator(
        cast.org, "BEH-LAR", name="Andel behöriga lärare", baseline="50", baseline_period="2022"
    )
    make_target(indicator, "2024", "60")
    make_target(indicator, "2026", "70")
    return indicator


def trend_table(html):
    return html.split('<table class="indicator-values">')[1].split("</table>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "reader", "elected", "rektor", "admin"])
def test_every_member_reads_an_indicator(client, cast, indicator, who):
    make_measurement(indicator, cast.root, "2023", "55")
    client.force_login(getattr(cast, who))
    response = client.get(detail_url(cast.org, indicator))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Andel behöriga lärare</h1>" in html
    assert "BEH-LAR" in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_the_trend_is_a_chart_followed_by_a_table_of_the_same_data(client, cast, indicator):
    make_measurement(indicator, cast.school, "2022", "50")
    make_measurement(indicator, cast.school, "2023", "54,5".replace(",", "."))
    make_measurement(indicator, cast.school, "2024", "57")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    html = response.content.decode()
    chart_at = html.index('<div class="chart"><svg')
    table_at = html.index('<table class="indicator-values">')
    assert chart_at < table_at
    svg = html[chart_at : html.index("</svg>", chart_at)]
    assert 'role="img"' in svg
    title_id = re.findall(r'aria-labelledby="([^"]+)"', svg)[0]
    assert f'<title id="{title_id}">Andel behöriga lärare' in svg
    assert "Åsens skola" in svg.split("</title>")[0]
    assert "<desc" in svg
    assert "style=" not in svg
    table = trend_table(html)
    assert '<caption id="indicator-values-caption">' in table
    for period, measured in (("2022", "50"), ("2023", "54,5"), ("2024", "57")):
        assert re.search(
            rf'<th scope="row">{period}</th>\s*<td class="number">{measured}</td>', table
        )
    # The plan: the baseline and each target, in the same table.
    assert "2026" in table
    assert "70" in table


@pytest.mark.django_db
def test_a_unit_without_values_has_no_chart(client, cast, indicator):
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.team.pk})
    assert response.status_code == 200
    assert response.context["chart"] is None
    assert "<svg" not in response.content.decode()


@pytest.mark.django_db
def test_the_top_unit_is_shown_first_when_it_has_values(client, cast, indicator):
    make_measurement(indicator, cast.root, "2023", "55")
    make_measurement(indicator, cast.school, "2023", "52")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator))
    assert response.context["unit"] == cast.root
    assert cast.school in response.context["unit_choices"]


@pytest.mark.django_db
def test_otherwise_the_first_unit_with_values_is_shown(client, cast, indicator):
    make_measurement(indicator, cast.other_school, "2023", "52")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator))
    assert response.context["unit"] == cast.other_school
    assert response.context["unit_choices"] == [cast.root, cast.other_school]


@pytest.mark.django_db
def test_with_no_values_at_all_the_top_unit_is_shown(client, cast, indicator):
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator))
    assert response.context["unit"] == cast.root
    assert response.context["light"] == "no_data"


@pytest.mark.django_db
def test_the_unit_chooser_is_a_labelled_get_form(client, cast, indicator):
    make_measurement(indicator, cast.school, "2023", "52")
    client.force_login(cast.teacher)
    html = client.get(detail_url(cast.org, indicator)).content.decode()
    assert '<label for="id_enhet">' in html
    assert '<select id="id_enhet" name="enhet">' in html
    assert f'<option value="{cast.school.pk}" selected>Åsens skola</option>' in html


@pytest.mark.django_db
def test_girls_and_boys_get_their_own_columns_when_there_are_values(client, cast, indicator):
    make_measurement(indicator, cast.school, "2023", "52")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    assert response.context["has_genders"] is False
    assert "Flickor och kvinnor" not in trend_table(response.content.decode())
    make_measurement(indicator, cast.school, "2023", "56", gender="K")
    make_measurement(indicator, cast.school, "2023", "48", gender="M")
    make_measurement(indicator, cast.school, "2024", None)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    table = trend_table(response.content.decode())
    assert "Flickor och kvinnor" in table
    assert "Pojkar och män" in table
    assert re.search(
        r'<th scope="row">2023</th>\s*<td class="number">52</td>\s*<td class="number">56</td>'
        r'\s*<td class="number">48</td>',
        table,
    )
    assert response.context["has_genders"] is True


@pytest.mark.django_db
def test_the_traffic_light_has_a_label_and_a_shape(client, cast, indicator):
    # Planned for 2024: 60, i.e. 50 % of the way; 52 is 10 % of the way: off track.
    make_measurement(indicator, cast.school, "2024", "52")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    assert response.context["light"] == "off_track"
    html = response.content.decode()
    assert '<span class="light light--off_track">' in html
    assert '<span class="light__shape" aria-hidden="true">■</span>' in html
    assert str(response.context["light_label"]) in html


@pytest.mark.django_db
def test_on_track_when_the_value_follows_the_plan(client, cast, indicator):
    make_measurement(indicator, cast.school, "2024", "61")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    assert response.context["light"] == "on_track"
    assert 'aria-hidden="true">●</span>' in response.content.decode()


@pytest.mark.django_db
def test_admins_see_the_target_form_and_remove_buttons_others_do_not(client, cast, indicator):
    add = reverse("indicators:target_add", args=[cast.org.slug, indicator.pk])
    client.force_login(cast.admin)
    html = client.get(detail_url(cast.org, indicator)).content.decode()
    assert f'action="{add}"' in html
    assert "/ta-bort/" in html
    assert 'for="id_target_period"' in html
    for who in (cast.rektor, cast.teacher):
        client.force_login(who)
        html = client.get(detail_url(cast.org, indicator)).content.decode()
        assert add not in html
        assert "/ta-bort/" not in html


@pytest.mark.django_db
def test_the_link_to_enter_a_value_is_shown_to_those_who_may(client, cast, indicator):
    entry = reverse("indicators:measurement", args=[cast.org.slug, indicator.pk])
    client.force_login(cast.rektor)
    mine = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    assert f"{entry}?enhet={cast.school.pk}" in mine.content.decode()
    theirs = client.get(detail_url(cast.org, indicator), {"enhet": cast.other_school.pk})
    assert entry not in theirs.content.decode()
    client.force_login(cast.teacher)
    assert entry not in client.get(detail_url(cast.org, indicator)).content.decode()


@pytest.mark.django_db
def test_another_organisations_indicator_or_unit_is_404(client, cast, indicator):
    theirs = make_indicator(cast.ekby, "EKBY-1")
    client.force_login(cast.admin)
    assert client.get(detail_url(cast.org, theirs)).status_code == 404
    url = detail_url(cast.org, indicator)
    assert client.get(url, {"enhet": cast.ekby_school.pk}).status_code == 404
    assert client.get(url, {"enhet": "ett"}).status_code == 404
    assert client.get(url, {"enhet": "9" * 30}).status_code == 404
    client.force_login(cast.ekby_admin)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_description_is_markdown_and_sanitised(client, cast):
    indicator = make_indicator(
        cast.org, "MD", description="Se **Kolada**.\n\n<script>alert(1)</script>"
    )
    client.force_login(cast.teacher)
    html = client.get(detail_url(cast.org, indicator)).content.decode()
    assert "<strong>Kolada</strong>" in html
    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_the_page_uses_as_many_queries_for_60_values_as_for_3(
    client, cast, indicator, django_assert_max_num_queries
):
    client.force_login(cast.teacher)
    for year in range(2020, 2023):
        make_measurement(indicator, cast.school, str(year), "55")
    url = detail_url(cast.org, indicator)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, {"enhet": cast.school.pk}).status_code == 200
    for month in range(60):
        make_measurement(indicator, cast.school, str(1900 + month), "50")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, {"enhet": cast.school.pk})
    assert len(response.context["rows"]) >= 63
    assert response.context["chart"] is not None
    assert len(small.captured_queries) <= 15


@pytest.mark.django_db
def test_the_chart_holds_values_near_the_largest_storable_and_below_zero(client, cast, indicator):
    make_measurement(indicator, cast.school, "2022", "-125.5")
    make_measurement(indicator, cast.school, "2023", "9999999999.9999")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    html = response.content.decode()
    assert response.status_code == 200
    svg = html[html.index('<div class="chart"><svg') : html.index("</svg>")]
    assert "10\u00a0000\u00a0000\u00a0000" in svg  # the top of the value axis, in Swedish
    assert "\u22122\u00a0000\u00a0000\u00a0000" in svg  # the axis reaches below zero
    assert re.search(r'<th scope="row">2022</th>\s*<td class="number">-125,5</td>', html)


@pytest.mark.django_db
def test_a_chart_that_cannot_be_drawn_leaves_the_table_and_a_note(
    client, cast, indicator, monkeypatch
):
    from malbild.lib import charts

    def broken(*args, **kwargs):
        raise RuntimeError("a renderer that fails")

    monkeypatch.setattr(charts, "_line_svg", broken)
    make_measurement(indicator, cast.school, "2023", "54")
    client.force_login(cast.teacher)
    response = client.get(detail_url(cast.org, indicator), {"enhet": cast.school.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" not in html
    assert '<div class="chart"><p class="chart__note">Diagrammet kunde inte ritas.' in html
    assert re.search(r'<th scope="row">2023</th>\s*<td class="number">54</td>', trend_table(html))
