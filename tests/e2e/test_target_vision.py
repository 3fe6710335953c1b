"""The målbild's journey (issue 4, "Done when"): the administration proposes a målbild, a
politician discusses and adopts it, a teacher sees it on the organisation's start page, and an
anonymous visitor finds it from `/` through the public page. axe runs on every page visited.

The demo may already hold an adopted målbild and a version being worked on: the admin continues
the open version (withdrawing a proposal first) or starts a new one, and the test follows the
version number from the addresses it is sent to, never from ids it assumes. Elements are found
by their form addresses and field ids, which do not change when the interface is translated.
"""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
TITLE = "Digitalt lärande för varje elev, prövat i webbläsaren"
STATEMENT = "Varje elev i Mittköping **använder digitala verktyg** med omdöme och glädje."
COMMENT = "Bra förslag. Hur följer vi upp satsningen på lärarnas kompetens?"
VERSION = re.compile(r"/o/mittkoping/malbild/(\d+)/")


def main_form(action: str = "") -> str:
    """The selector of the form in <main> posting to an address ending in `action`."""
    return f'main form[method="post"][action$="{action}"]' if action else 'main form[method="post"]'


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def open_a_draft(page: Page) -> int:
    """Go to a draft the admin may edit: the open version, or a new one. Its number."""
    page.goto(f"{ORG}/malbild/")
    check_page(page)
    start = page.locator(main_form("/malbild/ny/"))
    if start.count():
        submit(page, main_form("/malbild/ny/"))
        match = VERSION.search(page.url)
        assert match, f"starting a draft led to {page.url}"
        return int(match.group(1))
    # A version is being worked on: the notice on the page links to it.
    hrefs = page.locator('main a[href*="/malbild/"]').evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    numbers = [int(m.group(1)) for href in hrefs if (m := VERSION.search(href or ""))]
    assert numbers, "no way to a version from the målbild page"
    # Only one version is open at a time and none can be started after it: it is the newest.
    number = max(numbers)
    page.goto(f"{ORG}/malbild/{number}/")
    check_page(page)
    withdraw = main_form(f"/malbild/{number}/dra-tillbaka/")
    if page.locator(withdraw).count():
        submit(page, withdraw)
        check_page(page)
    return number


def test_a_målbild_is_proposed_discussed_adopted_and_seen_by_all(
    browser: Browser, base_url: str
) -> None:
    today = timezone.localdate()

    # The administration drafts and proposes. --------------------------------------------------
    admin = new_context(browser, base_url).new_page()
    log_in(admin, "forvaltning@mittkoping.example")
    number = open_a_draft(admin)
    version_url = f"{ORG}/malbild/{number}/"

    admin.goto(f"{version_url}andra/")
    check_page(admin)
    admin.locator("#id_title").fill(TITLE)
    admin.locator("#id_statement").fill(STATEMENT)
    admin.locator("#id_start_year").fill(str(today.year))
    admin.locator("#id_end_year").fill(str(today.year + 3))
    admin.locator("#id_change_motive").fill(
        "Eleverna möter en digital omvärld som skolan ännu inte förbereder dem för."
    )
    admin.locator("#id_if_nothing_changes").fill(
        "Skillnaderna mellan skolorna växer och eleverna halkar efter."
    )
    areas = admin.locator("input[name=focus_areas]")
    if areas.count() and not admin.locator("input[name=focus_areas]:checked").count():
        areas.first.check()
    submit(admin, main_form())
    expect(admin).to_have_url(re.compile(re.escape(version_url) + r"(#.*)?$"))
    expect(admin.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_page(admin)

    submit(admin, main_form(f"/malbild/{number}/foresla/"))
    expect(admin.locator(main_form(f"/malbild/{number}/dra-tillbaka/"))).to_have_count(1)
    expect(admin.locator(main_form(f"/malbild/{number}/kommentarer/"))).to_have_count(1)
    check_page(admin)
    admin.context.close()

    # The politician discusses and adopts. -----------------------------------------------------
    politician = new_context(browser, base_url).new_page()
    log_in(politician, "politiker@mittkoping.example")
    politician.goto(version_url)
    check_page(politician)
    politician.locator("#id_body").fill(COMMENT)
    submit(politician, main_form(f"/malbild/{number}/kommentarer/"))
    expect(politician.locator("section[aria-labelledby=discussion]")).to_contain_text(COMMENT)
    check_page(politician)

    politician.locator(f'main a[href$="/malbild/{number}/anta/"]').click()
    expect(politician).to_have_url(re.compile(rf"/malbild/{number}/anta/$"))
    check_page(politician)
    politician.locator("#id_body").fill("Barn- och utbildningsnämnden")
    # Yesterday: never "in the future", whatever the server's time zone makes of today.
    politician.locator("#id_decided_on").fill((today - timedelta(days=1)).isoformat())
    politician.locator("#id_reference").fill("§ 42")
    politician.locator("#id_review_date").fill((today + timedelta(days=365)).isoformat())
    submit(politician, main_form())
    expect(politician).to_have_url(re.compile(r"/o/mittkoping/malbild/$"))
    expect(politician.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(politician.locator("main")).to_contain_text("Barn- och utbildningsnämnden")
    check_page(politician)

    # The discussion is kept with the adopted version, and closed.
    politician.goto(version_url)
    expect(politician.locator("section[aria-labelledby=discussion]")).to_contain_text(COMMENT)
    expect(politician.locator(main_form("/kommentarer/"))).to_have_count(0)
    check_page(politician)
    politician.context.close()

    # A teacher sees it on the organisation's start page. --------------------------------------
    teacher = new_context(browser, base_url).new_page()
    log_in(teacher, "larare@mittkoping.example")
    teacher.goto(f"{ORG}/")
    expect(teacher.locator("main")).to_contain_text(TITLE)
    check_page(teacher)
    teacher.locator("main").get_by_role("link", name=TITLE, exact=True).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(TITLE)
    check_page(teacher)
    teacher.context.close()

    # An anonymous visitor finds it from the front page, through the public page. --------------
    visitor = new_context(browser, base_url).new_page()
    visitor.goto("/")
    check_page(visitor)
    visitor.locator('main a[href="/offentlig/mittkoping/"]').click()
    expect(visitor).to_have_url(re.compile(r"/offentlig/mittkoping/$"))
    expect(visitor.locator("main")).to_contain_text(TITLE)
    expect(visitor.locator("main")).to_contain_text("Barn- och utbildningsnämnden")
    # No personal data in public: not the politician who adopted it, nor the commenter's words.
    expect(visitor.locator("main")).not_to_contain_text(COMMENT)
    expect(visitor.locator("main")).not_to_contain_text("@mittkoping.example")
    check_page(visitor)
    visitor.context.close()
