"""The unit and organisation dashboards: goals with stored progress and lights in words, the
subtree's status counts, the units below, what needs attention, and constant query counts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from malbild.dashboards.tests.builders import SERIES, build_wide_tree, make_goal, make_vision
from malbild.dashboards.views import ATTENTION_LIMIT
from malbild.goals.models import Goal
from malbild.tenants.scope import scope

Light = Goal.Light
Status = Goal.Status


def unit_url(org, unit) -> str:
    return reverse("dashboards:unit", args=[org.slug, unit.pk])


def org_url(org) -> str:
    return reverse("dashboards:organisation", args=[org.slug])


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    match = re.search(
        rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, flags=re.DOTALL
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


def counts(html: str) -> dict[str, int]:
    """The totals row of the status table: light (its CSS modifier) → number of active goals;
    every light 0 when the section says no goal is active."""
    part = section(html, "status-heading")
    if "<tfoot>" not in part:
        return dict.fromkeys(Light.values, 0)
    lights = re.findall(r'<th scope="col" class="number"><span class="light light--(\w+)"', part)
    foot = part[part.index("<tfoot>") : part.index("</tfoot>")]
    numbers = [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', foot)]
    assert len(numbers) == len(lights) + 1  # each light, then the total
    return dict(zip(lights, numbers[:-1], strict=True))


@pytest.fixture
def reader_client(client, cast):
    client.force_login(cast.reader)
    return client


@pytest.mark.django_db
def test_a_unit_dashboard_shows_each_goals_progress_over_time_beside_its_bar(reader_client, cast):
    make_goal(cast.org, cast.school, "Fler elever läser varje dag", Light.AT_RISK,
              progress="42.5", expected="50", series=SERIES)  # fmt: skip
    make_goal(cast.org, cast.school, "Ett mål utan värden", Light.NO_DATA, progress=None,
              expected=None)  # fmt: skip
    goals = section(reader_client.get(unit_url(cast.org, cast.school)).content.decode(),
                    "goals-heading")  # fmt: skip
    assert '<th scope="col">Över tid</th>' in goals
    assert "Målets framsteg över tid: 10\u00a0% år 2022, 43\u00a0% år 2025" in goals  # 42.5
    assert "från 10\u00a0% (2022) till 43\u00a0% (2025)" in goals  # the figures in words beside it
    assert "för få värden ännu" in goals  # the other goal


@pytest.mark.django_db
def test_a_unit_dashboard_shows_its_goals_with_progress_and_a_light_in_words_and_shape(
    reader_client, cast
):
    goal = make_goal(cast.org, cast.school, "Fler elever läser varje dag", Light.AT_RISK,
                     progress="42.5", expected="50")  # fmt: skip
    response = reader_client.get(unit_url(cast.org, cast.school))
    assert response.status_code == 200
    goals = section(response.content.decode(), "goals-heading")
    assert reverse("goals:detail", args=[cast.org.slug, goal.pk]) in goals
    assert "Kompetens" in goals
    assert "42,5 %" in goals
    # The light: the shape hidden from screen readers, the label in words beside it.
    assert '<span class="light__shape" aria-hidden="true">▲</span>' in goals
    assert str(Light.AT_RISK.label) in goals
    assert '<th scope="col">' in goals
    assert "<caption" in goals


@pytest.mark.django_db
def test_each_light_has_its_own_shape(reader_client, cast):
    for light in Light.values:
        make_goal(cast.org, cast.school, f"Mål {light}", light)
    html = section(reader_client.get(unit_url(cast.org, cast.school)).content.decode(),
                   "goals-heading")  # fmt: skip
    shapes = re.findall(r'light--(\w+)"><span[^>]*aria-hidden="true">(.)</span>', html)
    assert dict(shapes) == {"on_track": "●", "at_risk": "▲", "off_track": "■", "no_data": "○"}


@pytest.mark.django_db
def test_the_status_counts_cover_the_unit_and_every_unit_below_but_not_beside(reader_client, cast):
    make_goal(cast.org, cast.school, "Skolans mål", Light.ON_TRACK)
    make_goal(cast.org, cast.team, "Arbetslagets mål", Light.OFF_TRACK, progress="10")
    make_goal(cast.org, cast.team, "Ett utkast", Light.NO_DATA, status=Status.DRAFT)
    make_goal(cast.org, cast.team, "Ett avslutat mål", Light.ON_TRACK, status=Status.CLOSED)
    make_goal(cast.org, cast.other_school, "Grannskolans mål", Light.AT_RISK)

    school = counts(reader_client.get(unit_url(cast.org, cast.school)).content.decode())
    assert school == {"on_track": 1, "at_risk": 0, "off_track": 1, "no_data": 0}
    area = counts(reader_client.get(unit_url(cast.org, cast.area)).content.decode())
    assert area == {"on_track": 1, "at_risk": 1, "off_track": 1, "no_data": 0}
    whole = counts(reader_client.get(org_url(cast.org)).content.decode())
    assert whole == area


@pytest.mark.django_db
def test_it_reads_the_stored_progress_and_never_recomputes_it(reader_client, cast):
    # Stored values that no indicator backs: the dashboard shows them as they are.
    make_goal(cast.org, cast.school, "Lagrat mål", Light.AT_RISK, progress="77.7", expected="90")
    with scope(cast.org):
        cast.school.progress = "33.3"
        cast.school.save(update_fields=["progress"])
    school = reader_client.get(unit_url(cast.org, cast.school)).content.decode()
    assert "77,7 %" in section(school, "goals-heading")
    assert "33,3 %" in school
    area = reader_client.get(unit_url(cast.org, cast.area)).content.decode()
    assert "33,3 %" in section(area, "units-heading")


@pytest.mark.django_db
def test_needs_attention_lists_off_track_goals_goals_without_data_and_drafts_without_evidence(
    reader_client, cast
):
    make_goal(cast.org, cast.team, "Halkar efter", Light.OFF_TRACK, progress="10",
              expected="50")  # fmt: skip
    make_goal(cast.org, cast.school, "Saknar mätningar", Light.NO_DATA, progress=None)
    make_goal(cast.org, cast.school, "Utkast utan underlag", Light.NO_DATA, progress=None,
              status=Status.DRAFT, evidence=False)  # fmt: skip
    make_goal(cast.org, cast.school, "Utkast med underlag", Light.NO_DATA, progress=None,
              status=Status.DRAFT)  # fmt: skip
    make_goal(cast.org, cast.school, "Går bra", Light.ON_TRACK)
    make_goal(cast.org, cast.other_school, "Grannen halkar efter", Light.OFF_TRACK)

    html = section(reader_client.get(unit_url(cast.org, cast.school)).content.decode(),
                   "attention-heading")  # fmt: skip
    lists = dict(
        re.findall(r'<h3 id="attention-(\w+)">.*?</h3>(.*?)(?=<h3|$)', html, flags=re.DOTALL)
    )
    assert "Halkar efter" in lists["off_track"]
    assert "10,0 % av planerade 50,0 %" in lists["off_track"]
    assert "Saknar mätningar" in lists["no_data"]
    assert "Utkast utan underlag" in lists["no_evidence"]
    assert "Utkast med underlag" not in html
    assert "Går bra" not in html
    assert "Grannen halkar efter" not in html
    heading = re.search(r'<h3 id="attention-off_track">(.*?)</h3>', html)
    assert heading
    assert "(1)" in heading.group(1)


@pytest.mark.django_db
def test_each_attention_list_is_capped_and_says_how_many_there_are(reader_client, cast):
    for i in range(ATTENTION_LIMIT + 3):
        make_goal(cast.org, cast.team, f"Efter {i:02}", Light.OFF_TRACK, progress=str(i))
    html = section(reader_client.get(unit_url(cast.org, cast.school)).content.decode(),
                   "attention-heading")  # fmt: skip
    assert html.count("Efter ") == ATTENTION_LIMIT
    assert f"({ATTENTION_LIMIT + 3})" in html
    # The furthest behind come first.
    assert "Efter 00" in html
    assert f"Efter {ATTENTION_LIMIT + 2}" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "shown", "overdue"), [(-3, True, True), (20, True, False), (60, False, False)]
)
def test_the_målbild_review_shows_when_due_or_overdue(reader_client, cast, days, shown, overdue):
    make_vision(cast.org, review_date=timezone.localdate() + timedelta(days=days))
    html = section(reader_client.get(unit_url(cast.org, cast.school)).content.decode(),
                   "attention-heading")  # fmt: skip
    assert ('class="notice' in html) is shown
    assert ("notice--overdue" in html) is overdue
    if shown:
        assert reverse("targets:detail", args=[cast.org.slug]) in html


@pytest.mark.django_db
def test_the_units_below_link_to_their_dashboards_with_their_stored_progress(reader_client, cast):
    with scope(cast.org):
        cast.other_school.progress = "81.4"
        cast.other_school.save(update_fields=["progress"])
    html = section(reader_client.get(unit_url(cast.org, cast.area)).content.decode(),
                   "units-heading")  # fmt: skip
    assert unit_url(cast.org, cast.school) in html
    assert unit_url(cast.org, cast.other_school) in html
    assert "81,4 %" in html
    assert "<caption" in html
    assert '<th scope="col">' in html


@pytest.mark.django_db
def test_archived_units_are_not_listed_below(reader_client, cast):
    from malbild.tenants.services import archive_unit

    with scope(cast.org):
        archive_unit(cast.team)
    html = section(reader_client.get(unit_url(cast.org, cast.school)).content.decode(),
                   "units-heading")  # fmt: skip
    assert unit_url(cast.org, cast.team) not in html


@pytest.mark.django_db
def test_the_dashboard_links_to_the_unit_page_and_the_units_goals(reader_client, cast):
    html = reader_client.get(unit_url(cast.org, cast.school)).content.decode()
    assert reverse("tenants:unit_detail", args=[cast.org.slug, cast.school.pk]) in html
    assert reverse("goals:unit_goals", args=[cast.org.slug, cast.school.pk]) in html
    # Breadcrumbs lead up through the dashboards of the units above.
    assert unit_url(cast.org, cast.area) in html
    assert unit_url(cast.org, cast.root) in html
    assert org_url(cast.org) in html


@pytest.mark.django_db
def test_the_organisation_dashboard_shows_the_top_units_goals_and_the_whole_tree(
    reader_client, cast
):
    make_goal(cast.org, cast.root, "Förvaltningens mål", Light.ON_TRACK)
    make_goal(cast.org, cast.team, "Arbetslagets mål", Light.NO_DATA, progress=None)
    html = reader_client.get(org_url(cast.org)).content.decode()
    goals = section(html, "goals-heading")
    assert "Förvaltningens mål" in goals
    assert "Arbetslagets mål" not in goals
    assert unit_url(cast.org, cast.root) in section(html, "units-heading")
    assert unit_url(cast.org, cast.area) not in section(html, "units-heading")
    assert "Arbetslagets mål" in section(html, "attention-heading")
    assert counts(html) == {"on_track": 1, "at_risk": 0, "off_track": 0, "no_data": 1}


@pytest.mark.django_db
def test_every_member_reads_the_dashboard_of_any_unit(client, cast):
    make_goal(cast.org, cast.other_school, "Grannskolans mål")
    client.force_login(cast.teacher)  # staff of Åsens skola, reading Berga skola
    response = client.get(unit_url(cast.org, cast.other_school))
    assert response.status_code == 200
    assert "Grannskolans mål" in response.content.decode()


@pytest.mark.django_db
def test_another_organisations_unit_is_not_found(reader_client, cast):
    response = reader_client.get(
        reverse("dashboards:unit", args=["mittkoping", cast.ekby_school.pk])
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_shows_another_organisations_goals_nowhere(reader_client, cast):
    make_goal(cast.ekby, cast.ekby_school, "Ekbys hemliga mål", Light.OFF_TRACK)
    for url in (org_url(cast.org), unit_url(cast.org, cast.root)):
        html = reader_client.get(url).content.decode()
        assert "Ekbys hemliga mål" not in html
        assert counts(html)["off_track"] == 0


@pytest.mark.django_db
def test_the_two_lists_are_paged_each_by_its_own_parameter(reader_client, cast):
    build_wide_tree(cast.org, cast.area, 60)
    response = reader_client.get(unit_url(cast.org, cast.area), {"enheter": "2", "page": "2"})
    html = response.content.decode()
    units = section(html, "units-heading")
    assert units.count("<tr>") == 1 + (62 - 50)  # header + Åsens, Berga and 60 schools, page 2
    goals = section(html, "goals-heading")
    assert goals.count("<tr>") == 1 + 10  # header + 60 own goals, page 2
    assert "?enheter=1&amp;page=2" in units or "?page=2&amp;enheter=1" in units
    assert 'aria-label="' in units
    assert 'aria-label="' in goals


@pytest.mark.django_db
@pytest.mark.parametrize("schools", [3, 2_000])
def test_the_dashboards_use_few_queries_whatever_the_size_of_the_tree(
    reader_client, cast, django_assert_max_num_queries, schools
):
    make_vision(cast.org, review_date=timezone.localdate() + timedelta(days=5))
    build_wide_tree(cast.org, cast.area, schools)
    for url, params in [
        (unit_url(cast.org, cast.area), {}),
        (unit_url(cast.org, cast.area), {"page": "2", "enheter": "2"}),
        (unit_url(cast.org, cast.school), {}),
        (unit_url(cast.org, cast.root), {}),
        (org_url(cast.org), {}),
    ]:
        with django_assert_max_num_queries(15):
            response = reader_client.get(url, params)
        assert response.status_code == 200
        assert response.content.decode().count("<tr>") <= 2 * 51 + 6
    html = reader_client.get(unit_url(cast.org, cast.root)).content.decode()
    expected = {"on_track": 0, "at_risk": 0, "off_track": 0, "no_data": 0}
    for i in range(schools):  # the builder's pattern: lights in turn, every fifth a draft
        if i % 5:
            expected[["on_track", "at_risk", "off_track", "no_data"][i % 4]] += 1
    for i in range(schools):  # the area's own goals, all active
        expected[["on_track", "at_risk", "off_track", "no_data"][i % 4]] += 1
    assert counts(html) == expected


@pytest.mark.django_db
def test_the_organisation_dashboard_shows_the_municipalitys_latest_kolada_figures(
    reader_client, cast, english, django_assert_max_num_queries
):
    from decimal import Decimal

    from malbild.imports.models import KoladaValue
    from malbild.indicators.tests.builders import make_indicator

    cast.org.kolada_municipality_id = "2480"
    cast.org.save()
    followed = make_indicator(cast.org, "N15419", name="Behöriga lärare", kolada_kpi="N15419")
    make_indicator(cast.org, "U-EGEN", name="Egen indikator")  # not from Kolada: not listed
    waiting = make_indicator(cast.org, "N15505", name="Meritvärde", kolada_kpi="N15505",
                             unit_of_measure="poäng")  # fmt: skip
    with scope(cast.org):
        for area_id, year, value in [("2480", 2023, "81.5"), ("2480", 2024, "84"),
                                     ("2481", 2025, "99")]:  # fmt: skip
            KoladaValue.objects.create(
                organisation=cast.org, kpi="N15419", area=KoladaValue.Area.MUNICIPALITY,
                area_id=area_id, year=year, value=Decimal(value), fetched_at=timezone.now(),
            )  # fmt: skip
    with django_assert_max_num_queries(15):  # as many as without them (two more at most)
        html = reader_client.get(org_url(cast.org)).content.decode()
    figures = section(html, "kolada-heading")
    row = re.search(rf'href="[^"]*/{followed.pk}/"[^<]*</a></th>(.*?)</tr>', figures, re.DOTALL)
    assert row, figures
    assert "<td>2024</td>" in row.group(1)
    assert ">84 %</td>" in row.group(1)  # the own municipality's latest, not a neighbour's
    assert "Not fetched from Kolada yet." in figures.split(f"/{waiting.pk}/")[1]
    assert "Egen indikator" not in figures
    unit_page = reader_client.get(unit_url(cast.org, cast.school)).content.decode()
    assert "kolada-heading" not in unit_page


@pytest.mark.django_db
def test_without_a_kolada_municipality_the_dashboard_has_no_key_figures(reader_client, cast):
    from malbild.indicators.tests.builders import make_indicator

    make_indicator(cast.org, "N15419", kolada_kpi="N15419")
    cast.org.kolada_municipality_id = ""
    cast.org.save()
    assert "kolada-heading" not in reader_client.get(org_url(cast.org)).content.decode()


@pytest.mark.django_db
def test_where_the_lead_assesses_otherwise_both_voices_show_side_by_side(reader_client, cast):
    make_goal(cast.org, cast.school, "Mätt i fas, bedömt som risk", Light.ON_TRACK,
              assessed_light=Light.AT_RISK)  # fmt: skip
    make_goal(cast.org, cast.school, "Samma röst", Light.ON_TRACK, assessed_light=Light.ON_TRACK)
    make_goal(cast.org, cast.school, "Ingen rapport än", Light.OFF_TRACK)
    html = reader_client.get(unit_url(cast.org, cast.school)).content.decode()
    goals = section(html, "goals-heading")
    assert goals.count("Rektorns bedömning:") == 1
    row = goals.split("Mätt i fas, bedömt som risk")[1].split("</tr>")[0]
    voices = re.sub(r"<[^>]+>", "", row.split('class="voices">')[1])
    assert " ".join(voices.split()).startswith("Mätt: ● i fas · Rektorns bedömning: ▲ risk")
    # The counts give both voices too: measured, and as the leads assess.
    status = section(html, "status-heading")
    assessed = re.findall(
        r'light--(\w+)".*?</th>\s*<td class="number">\d+</td>\s*<td class="number">(\d+)</td>',
        status,
        flags=re.DOTALL,
    )
    assert dict(assessed) == {"on_track": "1", "at_risk": "1", "off_track": "0", "no_data": "0"}
    assert counts(html) == {"on_track": 2, "at_risk": 0, "off_track": 1, "no_data": 0}
    assert "1 aktivt mål har ännu ingen rapport markerad som klar" in status
