"""The goal tree's journey (issue 5, "Done when"): the rektor of Åsens skola breaks a goal of
the förvaltning down for the school, links evidence (an indicator, which then also measures the
goal), makes the goal active and enters a value for the school with a decimal comma; the
förvaltning's dashboard shows the rolled-up result at once. axe runs on every page visited,
the indicator's page with its chart included.

The test finds its way by links and visible names, never by ids it assumes: the förvaltning goal
is the demo's goal without data (by its title), the school and the indicator by their names and
codes, form fields by their ids, which do not change when the interface is translated.
"""

import re
import secrets
from datetime import date

from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
PARENT_TITLE = "Varje skola följer upp sin digitala mognad varje termin"  # malbild/demo/goals.py
SCHOOL = "Åsens skola"
AREA = "Norra området"  # the area Åsens skola belongs to in the demo
TITLE = f"Åsens skola skattar sin digitala mognad varje termin ({secrets.token_hex(3)})"
VALUE = "62,5"


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def to_top_unit_dashboard(page: Page) -> None:
    """From the organisation's overview to its top unit's (the förvaltning's) dashboard."""
    page.goto(f"{ORG}/oversikt/")
    check_page(page)
    follow(page, page.locator("section[aria-labelledby=units-heading] tbody a"))
    expect(page).to_have_url(re.compile(r"/o/mittkoping/enheter/\d+/oversikt/$"))


def parent_row(page: Page) -> Locator:
    rows = page.locator("section[aria-labelledby=goals-heading] tbody tr", has_text=PARENT_TITLE)
    expect(rows).to_have_count(1)
    return rows


def this_term(today: date) -> str:
    return f"{today.year}-{'VT' if today.month <= 6 else 'HT'}"


def test_a_rektor_breaks_a_goal_down_and_the_förvaltning_sees_it_roll_up(
    browser: Browser, base_url: str
) -> None:
    # The förvaltning looks at its dashboard first. -------------------------------------------
    admin = new_context(browser, base_url).new_page()
    log_in(admin, "forvaltning@mittkoping.example")
    to_top_unit_dashboard(admin)
    dashboard_url = admin.url
    before = parent_row(admin).inner_text()

    # The rektor finds the förvaltning's goal and breaks it down for the school. ----------------
    rektor = new_context(browser, base_url).new_page()
    log_in(rektor, "rektor@mittkoping.example")
    to_top_unit_dashboard(rektor)
    follow(rektor, parent_row(rektor).get_by_role("link", name=PARENT_TITLE))
    expect(rektor.get_by_role("heading", level=1)).to_have_text(PARENT_TITLE)
    indicator = rektor.locator("#indicators-section tbody th a").first.inner_text()
    code = indicator.split()[0]

    follow(rektor, rektor.locator('main a[href*="/mal/ny/?bryter-ner="]'))
    if rektor.locator("#id_enhet").count():  # a chooser first, when several units are possible
        rektor.locator("#id_enhet").select_option(label=SCHOOL)
        submit(rektor, 'main form[method="get"]')
        check_page(rektor)
    expect(rektor.locator("main")).to_contain_text(SCHOOL)
    rektor.locator("#id_title").fill(TITLE)
    rektor.locator("#id_description").fill(
        "Rektor och lärarna gör LIKA-skattningen tillsammans i slutet av varje termin och tar "
        "med resultatet i skolans plan."
    )
    submit(rektor, 'main form[method="post"]')
    check_page(rektor)
    expect(rektor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(rektor.locator("main")).to_contain_text(PARENT_TITLE)  # the chain of trust

    # Evidence: the förvaltning goal's indicator, which then also measures the school's goal. ---
    follow(rektor, rektor.locator('main a[href$="/underlag/ny/?typ=indicator"]'))
    options = rektor.locator("#id_indicator option").all_inner_texts()
    rektor.locator("#id_indicator").select_option(
        label=next(o for o in options if o.startswith(f"{code} "))
    )
    submit(rektor, 'main form[method="post"]')
    check_page(rektor)
    expect(rektor.locator("#indicators-section")).to_contain_text(code)
    expect(rektor.locator("#evidence-section")).to_contain_text(code)

    activate = 'main form[action$="/aktivera/"]'
    submit(rektor, activate)
    check_page(rektor)
    expect(rektor.locator(activate)).to_have_count(0)

    # Measurements for the school, from the indicator's page (with its chart). ----------------
    follow(rektor, rektor.locator("#indicators-section tbody th a"))
    expect(rektor.locator("#trend-heading")).to_contain_text(SCHOOL)
    follow(rektor, rektor.locator('main a[href*="/matvarden/ny/"]'))
    expect(rektor.locator("#id_unit option:checked")).to_have_text(re.compile(SCHOOL))
    rektor.locator("#id_period").fill(this_term(timezone.localdate()))
    rektor.locator("#id_value").fill(VALUE)
    submit(rektor, 'main form[method="post"]')
    check_page(rektor)
    expect(rektor.locator("table.indicator-values")).to_contain_text(VALUE)
    expect(rektor.locator("#trend svg[role=img]")).to_have_count(1)

    # The school's own dashboard shows the goal with its progress. ----------------------------
    rektor.goto(dashboard_url)
    for name in (AREA, SCHOOL):  # down the tree, by the units' names
        units = rektor.locator("section[aria-labelledby=units-heading]")
        follow(rektor, units.get_by_role("link", name=name, exact=True))
    expect(rektor.get_by_role("heading", level=1)).to_contain_text(SCHOOL)
    goal = rektor.locator("section[aria-labelledby=goals-heading] tbody tr", has_text=TITLE)
    expect(goal).to_contain_text(re.compile(r"\d+,\d\s%"))

    # The förvaltning's dashboard shows the rolled-up result at once. -------------------------
    admin.goto(dashboard_url)
    check_page(admin)
    after = parent_row(admin).inner_text()
    assert after != before, f"the förvaltning goal's row did not change: {after!r}"
    expect(parent_row(admin)).to_contain_text(re.compile(r"\d+,\d\s%"))
