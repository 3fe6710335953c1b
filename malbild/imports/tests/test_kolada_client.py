"""The Kolada client against a local Kolada-shaped server: paging, missing values, retries,
timeouts and answers that cannot be read."""

from decimal import Decimal

import pytest
from django.utils import translation

from malbild.imports.kolada import Client, KoladaError
from malbild.imports.tests.kolada_server import KPI, FakeKolada, serving


@pytest.fixture
def kolada():
    with translation.override("en"), serving(FakeKolada(page_size=4)) as fake:
        yield fake


def client(fake, **kwargs) -> Client:
    return Client(fake.url, timeout=kwargs.pop("timeout", 2.0), backoff=0.01, **kwargs)


def test_it_follows_next_url_through_every_page(kolada):
    figures = list(client(kolada).data(KPI, ["2480", "2401", "2402"], list(range(2018, 2025))))
    assert len({(f.area_id, f.year) for f in figures}) == 21
    pages = [path for path in kolada.log if path.startswith("/v3/data/")]
    assert len(pages) == 6  # 21 items, 4 a page
    assert "?page=2" in pages[1]


def test_it_asks_for_at_most_25_ids_at_once(kolada):
    ids = [f"{n:04d}" for n in range(1, 61)]
    list(client(kolada).data(KPI, ids, [2024]))
    first_pages = [p for p in kolada.log if "?page=" not in p]
    assert len(first_pages) == 3
    assert all(
        len(p.split("/municipality/")[1].split("/")[0].split(",")) <= 25 for p in first_pages
    )


def test_missing_values_come_through_with_their_status(kolada):
    figures = list(client(kolada).data(KPI, ["2402"], [2020, 2021]))
    missing = [f for f in figures if f.year == 2020]
    assert [(f.gender, f.value, f.status) for f in missing] == [("T", None, "Saknas")]
    assert {f.gender for f in figures if f.year == 2021} == {"T", "K", "M"}
    assert all(isinstance(f.value, Decimal) for f in figures if f.year == 2021)


def test_a_503_is_retried_until_it_succeeds(kolada):
    kolada.fail("/v3/kpi", "503", "503")
    found = client(kolada, retries=3).search_kpis("behöriga")
    assert [k["id"] for k in found] == [KPI]
    assert len(kolada.log) == 3


def test_a_server_that_stays_down_gives_a_readable_error(kolada):
    kolada.fail("/v3/kpi", "503", "503", "503")
    with pytest.raises(KoladaError, match=r"not working right now \(HTTP 503\)"):
        client(kolada, retries=2).search_kpis("x")


def test_an_answer_slower_than_the_timeout_is_retried_then_given_up(kolada):
    kolada.fail("/v3/municipality", "slow", "slow")
    with pytest.raises(KoladaError, match="did not answer in time"):
        client(kolada, timeout=1.0, retries=1).search_municipalities("Norr")
    kolada.fail("/v3/municipality", "slow")
    found = client(kolada, timeout=1.0, retries=1).search_municipalities("Norr")
    assert found == [{"id": "2401", "title": "Norrby", "type": "K"}]


def test_an_answer_that_is_not_json_is_an_error(kolada):
    kolada.fail("/v3/data", "notjson")
    with pytest.raises(KoladaError, match="not JSON"):
        list(client(kolada).data(KPI, ["2480"], [2024]))


def test_json_of_another_shape_is_an_error(kolada):
    kolada.fail("/v3/municipality_groups", "shape")
    with pytest.raises(KoladaError, match="does not recognise"):
        client(kolada).municipality_groups("Liknande")


def test_groups_come_with_their_members(kolada):
    [group] = client(kolada).municipality_groups("liknande")
    assert group["id"] == "G24801"
    assert [m["title"] for m in group["members"]] == ["Norrby", "Söderås", "Västlanda", "Österhamn"]


def test_units_are_found_by_name_within_a_municipality(kolada):
    found = client(kolada).search_units("åsen", municipality="2480")
    assert found == [{"id": "V15E248000101", "title": "Åsens skola", "municipality": "2480"}]


def test_a_server_that_is_not_there_gives_a_readable_error():
    with translation.override("en"), pytest.raises(KoladaError, match="cannot be reached"):
        Client("http://127.0.0.1:9", timeout=0.5, retries=0).search_kpis("x")
