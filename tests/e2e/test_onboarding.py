"""A municipality starts in an afternoon (issue 27, "Done when"): an organisation made with
`malbild create_organisation` follows the getting-started checklist alone, against the local
Kolada-shaped server, to an overview with its schools, people invited, indicators linked and
Kolada's figures shown. axe runs on every page visited.

The test finds its way by links, form actions and field ids, never by the interface's words, so
it does not depend on the Swedish catalogue.
"""

import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import FilePayload, Locator, Page, expect

from malbild.imports.tests.kolada_server import FakeKolada
from tests.e2e.conftest import check_page, log_in
from tests.e2e.server import environment, malbild_shell
from tests.e2e.test_imports import run_worker

ORG = "/o/alvsta"
ADMIN = "forvaltning@alvsta.example"
PASSWORD = "alvsta-kommer-igang-2026"
CHECKLIST = f"{ORG}/kom-igang/"
UNITS_FILE = (
    "kod;namn;typ;överordnad_kod\n"
    "CENT-F3;Arbetslag F–3;arbetslag;V15E249000101\n"
    "CENT-79;Arbetslag 7–9;arbetslag;V15E249000101\n"
)
PEOPLE_FILE = (
    "namn;e-post;roll;enhet_kod\n"
    "Rut Rektor;rut.rektor@alvsta.example;rektor;V15E249000101\n"
    "Lars Lärare;lars.larare@alvsta.example;lärare;CENT-79\n"
    "Pia Politiker;pia.politiker@alvsta.example;förtroendevald;\n"
)


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def back_at_the_checklist(page: Page, step: str) -> None:
    assert page.url.endswith(f"{CHECKLIST}#{step}"), page.url
    expect(page.locator(f"#{step}.checklist__step--done")).to_have_count(1)


def upload(page: Page, name: str, text: str) -> None:
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": text.encode()}
    page.set_input_files("#id_file", files=[payload])
    submit(page, "main form[enctype='multipart/form-data']")


def create_organisation(demo_dir: Path) -> None:
    """What the operator does: `malbild create_organisation`, then the administrator sets a
    password (here in a shell rather than through the e-mail of "Forgot your password?")."""
    subprocess.run(
        [sys.executable, "-m", "malbild.cli", "create_organisation", "Älvsta kommun", "alvsta",
         "--admin", ADMIN],
        env=environment(demo_dir), check=True, capture_output=True,
    )  # fmt: skip
    malbild_shell(
        demo_dir,
        "from malbild.accounts.models import User\n"
        f"u = User.objects.get(email={ADMIN!r}); u.set_password({PASSWORD!r}); u.save()",
    )


