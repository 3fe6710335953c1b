"""The action plan's journey (issue 7, item 1): the rektor of Åsens skola plans an activity for a
goal of the school from the goal's page, adds a milestone, moves the end date (first without a
reason, which is refused, then with one) and finds the change with its reason in the activity's
history and on the school's action plan; and a teacher adds an activity to the school's plan,
is responsible for it and updates its status. axe runs on every page visited.

The test finds its way by links and visible names, never by ids it assumes: the goal by its demo
title, links by their addresses, form fields by their ids, which do not change when the
interface is translated.
"""

import secrets
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
GOAL = "Alla lärare på Åsens skola har gått kompetenslyftet"  # malbild/demo/goals.py
SCHOOL = "Åsens skola"
TITLE = f"Lärarna i 4–6 filmar och delar en lektion var ({secrets.token_hex(3)})"
MILESTONE = "Alla i arbetslaget har delat sin film"
REASON = "Filmningen tar längre tid än vi trodde; vi tar hela terminen på oss."


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def day(offset: int) -> str:
    return (timezone.localdate() + timedelta(days=offset)).isoformat()


def test_a_rektor_plans_an_activity_and_its_revision_is_kept(
    browser: Browser, base_url: str
) -> None:
    rektor = new_context(browser, base_url).new_page()
    log_in(rektor, "rektor@mittkoping.example")

    # From the school's goal to "plan an activity for this goal". ------------------------------
    rektor.goto(f"{ORG}/mal/")
    check_page(rektor)
    follow(rektor, rektor.get_by_role("link", name=GOAL, exact=True))
    expect(rektor.get_by_role("heading", level=1)).to_have_text(GOAL)
    expect(rektor.locator("#activities-section li")).not_to_have_count(0)  # the demo's
    follow(rektor, rektor.locator('#activities-section a[href*="/aktiviteter/ny/?mal="]'))
    if rektor.locator("#id_enhet").count():  # the rektor may plan for the school and its teams
        rektor.locator("#id_enhet").select_option(label=SCHOOL)
        submit(rektor, 'main form[method="get"]')
    expect(rektor.locator("main")).to_contain_text(SCHOOL)
    expect(rektor.locator("main")).to_contain_text(GOAL)

    # Plan it: the goal is already ticked. ---------------------------------------------------
    rektor.locator("#id_title").fill(TITLE)
    rektor.locator("#id_description").fill(
        "Varje lärare filmar en genomgång, delar den i arbetslaget och får respons."
    )
    goal_box = rektor.locator("main fieldset").first.get_by_label(GOAL, exact=False)
    expect(goal_box).to_be_checked()
    rektor.locator("#id_starts_on").fill(day(7))
    rektor.locator("#id_ends_on").fill(day(90))
    submit(rektor, 'main form[method="post"]')
    expect(rektor.get_by_role("heading", level=1)).to_have_text(TITLE)
    activity_url = rektor.url

    # A milestone within the activity's dates. -----------------------------------------------
    follow(rektor, rektor.locator('main a[href$="/milstolpar/ny/"]'))
    rektor.locator("#id_title").fill(MILESTONE)
    rektor.locator("#id_due_on").fill(day(45))
    submit(rektor, 'main form[method="post"]')
    expect(rektor.locator("#milestones-section")).to_contain_text(MILESTONE)

    # A new end date: refused without a reason, saved with one. -------------------------------
    follow(rektor, rektor.locator('main ul.actions a[href$="/andra/"]'))
    rektor.locator("#id_ends_on").fill(day(120))
    submit(rektor, 'main form[method="post"]')
    expect(rektor.locator(".error-summary")).to_be_visible()
    expect(rektor.locator("#id_reason_error")).to_be_visible()
    rektor.locator("#id_reason").fill(REASON)
    submit(rektor, 'main form[method="post"]')
    assert rektor.url == activity_url

    # The history shows who, what (before and after) and why, newest first. --------------------
    latest = rektor.locator("#history-section li.revision").first
    expect(latest).to_contain_text(REASON)
    expect(latest).to_contain_text("Sara Nyström")
    expect(latest.locator(".revision__changes tbody tr")).to_have_count(1)
    expect(latest.locator(".revision__changes tbody tr td")).to_have_count(2)
    expect(rektor.locator("#history-section li.revision")).to_have_count(3)  # plan, milestone

    # The school's action plan shows it on the timeline and in the table. ----------------------
    follow(rektor, rektor.locator('nav.breadcrumbs a[href*="/handlingsplan/"]'))
    expect(rektor.locator(".timeline")).to_contain_text(TITLE)
    expect(rektor.locator("table.activity-table")).to_contain_text(TITLE)


def test_a_teacher_adds_an_activity_and_updates_it(browser: Browser, base_url: str) -> None:
    teacher = new_context(browser, base_url).new_page()
    log_in(teacher, "larare@mittkoping.example")
    title = f"Eleverna i 4B läser e-böcker hemma ({secrets.token_hex(3)})"

    # From the activities to "plan an activity", then the school. -----------------------------
    teacher.goto(f"{ORG}/handlingsplaner/")
    check_page(teacher)
    follow(teacher, teacher.locator('main ul.actions a[href$="/aktiviteter/ny/"]'))
    teacher.locator("#id_enhet").select_option(label=SCHOOL)
    submit(teacher, 'main form[method="get"]')
    expect(teacher.locator("main")).to_contain_text(SCHOOL)
    expect(teacher.locator("#id_owner")).to_have_count(0)  # no choice: the teacher is responsible
    expect(teacher.locator("main dl.facts")).to_contain_text("Johan Berg")

    teacher.locator("#id_title").fill(title)
    teacher.locator("#id_starts_on").fill(day(3))
    teacher.locator("#id_ends_on").fill(day(60))
    submit(teacher, 'main form[method="post"]')
    expect(teacher.get_by_role("heading", level=1)).to_have_text(title)
    expect(teacher.locator("main dl.facts")).to_contain_text("Johan Berg")
    expect(teacher.locator('main ul.actions a[href$="/andra/"]')).to_have_count(0)
    expect(teacher.locator("#history-section li.revision").first).to_contain_text("Johan Berg")

    # Theirs to update. ------------------------------------------------------------------------
    follow(teacher, teacher.locator('main ul.actions a[href$="/status/"]'))
    teacher.locator("#id_status").select_option("in_progress")
    teacher.locator("#id_progress").fill("10")
    submit(teacher, 'main form[method="post"]')
    expect(teacher.get_by_role("heading", level=1)).to_have_text(title)
    expect(teacher.locator("main dl.facts")).to_contain_text("10 %")
