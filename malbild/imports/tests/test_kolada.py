"""Refreshing from Kolada (service, command, pages) and the comparison, against a local
Kolada-shaped server."""

import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from conftest import audit_events
from malbild.imports import links, refresh
from malbild.imports.kolada import Client
from malbild.imports.models import ImportRun, KoladaValue, PeerGroup
from malbild.imports.tests.builders import measurements_of
from malbild.imports.tests.kolada_server import GROUPS, KPI, FakeKolada, serving
from malbild.indicators.tests.builders import make_indicator
from malbild.lib import charts
from malbild.tenants.scope import scope


@pytest.fixture
def kolada(settings):
    with serving(FakeKolada(page_size=10)) as fake:
        settings.KOLADA_URL = fake.url
        settings.KOLADA_TIMEOUT = 2.0
        settings.LANGUAGE_CODE = "en"
        settings.KOLADA_BACKOFF = 0.01
        yield fake


@pytest.fixture
def linked(cast):
    """Mittköping as Kolada 2480 with a peer group, Åsens skola mapped, one linked indicator."""
    indicator = make_indicator(cast.org, "BEHORIGA", baseline="70", baseline_period="2018")
    with scope(cast.org):
        links.set_municipality(cast.org, None, "2480")
        links.link_kpi(indicator, None, KPI)
        links.set_unit(cast.school, None, "V15E248000101")
        group = GROUPS[0]
        links.save_group(
            cast.org, None, name=group["title"], kolada_group_id=group["id"],
            members=[{"id": m["member_id"], "title": m["member_title"]} for m in group["members"]],
        )  # fmt: skip
    return indicator


def run_refresh(cast, **kwargs) -> ImportRun:
    with scope(cast.org), translation.override("en"):
        run = refresh.start(cast.org, years=list(range(2018, 2025)), **kwargs)
        return refresh.perform(run, client=Client(timeout=1.0, backoff=0.01, retries=1))


@pytest.mark.django_db
def test_a_refresh_keeps_the_figures_and_writes_measurements_with_one_event(cast, kolada, linked):
    run = run_refresh(cast)
    assert run.state == ImportRun.State.DONE, run.message
    with scope(cast.org):
        areas = set(KoladaValue.objects.values_list("area_id", flat=True))
    assert areas == {"2480", "2401", "2402", "2403", "2404", "0000", "V15E248000101"}
    values = {(m.org_unit.code, m.period, m.gender): m for m in measurements_of(cast.org)}
    root_2024 = [
        m
        for (unit, period, gender), m in values.items()
        if unit == cast.root.code and period == "2024" and gender == "T"
    ]
    assert root_2024[0].value == Decimal("79.0")
    assert root_2024[0].import_run == str(run.pk)
    assert values[("ASEN", "2024", "T")].value == Decimal("66.0")
    actions = [
        e.action
        for e in audit_events(organisation=cast.org, action__startswith="imports.kolada_ref")
    ]
    assert actions == ["imports.kolada_refreshed"]


@pytest.mark.django_db
def test_when_kolada_is_down_nothing_changes_and_the_run_fails(cast, kolada, linked):
    assert run_refresh(cast).state == ImportRun.State.DONE
    with scope(cast.org):
        before = list(KoladaValue.objects.values_list("id", "value"))
    kolada.fail("/v3/data", "503", "503", "503", "503")
    run = run_refresh(cast)
    assert run.state == ImportRun.State.FAILED
    assert "HTTP 503" in run.message
    with scope(cast.org):
        assert list(KoladaValue.objects.values_list("id", "value")) == before
    assert audit_events(action="imports.import_failed", target_id=str(run.pk))


@pytest.mark.django_db
def test_an_answer_of_the_wrong_shape_fails_the_run(cast, kolada, linked):
    kolada.fail("/v3/data", "shape")
    run = run_refresh(cast)
    assert run.state == ImportRun.State.FAILED
    assert "does not recognise" in run.message
    kolada.fail("/v3/data", "notjson")
    assert "not JSON" in run_refresh(cast).message
    assert measurements_of(cast.org) == []