def test_a_new_municipality_follows_the_checklist_to_its_first_overview(
    page: Page, demo_dir: Path, kolada: FakeKolada
) -> None:
    create_organisation(demo_dir)
    page.goto("/konto/logga-in/")
    check_page(page)
    log_in(page, ADMIN, PASSWORD)
    page.goto(f"{ORG}/")
    check_page(page)
    expect(page.locator("section.getting-started progress")).to_have_attribute("value", "0")
    follow(page, page.locator(f'section.getting-started a[href="{CHECKLIST}"]'))
    expect(page.locator("li.checklist__step")).to_have_count(7)
    expect(page.locator("li.checklist__step--done")).to_have_count(0)

    # 1. The municipality, found in Kolada by its name. --------------------------------------
    follow(page, page.locator(f'#municipality a[href="{ORG}/kom-igang/kommun/"]'))
    expect(page.locator("#municipality-query")).to_have_value("Älvsta")
    submit(page, "main form.search-form")
    submit(page, "main table tbody tr:has(input[value='2490']) form")
    back_at_the_checklist(page, "municipality")

    # 2. The schools and preschools from Kolada's list, two of them in an area. -------------
    follow(page, page.locator(f'#units a[href="{ORG}/kom-igang/enheter/kolada/"]'))
    submit(page, "main form:has(input[name=hamta])")
    expect(page.locator("input[name=ou]:checked")).to_have_count(5)
    page.fill("input[name='area-V15E249000101']", "Norra området")
    page.fill("input[name='area-V15E249000102']", "Norra området")
    submit(page, "main form[method=post]:has(input[name=ou])")
    back_at_the_checklist(page, "units")

    # … and teams below one school from a file: preview first, then imported. --------------
    follow(page, page.locator(f'#units a[href="{ORG}/kom-igang/enheter/fil/"]'))
    upload(page, "arbetslag.csv", UNITS_FILE)
    expect(page.locator("#errors")).to_have_count(0)
    submit(page, 'main form[action$="/importera/"]')
    back_at_the_checklist(page, "units")

    # 3. People from a file, invited by e-mail (the worker sends the e-mails). --------------
    follow(page, page.locator(f'#people a[href="{ORG}/kom-igang/personer/"]'))
    upload(page, "personer.csv", PEOPLE_FILE)
    expect(page.locator("#errors")).to_have_count(0)
    submit(page, 'main form[action$="/importera/"]')
    back_at_the_checklist(page, "people")

    # 4. and 5. The starting texts: the platform with its four values, the målbild. ---------
    follow(page, page.locator(f'#platform a[href="{ORG}/kom-igang/plattform/"]'))
    expect(page.locator("input[name$='-name']")).to_have_count(7)  # four values, three empty
    page.fill("#id_values-1-description", "Vi berättar öppet vad vi gör och varför.")
    submit(page, "main form[method=post]")
    back_at_the_checklist(page, "platform")
    follow(page, page.locator(f'#target a[href="{ORG}/kom-igang/malbild/"]'))
    submit(page, "main form[method=post]")
    back_at_the_checklist(page, "target")

    # 6. The starter set of key figures, fetched from Kolada by the worker. -----------------
    follow(page, page.locator(f'#indicators a[href="{ORG}/kom-igang/indikatorer/"]'))
    expect(page.locator("input[name=kpis]:checked")).to_have_count(6)
    submit(page, "main form[method=post]")
    back_at_the_checklist(page, "indicators")
    run_worker(demo_dir, kolada)

    # 7. The first follow-up period, as suggested. -----------------------------------------
    follow(page, page.locator(f'#period a[href="{ORG}/kom-igang/uppfoljning/"]'))
    submit(page, "main form[method=post]")
    back_at_the_checklist(page, "period")

    # Ready: every step done, and Kolada's figure for Älvsta shown. -------------------------
    expect(page.locator("li.checklist__step--done")).to_have_count(7)
    latest = page.locator("main table tbody tr").first
    expect(latest.locator("td.number")).to_have_text(re.compile(r"^85 %$"))
    expect(page.locator("ul.counts li").first.locator(".counts__number")).to_have_text("9")

    # The start page no longer shows the box, only a link to the checklist. -----------------
    page.goto(f"{ORG}/")
    check_page(page)
    expect(page.locator("section.getting-started")).to_have_count(0)
    expect(page.locator(f'main a[href="{CHECKLIST}"]')).to_have_count(1)

    # The overview: the top unit with its units below, and Kolada's figures for Älvsta. -----
    page.goto(CHECKLIST)
    follow(page, page.locator(f'main a[href="{ORG}/oversikt/"]'))
    expect(page.locator("main")).to_contain_text("Förvaltningen")
    figures = page.locator("section[aria-labelledby=kolada-heading] tbody tr")
    expect(figures.first.locator("td.number")).to_have_text(re.compile(r"^85 %$"))
    expect(figures.first.locator("td").first).to_have_text("2024")

    # The people invited, their invitations open. ------------------------------------------
    page.goto(CHECKLIST)
    follow(page, page.locator(f'main a[href="{ORG}/personer/"]'))
    for email in ("rut.rektor@alvsta.example", "lars.larare@alvsta.example",
                  "pia.politiker@alvsta.example"):  # fmt: skip
        expect(page.locator("main")).to_contain_text(email)

    # The unit tree: Norra området with its two schools, the teams below Älvsta centralskola.
    page.goto(f"{ORG}/enheter/?q=Arbetslag")
    check_page(page)
    expect(page.locator("main")).to_contain_text("Arbetslag 7–9")
    expect(page.locator("main")).to_contain_text("Älvsta centralskola")

    # An indicator's page with its measurements from Kolada. -------------------------------
    page.goto(CHECKLIST)
    follow(page, page.locator("main table tbody tr a").first)
    expect(page.locator("main")).to_contain_text("Kolada")
    expect(page.locator(".chart")).to_have_count(1)
