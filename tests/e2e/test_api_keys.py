"""Personal API keys in a browser: the rektor creates a read key on the profile page, the key
reads the API of the served demo, and once revoked it no longer does. axe runs on every page.

The test finds its way by addresses, form actions and field ids, never by the interface's
words, so it does not depend on the Swedish catalogue."""

import secrets

from playwright.sync_api import Page

from tests.e2e.conftest import check_page, log_in

UNITS = "/api/v1/o/mittkoping/units"


def status_with(page: Page, key: str) -> int:
    return page.request.get(UNITS, headers={"Authorization": f"Bearer {key}"}).status


def test_a_key_is_created_used_and_revoked(page: Page) -> None:
    log_in(page, "rektor@mittkoping.example")
    page.goto("/konto/profil/")
    check_page(page)
    with page.expect_navigation():
        page.locator('a[href="/konto/api-nycklar/ny/"]').click()
    check_page(page)
    name = f"Elevregistret {secrets.token_hex(3)}"
    page.locator("#id_name").fill(name)
    page.locator("#id_scope").select_option("read")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    check_page(page)
    key = page.locator("#api-key").input_value()
    assert key.startswith("mb_")
    assert status_with(page, key) == 200
    assert status_with(page, "mb_" + "x" * 40) == 401

    page.goto("/konto/profil/")
    row = page.locator("tr", has_text=name)
    assert key not in page.content()
    with page.expect_navigation():
        row.locator("form[action$='/aterkalla/'] button").click()
    check_page(page)
    assert status_with(page, key) == 401
