"""Omvärldsbevakning together (issue 10, "Done when"): a teacher adds a signal, a politician and
a rektor discuss and rate it, and the administration links it to a new goal, where it shows as
evidence. axe runs on every page visited.

The test finds its way by links, form fields' ids and the titles it writes, never by ids it
assumes, so it does not depend on the interface's language.
"""

import re
import secrets

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
SUFFIX = secrets.token_hex(3)
TITLE = f"Elever lär sig programmera med AI-stöd ({SUFFIX})"
GOAL = f"Alla skolor har riktlinjer för AI i undervisningen ({SUFFIX})"
ROOT = "Barn- och utbildningsförvaltningen"


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def submit_in_place(page: Page, form: str, said: str) -> None:
    """Submit a form that htmx answers in place: the live region begins with `said`."""
    page.locator(f"{form} button[type=submit]").first.click()
    expect(page.locator("#status")).to_have_text(re.compile("^" + re.escape(said)))
    check_page(page)


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def person(browser: Browser, base_url: str, email: str) -> Page:
    page = new_context(browser, base_url).new_page()
    log_in(page, email)
    return page


def open_signal(page: Page) -> None:
    page.goto(f"{ORG}/omvarld/")
    check_page(page)
    follow(page, page.get_by_role("link", name=TITLE))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def rate(page: Page, relevance: int, impact: int) -> None:
    page.locator(f"input[name=relevance][value='{relevance}']").check()
    page.locator(f"input[name=impact][value='{impact}']").check()
    submit_in_place(page, "form.rating-form", "Din bedömning har sparats.")


def test_a_signal_is_discussed_rated_and_becomes_evidence_for_a_goal(
    browser: Browser, base_url: str
) -> None:
    # A teacher adds a signal, from the section's own page. -----------------------------------
    teacher = person(browser, base_url, "larare@mittkoping.example")
    teacher.goto(f"{ORG}/")
    follow(teacher, teacher.locator(f'.org-nav a[href="{ORG}/omvarld/"]'))
    follow(teacher, teacher.locator(f'main a[href="{ORG}/omvarld/ny/"]'))
    teacher.locator("#id_title").fill(TITLE)
    teacher.locator("#id_url").fill("https://forskningsnytt.example/programmering-ai")
    teacher.locator("#id_summary").fill(
        "Elever som får **AI-stöd** när de programmerar kommer längre, visar en ny studie. "
        "<script>alert('inte här')</script>"
    )
    teacher.locator("input[name=kind][value=research]").check()
    teacher.locator("input[name=horizon][value=soon]").check()
    teacher.locator("input[name=focus_areas]").first.check()
    submit(teacher, 'main form[method="post"]')
    expect(teacher.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(teacher.locator(".prose strong")).to_have_text("AI-stöd")
    signal_url = teacher.url

    # The politician asks the rektor, by name, and rates it. ---------------------------------
    politician = person(browser, base_url, "politiker@mittkoping.example")
    open_signal(politician)
    politician.locator("#id_body").fill(
        "Det här vill nämnden veta mer om. @Sara Nyström, hur ser det ut på Åsen?"
    )
    submit_in_place(politician, "form.comment-form", "Din kommentar har publicerats.")
    expect(politician.locator(".comment__mentions")).to_contain_text("Sara Nyström")
    rate(politician, 4, 5)

    # The rektor replies in the politician's thread and rates it. -----------------------------
    rektor = person(browser, base_url, "rektor@mittkoping.example")
    rektor.goto(signal_url)
    check_page(rektor)
    thread = rektor.locator("li.thread", has_text="@Sara Nyström")
    thread.locator("details.reply summary").click()
    thread.locator("textarea[name=body]").fill("Två arbetslag provar redan. Vi delar gärna.")
    submit_in_place(rektor, "li.thread details.reply form", "Din kommentar har publicerats.")
    expect(rektor.locator("li.thread .replies")).to_contain_text("Två arbetslag provar redan.")
    rate(rektor, 5, 4)
    took_part = rektor.locator("section[aria-labelledby=took-part]")
    for name in ("Karin Lindqvist", "Sara Nyström", "Johan Berg"):
        expect(took_part).to_contain_text(name)
    expect(rektor.locator("#ratings-section table").first).to_contain_text("2")

    # The administration sets a new goal and records that the signal led to it. ---------------
    admin = person(browser, base_url, "forvaltning@mittkoping.example")
    admin.goto(f"{ORG}/mal/ny/")
    check_page(admin)
    admin.locator("#id_enhet").select_option(label=ROOT)
    submit(admin, 'main form[method="get"]')
    admin.locator("#id_title").fill(GOAL)
    admin.locator("#id_focus_area").select_option(index=1)
    submit(admin, 'main form[method="post"]')
    expect(admin.get_by_role("heading", level=1)).to_have_text(GOAL)

    admin.goto(signal_url)
    check_page(admin)
    follow(admin, admin.locator('#led-to-section a[href$="/ledde-till/"]'))
    follow(admin, admin.locator('main a[href="?typ=mal"]'))
    admin.locator("#link-search").fill(SUFFIX)
    submit(admin, "form.search-form")
    admin.get_by_label(re.compile(re.escape(GOAL))).check()
    submit(admin, 'main form[method="post"]')
    expect(admin.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(admin.locator("#led-to-section")).to_contain_text(GOAL)

    # The goal shows the signal as its evidence, linked back to the discussion. ---------------
    follow(admin, admin.locator("#led-to-section").get_by_role("link", name=GOAL))
    evidence = admin.locator("#evidence-section")
    expect(evidence).to_contain_text(TITLE)
    follow(admin, evidence.get_by_role("link", name=TITLE))
    expect(admin.get_by_role("heading", level=1)).to_have_text(TITLE)

    # The radar and the feeds' pages are sound too. ------------------------------------------
    for path in ("radar/", "kandidater/", "kallor/"):
        admin.goto(f"{ORG}/omvarld/{path}")
        check_page(admin)
    expect(admin.locator("main")).to_contain_text("Skolnytt (demo)")
