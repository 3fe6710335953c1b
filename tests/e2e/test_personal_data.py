"""GDPR in the browser: a person downloads their data from the profile, and an administrator
reaches the anonymisation page from a person's page (without anonymising: the demo is shared)."""

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_page, log_in


def test_a_person_downloads_their_data_as_json(page: Page) -> None:
    log_in(page, "larare@mittkoping.example")
    page.goto("/konto/profil/")
    check_page(page)
    with page.expect_download() as download:
        page.locator('form[action="/konto/profil/mina-uppgifter/"] button').click()
    path = download.value.path()
    data = json.loads(Path(path).read_text())
    assert data["format"] == "malbild-personal-data/1"
    assert data["account"]["email"] == "larare@mittkoping.example"
    assert data["tenants.memberships"]


def test_an_administrator_reaches_the_anonymisation_page_from_a_person(page: Page) -> None:
    log_in(page, "forvaltning@mittkoping.example")
    page.goto("/o/mittkoping/personer/")
    page.locator("tr", has_text="larare@mittkoping.example").locator("a").first.click()
    expect(page).to_have_url(re.compile(r"/o/mittkoping/personer/\d+/$"))
    page.locator('a[href$="/anonymisera/"]').click()
    expect(page).to_have_url(re.compile(r"/personer/\d+/anonymisera/$"))
    check_page(page)
    expect(page.locator('main form[method="post"] button[type="submit"]')).to_be_visible()
