"""The follow-up journey (issue 7, "Done when"): the rektor of Åsens skola plans an activity for a
goal of the school, reports on the goal in the open period with the decision to adjust and a
revised plan that links the activity, and marks the report ready; the förvaltning reads it,
comments, approves it and sees the completion overview; the Excel export downloads, opens with
openpyxl and holds every comment. axe runs on every page visited.

The test finds its way by links and visible names, never by ids it assumes: the goal by its demo
title (`malbild/demo/followup.py` leaves it unreported in the open period), the period by its
state, links by their addresses, form fields by their ids or values, which do not change when
the interface is translated.
"""

import secrets
from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
GOAL = "Eleverna på Åsens skola tycker att verktygen hjälper dem att lära"
SCHOOL = "Åsens skola"
TOKEN = secrets.token_hex(3)
ACTIVITY = f"Klassråden samlar elevernas omdömen om verktygen ({TOKEN})"
PLAN = f"Klassråden tar upp verktygen varje månad och rektor svarar eleverna skriftligt ({TOKEN})."
RECTOR_COMMENT = f"Eleverna i årskurs 5 vill vara med och välja nästa läsverktyg ({TOKEN})."
ADMIN_COMMENT = f"Tack, ett tydligt underlag för nämnden ({TOKEN})."
ACHIEVED = f"Den digitala pedagogen har besökt alla skolor i Norra området ({TOKEN})."
DEMO_COMMENT = "Kan ni skriva något om hur många lärare som har gått modulerna?"  # sent back


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def to_open_period(page: Page) -> Locator:
    """From the nav to the follow-up list; answers the open period's row."""
    page.goto(f"{ORG}/")
    check_page(page)
    follow(page, page.locator('nav.org-nav a[href$="/uppfoljning/"]'))
    row = page.locator("main tbody tr", has=page.locator(".period-state--open"))
    expect(row).to_have_count(1)
    return row