@pytest.mark.django_db
def test_a_refresh_without_a_municipality_fails_with_a_reason(cast, kolada):
    run = run_refresh(cast)
    assert run.state == ImportRun.State.FAILED
    assert "municipality" in run.message


@pytest.mark.django_db
def test_the_command_fetches_and_prints_a_summary(cast, kolada, linked, capsys):
    call_command(
        "import_kolada", "--organisation", "mittkoping", "--kpi", KPI, "--years", "2022-2024"
    )
    out = capsys.readouterr().out
    assert out.startswith("Fetched ")
    assert "years 2022–2024" in out
    with scope(cast.org):
        assert set(KoladaValue.objects.values_list("year", flat=True)) == {2022, 2023, 2024}


@pytest.mark.django_db
def test_the_command_fails_when_kolada_is_down(cast, kolada, linked, settings):
    settings.KOLADA_URL = "http://127.0.0.1:9"
    settings.KOLADA_TIMEOUT = 0.2
    settings.KOLADA_BACKOFF = 0.01
    with pytest.raises(CommandError, match="Nothing was imported from Kolada"):
        call_command("import_kolada", "--organisation", "mittkoping", "--years", "2024")
    with pytest.raises(CommandError, match="not a Kolada KPI"):
        call_command("import_kolada", "--organisation", "mittkoping", "--kpi", "x,y")


@pytest.mark.django_db
def test_the_admin_links_an_indicator_by_searching(client, cast, kolada):
    indicator = make_indicator(cast.org, "BEHORIGA")
    client.force_login(cast.admin)
    url = reverse("imports:kolada_link", args=["mittkoping", indicator.pk])
    page = client.get(url, {"q": "yrkesprogram"})
    assert [k["id"] for k in page.context["found"]] == [KPI]
    response = client.post(url, {"kpi": KPI})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert indicator.kolada_kpi == KPI


@pytest.mark.django_db
def test_pages_still_answer_when_kolada_is_down(client, cast, settings):
    settings.KOLADA_URL = "http://127.0.0.1:9"
    settings.KOLADA_TIMEOUT = 0.2
    settings.KOLADA_BACKOFF = 0.01
    indicator = make_indicator(cast.org, "BEHORIGA")
    client.force_login(cast.admin)
    page = client.get(
        reverse("imports:kolada", args=["mittkoping"]), {"kommun": "Mitt", "grupp": "Lik"}
    )
    assert page.status_code == 200
    assert page.context["municipality_error"]
    page = client.get(reverse("imports:kolada_link", args=["mittkoping", indicator.pk]), {"q": "x"})
    assert page.status_code == 200
    assert page.context["error"]
    page = client.get(
        reverse("imports:kolada_units", args=["mittkoping"]), {"enhet": cast.school.pk}
    )
    assert page.status_code == 200
    assert page.context["error"]


@pytest.mark.django_db
def test_the_admin_maps_the_municipality_units_and_a_group_by_searching(client, cast, kolada):
    client.force_login(cast.admin)
    page = client.get(
        reverse("imports:kolada", args=["mittkoping"]), {"kommun": "mitt", "grupp": "liknande"}
    )
    assert page.context["municipalities"][0]["id"] == "2480"
    assert page.context["groups_found"][0]["id"] == "G24801"
    client.post(reverse("imports:kolada_municipality", args=["mittkoping"]), {"kolada_id": "2480"})
    client.post(reverse("imports:group_add", args=["mittkoping"]), {"kolada_group_id": "G24801"})
    client.post(
        reverse("imports:group_add", args=["mittkoping"]), {"name": "Egna", "members": "2401, 2402"}
    )
    page = client.get(
        reverse("imports:kolada_units", args=["mittkoping"]), {"enhet": cast.school.pk}
    )
    assert page.context["found"][0]["id"] == "V15E248000101"
    client.post(
        reverse("imports:kolada_unit", args=["mittkoping", cast.school.pk]),
        {"kolada_id": "V15E248000101"},
    )
    cast.org.refresh_from_db()
    cast.school.refresh_from_db()
    assert cast.org.kolada_municipality_id == "2480"
    assert cast.school.kolada_ou_id == "V15E248000101"
    with scope(cast.org):
        assert sorted(PeerGroup.objects.values_list("name", flat=True)) == [
            "Egna",
            "Liknande kommuner, grundskola, Mittköping",
        ]


