"""The practice library's journey (issue 14, "Done when"): Ekby's admin finds Mittköping's
practice on leadership by searching in Swedish, uses it in Ekby's action plan and asks
Mittköping a question; an anonymous visitor finds the public practices from `/`. axe runs on
every page visited.

The test finds its way by links and visible names (the demo's titles in malbild/demo/practices.py),
form fields by their ids, which do not change when the interface is translated.
"""

import secrets
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

LEADERSHIP = "Ledarskapsnätverk där rektorerna leder digitaliseringen"
PUBLIC = "Kompetenslyftet i arbetslagen på Åsens skola"
DRAFT = "Elevernas egna regler för skärmtid"
FIRST_TIP = "Låt rektorerna välja frågorna, inte förvaltningen"
QUESTION = f"Hur ofta träffas nätverket på sommaren? ({secrets.token_hex(3)})"


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def test_ekby_finds_and_uses_mittkopings_leadership_practice(
    browser: Browser, base_url: str
) -> None:
    admin = new_context(browser, base_url).new_page()
    log_in(admin, "admin@ekby.example")

    # From Ekby's pages to the library, by the nav. -------------------------------------------
    admin.goto("/o/ekby/")
    check_page(admin)
    follow(admin, admin.locator('.org-nav a[href="/o/ekby/praxis/"]'))
    follow(admin, admin.locator('main a[href="/delat/praxis/"]'))

    # A Swedish word finds the longer words that start with it. -------------------------------
    admin.locator("#id_q").fill("ledarskap")
    submit(admin, 'main form[role="search"]')
    results = admin.locator(".practice-list")
    expect(results).to_contain_text(LEADERSHIP)
    expect(results).not_to_contain_text(DRAFT)
    # Odd input is plain text, never an error.
    for query in ['"', "AND", "c++", "IT-strategi"]:
        admin.locator("#id_q").fill(query)
        submit(admin, 'main form[role="search"]')
    admin.locator("#id_q").fill("ledarskap")
    admin.locator("#id_org").select_option("mittkoping")
    submit(admin, 'main form[role="search"]')
    follow(admin, admin.get_by_role("link", name=LEADERSHIP, exact=True))
    expect(admin.get_by_role("heading", level=1)).to_have_text(LEADERSHIP)
    expect(admin.locator(".practice-tips")).to_contain_text(FIRST_TIP)

    # A question to Mittköping, stored as Ekby's. --------------------------------------------
    admin.locator("#body-ekby").fill(QUESTION)
    submit(admin, "#comment-form")
    expect(admin.locator("#comments")).to_contain_text(QUESTION)
    expect(admin.locator("#comments")).to_contain_text("Ekby")

    # Use it in Ekby's action plan. ---------------------------------------------------------
    follow(admin, admin.locator('main a[href^="/o/ekby/praxis/anvand/"]'))
    admin.locator("#id_unit").select_option(label="\u00a0" * 4 + "Ekby skola")  # indented one level
    admin.locator("#id_starts_on").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    admin.locator("#id_ends_on").fill((timezone.localdate() + timedelta(days=120)).isoformat())
    submit(admin, 'main form[method="post"]')
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Ekby skola")
    expect(admin.locator("main")).to_contain_text(FIRST_TIP)
    follow(admin, admin.get_by_role("link", name=FIRST_TIP).first)
    expect(admin.locator("main")).to_contain_text("/delat/praxis/")  # the way back

    # What Ekby took from it shows on Ekby's practice page. ----------------------------------
    admin.goto("/o/ekby/praxis/")
    check_page(admin)
    expect(admin.locator("main")).to_contain_text(FIRST_TIP)


def test_an_anonymous_visitor_finds_the_public_practices_from_the_start(page: Page) -> None:
    page.goto("/")
    check_page(page)
    follow(page, page.locator('main a[href="/offentlig/mittkoping/"]'))
    follow(page, page.locator('main a[href="/offentlig/mittkoping/praxis/"]'))
    listing = page.locator(".practice-list")
    expect(listing).to_contain_text(PUBLIC)
    expect(listing).to_contain_text(LEADERSHIP)
    expect(listing).not_to_contain_text(DRAFT)
    page.locator("#id_q").fill("kompetens")
    submit(page, 'main form[role="search"]')
    follow(page, page.get_by_role("link", name=PUBLIC, exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(PUBLIC)
