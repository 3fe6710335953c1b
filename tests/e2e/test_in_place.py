"""Partial updates where people work (issue 24, item 9): a comment, a rating and an indicator's
weight are saved in place, a list filter shows its results in place, each without a page load
and each said in the live region; axe runs on every state of the page.

A mark set on `window` survives only while no page loads: the test checks it after each change.
"""

import re
import secrets

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"


def person(browser: Browser, base_url: str, email: str) -> Page:
    page = new_context(browser, base_url).new_page()
    log_in(page, email)
    return page


def mark(page: Page) -> None:
    page.evaluate("window.samePage = true")


def still_same_page(page: Page) -> None:
    assert page.evaluate("window.samePage === true"), f"{page.url} was loaded again"


def said(page: Page, text: str | re.Pattern[str]) -> None:
    """The live region (one per page) says `text`."""
    status = page.locator("[aria-live=polite]")
    expect(status).to_have_count(1)
    expect(status).to_have_text(text)


def test_a_comment_and_a_rating_are_saved_in_place(browser: Browser, base_url: str) -> None:
    politician = person(browser, base_url, "politiker@mittkoping.example")
    politician.goto(f"{ORG}/omvarld/")
    check_page(politician)
    with politician.expect_navigation():
        politician.locator("#signal-results tbody a").first.click()
    check_page(politician)
    mark(politician)

    # A comment without words comes back with its message, said in the live region too. -------
    politician.locator("form.comment-form button[type=submit]").click()
    said(politician, re.compile(r"^Kommentaren publicerades inte: "))
    expect(politician.locator("form.comment-form .error-summary")).to_be_visible()
    check_page(politician)

    # A comment appears in the discussion, the form is empty again. ---------------------------
    words = f"Hur har andra kommuner gjort? ({secrets.token_hex(3)})"
    politician.locator("form.comment-form textarea[name=body]").fill(words)
    politician.locator("form.comment-form button[type=submit]").click()
    said(politician, "Din kommentar har publicerats.")
    expect(politician.locator("#discussion-section article.comment").last).to_contain_text(words)
    expect(politician.locator("form.comment-form textarea[name=body]")).to_have_value("")
    expect(politician.locator("form.comment-form .error-summary")).to_have_count(0)
    expect(politician.locator("#took-part-section")).to_contain_text("Karin Lindqvist")
    expect(politician.locator("#comment-submit")).to_be_focused()  # focus stays where it was
    still_same_page(politician)
    check_page(politician)

    # A rating updates the distributions. -----------------------------------------------------
    politician.locator("form.rating-form input[name=relevance][value='3']").check()
    politician.locator("form.rating-form input[name=impact][value='2']").check()
    politician.locator("form.rating-form button[type=submit]").click()
    said(politician, "Din bedömning har sparats.")
    expect(politician.locator("form.rating-form input[name=relevance][value='3']")).to_be_checked()
    expect(politician.locator("#rating-submit")).to_be_focused()
    still_same_page(politician)
    check_page(politician)

    # Without a page load the page is still whole when loaded again. ---------------------------
    politician.reload()
    expect(politician.locator("#discussion-section")).to_contain_text(words)


def test_list_filters_show_their_results_in_place(browser: Browser, base_url: str) -> None:
    teacher = person(browser, base_url, "larare@mittkoping.example")

    # The signals by state: a link that htmx follows in place, with the address kept. --------
    teacher.goto(f"{ORG}/omvarld/")
    check_page(teacher)
    mark(teacher)
    teacher.locator("#state-filter-arkiverad").click()
    said(teacher, re.compile(r"^\d+ signal(er)? visas\.$"))
    expect(teacher).to_have_url(re.compile(r"\?tila=arkiverad$"))
    expect(teacher.locator("#state-filter-arkiverad")).to_have_attribute("aria-current", "page")
    still_same_page(teacher)
    check_page(teacher)
    teacher.go_back()
    expect(teacher.locator("#state-filter-all")).to_have_attribute("aria-current", "page")

    # The activities by status: choosing is enough, the button stays for a page without JS. --
    teacher.goto(f"{ORG}/handlingsplaner/")
    check_page(teacher)
    mark(teacher)
    every = teacher.locator("#activity-results tbody tr").count()
    teacher.locator("#id_status").select_option("done")
    said(teacher, re.compile(r"^\d+ aktivitet(er)? visas\.$"))
    expect(teacher).to_have_url(re.compile(r"status=done"))
    shown = int(teacher.locator("[aria-live=polite]").inner_text().split()[0])
    assert shown < every
    expect(teacher.locator("#activity-results tbody tr")).to_have_count(shown)
    still_same_page(teacher)
    check_page(teacher)

    # The indicators as you type. -------------------------------------------------------------
    teacher.goto(f"{ORG}/indikatorer/")
    check_page(teacher)
    mark(teacher)
    teacher.locator("#search").fill("zzz-ingen-sådan")
    said(teacher, "0 indikatorer visas.")
    expect(teacher.locator("#indicator-results table")).to_have_count(0)
    still_same_page(teacher)
    check_page(teacher)


def test_an_indicators_weight_is_saved_in_place(browser: Browser, base_url: str) -> None:
    admin = person(browser, base_url, "forvaltning@mittkoping.example")
    admin.goto(f"{ORG}/mal/")
    links = admin.locator(f'main a[href^="{ORG}/mal/"]')
    hrefs = [
        href
        for href in (links.nth(i).get_attribute("href") for i in range(links.count()))
        if href and re.fullmatch(rf"{ORG}/mal/\d+/", href)
    ]
    for href in hrefs:
        admin.goto(href)
        if admin.locator("form.goal-weight-form").count():
            break
    else:
        raise AssertionError("no goal of the demo is measured by an indicator")
    check_page(admin)
    mark(admin)
    form = admin.locator("form.goal-weight-form").first
    weight = form.locator("input[name=weight]")
    field_id = weight.get_attribute("id")
    weight.fill("lite")
    form.locator("button[type=submit]").click()
    expect(admin.locator("#indicators-section .message--error")).to_be_visible()
    said(admin, re.compile(r"\S"))
    check_page(admin)
    admin.locator(f"#{field_id}").fill("2")
    admin.locator(f"#{field_id}").press("Enter")
    said(admin, re.compile(r"^Vikten för .+ är sparad\.$"))
    expect(admin.locator(f"#{field_id}")).to_have_value("2")
    expect(admin.locator("#indicators-section .message--error")).to_have_count(0)
    still_same_page(admin)
    check_page(admin)
