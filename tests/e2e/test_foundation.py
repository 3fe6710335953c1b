"""The first journey: a new user logs in, visits the profile and the accessibility statement,
switches to English and back, and meets no error page and no axe violation."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_page, log_in


def test_a_visitor_logs_in_and_walks_the_foundation_pages(page: Page) -> None:
    page.goto("/")
    check_page(page)
    page.get_by_role("link", name="Logga in").first.click()
    expect(page).to_have_url(re.compile(r"/konto/logga-in/"))
    check_page(page)

    log_in(page, "rektor@mittkoping.example")
    expect(page.get_by_text("Välkommen, Sara.")).to_be_visible()
    check_page(page)

    page.get_by_role("link", name="Din profil").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din profil")
    check_page(page)

    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tillgänglighetsredogörelse för Målbild"
    )
    check_page(page)

    page.get_by_role("button", name="In English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement for Målbild")
    check_page(page)
    page.get_by_role("link", name="Your profile").first.click()
    expect(page.get_by_label("Language")).to_have_value("en")
    check_page(page)

    page.get_by_role("button", name="På svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Din profil")

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("link", name="Logga in").first).to_be_visible()


def test_a_wrong_password_is_explained_accessibly(page: Page) -> None:
    log_in(page, "larare@mittkoping.example", "fel-lösenord")
    expect(page.get_by_role("alert")).to_contain_text("E-postadressen eller lösenordet är fel")
    check_page(page)


def test_the_skip_link_is_the_first_stop_for_the_keyboard(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hoppa till innehållet"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_carry_the_security_headers(page: Page) -> None:
    response = page.goto("/konto/logga-in/")
    assert response is not None
    headers = response.headers
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_an_unknown_page_is_a_swedish_404(page: Page) -> None:
    response = page.goto("/finns-inte/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    check_page(page)


def test_the_page_check_catches_what_it_should(page: Page) -> None:
    # Guards the guard: a page with an image without text and two h1 must fail the check.
    page.set_content("<html lang='sv'><title>x</title><h1>a</h1><main><h1>b</h1></main></html>")
    with pytest.raises(AssertionError, match="2 h1"):
        check_page(page)
    page.set_content("<html lang='sv'><title>x</title><main><h1>a</h1><img src='x.png'></main>")
    with pytest.raises(AssertionError, match="image-alt"):
        check_page(page)
