"""Facts from existing data (issue 8, "Done when"): Mittköping's administration links an indicator
to a Kolada key figure, fetches it from the local Kolada-shaped server, sees Mittköping against
similar municipalities and the country, imports a spreadsheet of the schools' own figures after
fixing the errors the preview showed, and exports it back. axe runs on every page visited.

The test finds its way by links, form actions and field ids, never by the interface's words,
so it does not depend on the Swedish catalogue.
"""

import io
import re
import secrets
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook
from playwright.sync_api import FilePayload, Locator, Page, expect

from malbild.imports.tests.kolada_server import UNIT_KPI, FakeKolada
from tests.e2e.conftest import check_page, log_in
from tests.e2e.server import environment

ORG = "/o/mittkoping"
CODE = f"GODK{secrets.token_hex(2).upper()}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["enhet_kod", "indikator_kod", "period", "kön", "värde", "status"]
WITH_ERRORS: list[list[object]] = [
    ["NORRBY", "LIKA", "2021-HT", "T", 62.5, None],
    ["KYRKBY", "LIKA", "2021-HT", "T", "=B2*2", None],  # a formula where a number belongs
    ["OKAND", "LIKA", "2021-HT", "T", 55, None],  # no such unit
    ["SJOVIK", "LIKA", "2021", "T", 58, None],  # LIKA is measured per term
]
FIXED: list[list[object]] = [
    ["NORRBY", "LIKA", "2021-HT", "T", 62.5, None],
    ["KYRKBY", "LIKA", "2021-HT", "T", 64, None],
    ["SJOVIK", "LIKA", "2021-HT", "T", 58, None],
]


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def spreadsheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(page: Page, name: str, data: bytes) -> None:
    """From the imports overview: upload a file and land on its preview."""
    page.goto(f"{ORG}/data/")
    check_page(page)
    follow(page, page.locator(f'main a[href="{ORG}/data/fil/"]'))
    payload: FilePayload = {"name": name, "mimeType": XLSX, "buffer": data}
    page.set_input_files("#id_file", files=[payload])
    submit(page, "main form[enctype='multipart/form-data']")


def run_worker(demo_dir: Path, kolada: FakeKolada) -> None:
    """What the worker beside the server does: run the waiting tasks (the Kolada refresh)."""
    env = environment(demo_dir) | {"MALBILD_KOLADA_URL": kolada.url}
    subprocess.run(
        [sys.executable, "-m", "malbild.cli", "worker", "--batch", "--no-scheduler"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def test_kolada_comparison_and_a_spreadsheet_fixed_imported_and_exported(
    page: Page, demo_dir: Path, kolada: FakeKolada
) -> None:
    log_in(page, "forvaltning@mittkoping.example")

    # A new indicator for a figure Kolada has, linked to it by searching the title. -----------
    page.goto(f"{ORG}/indikatorer/ny/")
    check_page(page)
    page.fill("#id_code", CODE)
    page.fill("#id_name", "Elever i åk 9 med godkänt i alla ämnen")
    page.fill("#id_unit_of_measure", "%")
    page.select_option("#id_periodicity", "year")
    page.fill("#id_baseline_value", "75")
    page.fill("#id_baseline_period", "2020")
    submit(page, "main form[method=post]")
    indicator_url = page.url
    follow(page, page.locator('main a[href$="/kolada/"]'))
    page.fill("#id_q", "godkänt i alla")
    submit(page, "main form.search-form")
    row = page.locator("main table tbody tr", has_text=UNIT_KPI)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    check_page(page)
    assert page.url.split("#")[0].endswith(f"{ORG}/data/kolada/")
    expect(page.locator("main table tbody tr", has_text=CODE)).to_contain_text(UNIT_KPI)

    # Fetched in the background, with the run's page showing how far it has come. ----------
    submit(page, f'main form[action="{ORG}/data/kolada/uppdatera/"]')
    run_url = page.url
    assert "/data/korningar/" in run_url
    run_worker(demo_dir, kolada)
    page.goto(run_url)
    check_page(page)
    expect(page.locator("#run-progress[hx-get]")).to_have_count(0)
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("dl.facts dd")).to_have_count(3)  # started, finished, the result

    # Mittköping against the comparison group and the country. ------------------------------
    page.goto(indicator_url)
    check_page(page)
    follow(page, page.locator('main a[href$="/jamforelse/"]'))
    rows = page.locator("table.comparison tbody tr")
    expect(rows).to_have_count(6)  # Mittköping, the four similar municipalities, the country
    own = page.locator("table.comparison tbody tr.comparison__own")
    expect(own).to_contain_text("Mittköping")
    expect(own.locator("td.number").first).to_have_text(re.compile(r"^79([,.]0)?$"))  # 2024
    expect(page.locator("table.comparison")).to_contain_text("Norrby")
    expect(rows.last.locator("td.number").first).to_have_text(re.compile(r"^83([,.]0)?$"))
    expect(page.locator(".chart")).to_have_count(1)

    # A spreadsheet with errors: the preview lists each with its row, nothing is imported. ----
    upload(page, "lika-hosten.xlsx", spreadsheet(WITH_ERRORS))
    expect(page.locator("#errors tbody th")).to_have_text(["3", "4", "5"])
    expect(page.locator('form[action$="/importera/"]')).to_have_count(0)
    expect(page.locator("main section table tbody tr").last).to_contain_text("SJOVIK")

    # Fixed, checked again and imported. -----------------------------------------------------
    upload(page, "lika-hosten.xlsx", spreadsheet(FIXED))
    expect(page.locator("#errors")).to_have_count(0)
    submit(page, 'main form[action$="/importera/"]')
    expect(page.locator("dl.facts dd").last).to_contain_text("3")
    expect(page.locator(".error-summary")).to_have_count(0)

    # Exported in the same layout, and the export goes back in unchanged. --------------------
    page.goto(f"{ORG}/data/")
    check_page(page)
    follow(page, page.locator(f'main a[href="{ORG}/data/export/"]'))
    lika = page.locator("#id_indicator option", has_text="LIKA").first.get_attribute("value")
    assert lika
    page.select_option("#id_indicator", lika)
    page.select_option("#id_format", "xlsx")
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").click()
    exported = Path(download.value.path()).read_bytes()
    sheet = load_workbook(io.BytesIO(exported), read_only=True).worksheets[0]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert cells[0] == HEADER
    for unit, indicator, period, gender, value, _status in FIXED:
        assert [unit, indicator, period, gender, value, ""] in [
            [*row[:5], row[5] or ""] for row in cells
        ], (unit, cells)
    upload(page, "export.xlsx", exported)
    expect(page.locator("#errors")).to_have_count(0)
    submit(page, 'main form[action$="/importera/"]')
    expect(page.locator(".error-summary")).to_have_count(0)
    # Nothing new: every value replaced one already stored.
    expect(page.locator("dl.facts dd").last).to_have_text(re.compile(r"^0 "))