@pytest.mark.django_db
def test_bad_ids_get_a_clear_message_and_change_nothing(client, cast, kolada):
    client.force_login(cast.admin)
    client.post(reverse("imports:kolada_municipality", args=["mittkoping"]), {"kolada_id": "24"})
    client.post(
        reverse("imports:group_add", args=["mittkoping"]), {"name": "X", "members": "12, abc"}
    )
    client.post(
        reverse("imports:kolada_unit", args=["mittkoping", cast.school.pk]), {"kolada_id": "nope"}
    )
    cast.org.refresh_from_db()
    assert cast.org.kolada_municipality_id == ""
    with scope(cast.org):
        assert not PeerGroup.objects.exists()
    assert not audit_events(action__startswith="imports.")


@pytest.mark.django_db
def test_a_refresh_from_the_page_shows_its_run(client, cast, kolada, linked):
    client.force_login(cast.admin)
    response = client.post(reverse("imports:kolada_refresh", args=["mittkoping"]))
    with scope(cast.org):
        run = ImportRun.objects.get(kind="kolada")
    assert response["Location"] == reverse("imports:run", args=["mittkoping", run.pk])
    assert run.state == ImportRun.State.DONE, run.message
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_the_comparison_shows_rank_trend_source_and_units(client, cast, kolada, linked):
    run_refresh(cast)
    client.force_login(cast.teacher)
    page = client.get(reverse("imports:compare", args=["mittkoping", linked.pk]))
    assert page.status_code == 200
    result = page.context["result"]
    own = result.lines[0]
    assert (own.area_id, own.latest_year, own.latest, own.trend) == (
        "2480",
        2024,
        Decimal("79.0"),
        "up",
    )
    assert own.rank == 2
    assert result.rank_total == 5
    assert [line.area_id for line in result.lines] == [
        "2480",
        "2401",
        "2402",
        "2403",
        "2404",
        "0000",
    ]
    assert result.lines[2].values[2020] is None  # Söderås's missing value
    assert [u.title for u in result.units] == ["Åsens skola"]
    body = page.content.decode()
    assert 'role="img"' in body
    assert "Source: Kolada" in body


@pytest.mark.django_db
def test_the_comparison_of_an_unlinked_indicator_says_so(client, cast):
    indicator = make_indicator(cast.org, "X1")
    client.force_login(cast.reader)
    page = client.get(reverse("imports:compare", args=["mittkoping", indicator.pk]))
    assert page.status_code == 200
    assert page.context["result"] is None


