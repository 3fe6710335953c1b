"""Leaders at a glance (issue 24): one journey per role. After login each person sees, without a
click, what needs them ("Att göra") and the status picture ("Så går det"); the politician reaches
the newest document for the nämnd in one click, the rektor opens the report to write in one click,
and a citizen meets "Så går det" at the top of the public page. Every page is checked by axe at
1280 and at 390 px, where the menu folds into a "Meny" button that opens without JavaScript.

The journeys only read (they follow links, never submit), so they leave the demo as they found it
for the other journeys.
"""

import re

from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
PUBLIC = "/offentlig/mittkoping"
WIDE: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


def person(browser: Browser, base_url: str, email: str) -> Page:
    page = new_context(browser, base_url).new_page()
    page.set_viewport_size(WIDE)
    log_in(page, email)
    expect(page).to_have_url(re.compile(rf"{ORG}/$"))  # login lands on the start page
    return page


def at_a_glance(page: Page) -> None:
    """The to-dos and the status picture with its table, in view without a click."""
    todo = page.locator("section.start__todo")
    expect(todo.get_by_role("heading", name="Att göra")).to_be_visible()
    status = page.locator("section.start__status")
    expect(status.get_by_role("heading", name="Så går det")).to_be_visible()
    picture = status.locator('svg[role="img"]')
    expect(picture).to_be_visible()
    box = picture.bounding_box()
    assert box is not None
    assert box["y"] < WIDE["height"], "the picture is below the first screen"
    expect(status.locator("table")).to_be_visible()


def both_widths(page: Page) -> None:
    """axe at 1280 px, then at 390 px, where the menu is folded and opens and the page does not
    scroll sideways."""
    check_page(page)
    page.set_viewport_size(PHONE)
    check_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    toggle = page.locator("summary.org-menu__toggle")
    if toggle.count():
        expect(toggle).to_be_visible()
        groups = page.locator(".org-menu__groups")
        expect(groups).to_be_hidden()
        toggle.click()
        expect(groups).to_be_visible()
        check_page(page)
    page.set_viewport_size(WIDE)


def click(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.click()


def test_the_politician_sees_how_it_goes_and_reaches_the_nämnd_document_in_one_click(
    browser: Browser, base_url: str
) -> None:
    page = person(browser, base_url, "politiker@mittkoping.example")
    at_a_glance(page)
    menu = page.locator("nav.org-nav")
    expect(menu.get_by_role("link", name="Import")).to_have_count(0)
    expect(menu.get_by_role("link", name="Indikatorer")).to_have_count(0)
    both_widths(page)

    click(page, page.locator("section.start__todo").get_by_role("link", name=re.compile(
        "Uppföljningen till nämnden")))  # fmt: skip
    expect(page).to_have_url(re.compile(rf"{ORG}/uppfoljning/dokument/\d+/$"))
    check_page(page)


def test_the_förvaltning_sees_what_waits_for_approval_and_the_whole_organisation(
    browser: Browser, base_url: str
) -> None:
    page = person(browser, base_url, "forvaltning@mittkoping.example")
    at_a_glance(page)
    todo = page.locator("section.start__todo")
    expect(
        todo.get_by_role("link", name=re.compile("väntar på ditt godkännande"))
    ).not_to_have_count(0)
    expect(page.locator("section.start__status")).to_contain_text("i Mittköping")
    expect(
        page.get_by_role("link", name="Prenumerera på datumen i din egen kalender")
    ).to_be_visible()
    both_widths(page)

    click(page, page.locator("section.start__status").get_by_role("link", name=re.compile(
        "Översikten för Mittköping")))  # fmt: skip
    # The dashboard: the picture before the table, and each goal's progress as a bar.
    status = page.locator("section[aria-labelledby=status-heading]")
    expect(status.locator('svg[role="img"]')).to_be_visible()
    goals = page.locator("section[aria-labelledby=goals-heading]")
    expect(goals.locator('.progress svg[role="img"]').first).to_be_visible()
    both_widths(page)


def test_the_rektor_opens_the_report_to_write_in_one_click(browser: Browser, base_url: str) -> None:
    page = person(browser, base_url, "rektor@mittkoping.example")
    at_a_glance(page)
    expect(page.locator("section.start__status")).to_contain_text("Åsens skola")
    both_widths(page)

    write = page.locator("section.start__todo").get_by_role(
        "link", name=re.compile("^Skriv rapporten:")
    )
    click(page, write.first)
    expect(page).to_have_url(re.compile(rf"{ORG}/uppfoljning/perioder/\d+/mal/\d+/$"))
    expect(page.locator("main form")).not_to_have_count(0)
    check_page(page)


def test_the_teacher_sees_their_schools_status_and_no_working_tools(
    browser: Browser, base_url: str
) -> None:
    page = person(browser, base_url, "larare@mittkoping.example")
    at_a_glance(page)
    expect(page.locator("section.start__status")).to_contain_text("Åsens skola")
    menu = page.locator("nav.org-nav")
    expect(menu.get_by_role("link", name="Import")).to_have_count(0)
    expect(menu.get_by_text("Förvaltning", exact=True)).to_have_count(0)
    both_widths(page)


def test_a_citizen_meets_så_går_det_first_and_finds_each_schools_page(page: Page) -> None:
    page.set_viewport_size(WIDE)
    page.goto(f"{PUBLIC}/")
    first = page.locator("main h2").first
    expect(first).to_have_text("Så går det")
    expect(page.locator('main svg[role="img"]').first).to_be_visible()
    expect(page.get_by_text("Procenttalet visar hur långt ett mål har kommit")).to_be_visible()
    expect(page.locator(".goal-progress-list .progress svg").first).to_be_visible()
    check_page(page)
    page.set_viewport_size(PHONE)
    check_page(page)
    page.set_viewport_size(WIDE)

    click(page, page.get_by_role("link", name="Åsens skola", exact=True))
    expect(page).to_have_url(re.compile(rf"{PUBLIC}/mal/enhet/\d+/$"))
    check_page(page)