def test_a_rektor_reports_and_the_förvaltning_approves_and_exports(
    browser: Browser, base_url: str
) -> None:
    rektor = new_context(browser, base_url).new_page()
    log_in(rektor, "rektor@mittkoping.example")

    # The rektor plans an activity for the goal (the action plan, item 1 of the issue). --------
    rektor.goto(f"{ORG}/mal/")
    check_page(rektor)
    follow(rektor, rektor.get_by_role("link", name=GOAL, exact=True))
    follow(rektor, rektor.locator('#activities-section a[href*="/aktiviteter/ny/?mal="]'))
    if rektor.locator("#id_enhet").count():
        rektor.locator("#id_enhet").select_option(label=SCHOOL)
        submit(rektor, 'main form[method="get"]')
    rektor.locator("#id_title").fill(ACTIVITY)
    rektor.locator("#id_starts_on").fill(timezone.localdate().isoformat())
    rektor.locator("#id_ends_on").fill((timezone.localdate() + timedelta(days=120)).isoformat())
    submit(rektor, 'main form[method="post"]')
    expect(rektor.get_by_role("heading", level=1)).to_have_text(ACTIVITY)

    # To the school's list of goals to report in the open period. ---------------------------
    row = to_open_period(rektor)
    follow(rektor, row.locator('a[href*="/enheter/"]', has_text=SCHOOL))
    goal_row = rektor.locator("main tbody tr", has_text=GOAL)
    expect(goal_row.locator(".report-state")).to_have_count(0)  # not reported yet
    follow(rektor, goal_row.locator('a[href*="/uppfoljning/perioder/"][href*="/mal/"]'))
    expect(rektor.locator("main")).to_contain_text(GOAL)

    # "Adjust" without a revised plan is refused, with a clear message. -----------------------
    rektor.locator("input[name=light][value=at_risk]").check()
    rektor.locator("#id_analysis").fill(
        "Eleverna i årskurs 4 är nöjda, men i årskurs 6 säger många att det är svårt att "
        "hitta rätt verktyg för rätt uppgift."
    )
    rektor.locator("input[name=decision][value=adjust]").check()
    rektor.locator("#id_reasoning").fill("Eleverna behöver vara med och välja verktygen.")
    submit(rektor, 'main form[method="post"]')
    expect(rektor.locator(".error-summary")).to_be_visible()
    expect(rektor.locator("#id_revised_plan_error")).to_be_visible()

    rektor.locator("#id_revised_plan").fill(PLAN)
    rektor.locator("main fieldset").get_by_label(ACTIVITY, exact=False).check()
    submit(rektor, 'main form[method="post"]')
    expect(rektor.get_by_role("heading", level=1)).to_have_text(GOAL)
    expect(rektor.locator("#plan-heading")).to_be_visible()
    expect(rektor.locator("main")).to_contain_text(PLAN)
    expect(rektor.locator("main")).to_contain_text(ACTIVITY)
    report_url = rektor.url

    # Marked ready, with a comment from the rektor. -------------------------------------------
    submit(rektor, 'main form[action$="/klar/"]')
    expect(rektor.locator(".report-state--ready")).to_be_visible()
    rektor.locator("#id_body").fill(RECTOR_COMMENT)
    submit(rektor, 'main form[action$="/kommentarer/"]')
    expect(rektor.locator("#comments")).to_contain_text(RECTOR_COMMENT)
    rektor.context.close()

    # The förvaltning reads it from the period's page, comments and approves. -----------------
    admin = new_context(browser, base_url).new_page()
    log_in(admin, "forvaltning@mittkoping.example")
    row = to_open_period(admin)
    follow(admin, row.locator("th a"))
    goal_row = admin.locator("main tbody tr", has_text=GOAL)
    expect(goal_row.locator(".report-state--ready")).to_be_visible()
    follow(admin, goal_row.locator('a[href*="/rapporter/"]'))
    assert admin.url == report_url
    admin.locator("#id_body").fill(ADMIN_COMMENT)
    submit(admin, 'main form[action$="/kommentarer/"]')
    submit(admin, 'main form[action$="/godkann/"]')
    expect(admin.locator(".report-state--approved")).to_be_visible()

    # The completion overview shows the school's approved report. -----------------------------
    follow(admin, admin.locator('nav.breadcrumbs a[href*="/perioder/"]'))
    follow(admin, admin.locator('main a[href$="/oversikt/"]'))
    school = admin.locator("main tbody tr", has_text=SCHOOL)
    expect(school).to_have_count(1)
    approved = int(school.locator("td").nth(3).inner_text())
    assert approved >= 1

    # The period's investments: the förvaltning records what one has spent and achieved, and
    # the målbild page shows it under the investments. -----------------------------------------
    follow(admin, admin.locator('nav.breadcrumbs a[href*="/perioder/"]'))
    follow(admin, admin.locator('main a[href$="/andra/"]'))  # the period's form, looked at only
    admin.go_back()
    follow(admin, admin.locator('#investments-section a[href*="/satsningar/"]').last)
    admin.locator("#id_spent").fill("480 000")
    admin.locator("#id_achieved").fill(ACHIEVED)
    admin.locator("input[name=gains][value=not_yet]").check()
    submit(admin, 'main form[method="post"]')
    expect(admin.locator("#investments-section")).to_contain_text(ACHIEVED)
    admin.goto(f"{ORG}/malbild/")
    check_page(admin)
    expect(admin.locator("#investments-section")).to_contain_text(ACHIEVED)

    # The Excel export downloads and opens, with every comment in it. -------------------------
    admin.goto(f"{ORG}/uppfoljning/")
    check_page(admin)
    with admin.expect_download() as download:
        admin.locator('main a[href$="/export.xlsx"]').first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(BytesIO(download.value.path().read_bytes()))
    sheets = book.worksheets
    assert len(sheets) == 5
    comments = [row[-1] for row in sheets[2].iter_rows(min_row=2, values_only=True)]
    for text in (RECTOR_COMMENT, ADMIN_COMMENT, DEMO_COMMENT):
        assert any(text in str(c) for c in comments), text
    reports = list(sheets[1].iter_rows(min_row=2, values_only=True))
    assert any(PLAN in str(row[7]) for row in reports)
    assert [c.value for c in sheets[3][1]] == [
        "enhet_kod", "indikator_kod", "period", "kön", "värde", "status"
    ]  # fmt: skip