@pytest.mark.django_db
def test_another_organisations_indicator_and_group_answer_404(client, cast):
    indicator = make_indicator(cast.ekby, "X1")
    with scope(cast.ekby):
        group = PeerGroup.objects.create(organisation=cast.ekby, name="G", members=[{"id": "2401"}])
    client.force_login(cast.admin)
    assert (
        client.get(reverse("imports:compare", args=["mittkoping", indicator.pk])).status_code == 404
    )
    assert (
        client.get(reverse("imports:kolada_link", args=["mittkoping", indicator.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("imports:group_remove", args=["mittkoping", group.pk])).status_code
        == 404
    )
    assert (
        client.post(
            reverse("imports:kolada_unit", args=["mittkoping", cast.ekby_school.pk])
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_a_unit_lead_may_not_change_the_kolada_links(client, cast):
    client.force_login(cast.rektor)
    assert client.get(reverse("imports:kolada", args=["mittkoping"])).status_code == 403


@pytest.mark.django_db
def test_the_weekly_refresh_runs_for_every_linked_organisation(cast, kolada, linked):
    from malbild.imports.tasks import refresh_kolada_weekly
    from malbild.lib.schedule import SCHEDULE

    assert any(e.task == "malbild.imports.tasks.refresh_kolada_weekly" for e in SCHEDULE)
    assert refresh_kolada_weekly.call() == 1
    with scope(cast.org):
        assert ImportRun.objects.get().via == "schedule"


def test_a_page_waits_for_kolada_at_most_its_own_short_timeout(settings):
    from malbild.imports.kolada_views import PAGE_TIMEOUT, searcher

    settings.KOLADA_TIMEOUT = 20
    assert searcher().timeout == PAGE_TIMEOUT == 5
    assert searcher().retries == 1
    settings.KOLADA_TIMEOUT = 2
    assert searcher().timeout == 2  # an operator's shorter timeout still holds


@pytest.mark.django_db
def test_the_comparison_chart_tells_the_three_lines_apart_and_precedes_the_table(
    client, cast, kolada, linked
):
    run_refresh(cast)
    client.force_login(cast.teacher)
    with translation.override("en"):
        body = client.get(reverse("imports:compare", args=["mittkoping", linked.pk])).content
    html = body.decode()
    chart = html[html.index('<div class="chart"><svg') : html.index("</svg>")]
    assert html.index("</svg>") < html.index('<table class="comparison stack">')
    legend = re.findall(r'text-anchor="start">([^<]+)</text>', chart)
    assert legend == ["Mittköping", "Group average", "Sweden (all municipalities)"]
    assert 'stroke-dasharray="6 4"' in chart  # the group's average
    assert 'stroke-dasharray="2 3"' in chart  # Sweden
    assert re.findall(r"<desc[^>]*>([^<]*)</desc>", chart) == [
        "Mittköping: 79 in 2024. Average of Liknande kommuner, grundskola, Mittköping: 78. "
        "Sweden: 83."
    ]


@pytest.mark.django_db
def test_a_comparison_whose_chart_cannot_be_drawn_answers_with_its_tables_and_a_note(
    client, cast, kolada, linked, monkeypatch
):
    run_refresh(cast)
    monkeypatch.setattr(charts, "_line_svg", broken_renderer)
    client.force_login(cast.teacher)
    with translation.override("en"):
        page = client.get(reverse("imports:compare", args=["mittkoping", linked.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<div class="chart"><svg' not in html  # the sparklines are drawn by their own code
    assert "The chart could not be drawn. The table shows the same figures." in html
    assert '<table class="comparison stack">' in html


def broken_renderer(*args, **kwargs):
    raise RuntimeError("a renderer that fails")


@pytest.mark.django_db
def test_the_trend_column_draws_each_line_as_a_sparkline_beside_its_words(
    client, cast, kolada, linked
):
    run_refresh(cast)
    client.force_login(cast.teacher)
    with translation.override("en"):
        page = client.get(reverse("imports:compare", args=["mittkoping", linked.pk]))
    own = page.context["result"].lines[0]
    svg = str(own.chart)
    assert 'role="img"' in svg
    assert 'width="120" height="32"' in svg
    assert re.findall(r"<desc[^>]*>([^<]*)</desc>", svg) == [
        "Values per year: 2018 70, 2019 71.5, 2020 73, 2021 74.5, 2022 76, 2023 77.5, 2024 79."
    ]
    table = page.content.decode().split('<table class="comparison stack">')[1].split("</table>")[0]
    assert table.count('class="sparkline"') == len(page.context["result"].lines)
    assert table.count("<svg") == sum(1 for line in page.context["result"].lines if line.chart)
    assert '<span aria-hidden="true">↑</span> up 4.5</span>' in table  # 79 vs 74.5 in 2021
