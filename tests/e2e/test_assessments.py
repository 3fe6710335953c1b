"""The self-assessment journey (issue 9, "Done when"): the rektor of Åsens skola starts a round
for the school and invites the two teachers; both answer every statement, one by keyboard with
each answer saving as it is chosen (and still there after a reload), the other with the save
buttons; the rektor, who answers too (results are shown only when at least three took part),
closes the round, reads the summary and adopts two suggestions into the action plan for a goal
of the school, and the round becomes evidence for that goal; the förvaltning sees the school's
new round beside the other schools on the municipality page. axe runs on every page visited,
including the answer form after its answers have been swapped in.

The demo already has an open round at Åsen (`malbild/demo/assessments.py`): this test starts its
own, with a title of its own, and finds it by that title. Fields are found by names and values,
which do not change when the interface is translated; links by their addresses.
"""

import re
import secrets

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
SCHOOL = "Åsens skola"
GOAL = "Alla lärare på Åsens skola har gått kompetenslyftet"
PEOPLE = ("Sara Nyström", "Johan Berg", "Amira Haddad")  # rektor, larare, larare2
TOKEN = secrets.token_hex(3)
TITLE = f"Självskattning arbetslagen ({TOKEN})"
ALL_ANSWERED = re.compile(r"\b(\d\d)\b\D{1,30}\b\1\b")  # "36 of 36" (or "36 av 36")
COMMENT = f"Vi behöver en gemensam plan för lärplattformen ({TOKEN})."


def submit(page: Page, form: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def person(browser: Browser, base_url: str, email: str) -> Page:
    page = new_context(browser, base_url).new_page()
    log_in(page, email)
    return page


def to_list(page: Page) -> None:
    page.goto(f"{ORG}/")
    check_page(page)
    follow(page, page.locator('nav.org-nav a[href$="/sjalvskattning/"]'))


def level(person_index: int, statement_index: int) -> str:
    """Who answers what: mostly "started" or lower, so that there are weak statements to
    suggest, with the teachers apart on some (a spread worth talking about)."""
    return str([1, 2, 0][person_index] + (statement_index + person_index) % 3)


def statements(page: Page) -> Locator:
    return page.locator("main fieldset.statement")


def answer_as_you_go(page: Page, who: int) -> None:
    """The first area by keyboard: each radio reached with Tab-free focus and chosen with Space
    (a radio group is operated so), each answer saved on its own as it changes."""
    fieldsets = statements(page)
    count = fieldsets.count()
    assert count >= 8
    for i in range(count):
        fieldset = fieldsets.nth(i)
        fieldset.locator(f"input[type=radio][value='{level(who, i)}']").focus()
        page.keyboard.press("Space")
        expect(fieldset.locator(".statement__saved")).to_contain_text("✓")
    comment = fieldsets.nth(0).locator("textarea")
    comment.fill(COMMENT)
    comment.blur()  # the change saves it
    expect(page.locator("#status")).to_contain_text(re.compile(r"\w"))
    page.wait_for_load_state("networkidle")
    check_page(page)  # the answer form, with what htmx swapped in
    page.reload()
    check_page(page)
    for i in range(count):
        radio = fieldsets.nth(i).locator(f"input[type=radio][value='{level(who, i)}']")
        expect(radio).to_be_checked()
    expect(fieldsets.nth(0).locator("textarea")).to_have_value(COMMENT)


def answer_by_pages(page: Page, who: int) -> None:
    """Every area still unanswered: each answer clicked (by its label), the page saved with the
    button that goes on to the next area; the last one finishes."""
    while True:
        fieldsets = statements(page)
        for i in range(fieldsets.count()):
            radio = fieldsets.nth(i).locator(f"input[type=radio][value='{level(who, i)}']")
            if not radio.is_checked():
                radio.check()
        finish = page.locator('main button[name="naesta"]')
        with page.expect_navigation():
            finish.click()
        check_page(page)
        if "svara" not in page.url:  # finished: back on the round's page
            return


def answer(browser: Browser, base_url: str, email: str, who: int, *, by_keyboard: bool) -> None:
    page = person(browser, base_url, email)
    to_list(page)
    row = page.locator("main tbody tr", has_text=TITLE)
    expect(row).to_have_count(1)
    follow(page, row.locator('a[href$="/svara/"]'))
    if by_keyboard:
        answer_as_you_go(page, who)
        # On to the next area by the area navigation, as a keyboard user would.
        follow(page, page.locator("nav.area-nav a:not([aria-current])"))
    answer_by_pages(page, who)
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main p", has_text=ALL_ANSWERED)).to_have_count(1)
    page.context.close()


def test_a_rektor_runs_a_round_two_teachers_answer_and_the_forvaltning_compares(
    browser: Browser, base_url: str
) -> None:
    # The rektor starts a round at Åsens skola. ----------------------------------------------
    rektor = person(browser, base_url, "rektor@mittkoping.example")
    to_list(rektor)
    follow(rektor, rektor.locator('main a[href$="/sjalvskattning/ny/"]'))
    if rektor.locator("#id_enhet").count():
        option = rektor.locator("#id_enhet option", has_text=SCHOOL).first
        rektor.locator("#id_enhet").select_option(value=option.get_attribute("value"))
        submit(rektor, 'main form[method="get"]')
    expect(rektor.locator("main")).to_contain_text(SCHOOL)
    rektor.locator("#id_title").fill(TITLE)
    rektor.locator("input[name=mode][value=individual]").check()
    boxes = rektor.locator("input[name=participants]")
    for i in range(boxes.count()):
        boxes.nth(i).uncheck()
    for name in PEOPLE:
        rektor.locator("main label", has_text=name).locator("input").check()
    submit(rektor, 'main form[method="post"]')
    expect(rektor.get_by_role("heading", level=1)).to_have_text(TITLE)
    round_url = rektor.url
    participants = rektor.locator("main table tbody tr")
    expect(participants).to_have_count(3)

    # Closing before anyone has answered is refused, with the reason. ------------------------
    submit(rektor, 'main form[action$="/stang/"]')
    expect(rektor.locator(".message--error")).to_contain_text("Johan Berg")
    assert rektor.url == round_url

    # Both teachers answer; then the rektor. ---------------------------------------------------
    answer(browser, base_url, "larare@mittkoping.example", 1, by_keyboard=True)
    answer(browser, base_url, "larare2@mittkoping.example", 2, by_keyboard=False)
    rektor.goto(round_url)
    check_page(rektor)
    follow(rektor, rektor.locator('main a[href$="/svara/"]'))
    answer_by_pages(rektor, 0)
    for row in range(3):
        expect(participants.nth(row).locator("td").first).to_have_text(ALL_ANSWERED)

    # The rektor closes the round and reads the summary. -------------------------------------
    with rektor.expect_navigation():
        rektor.locator('main form[action$="/stang/"] button').click()
    check_page(rektor)
    assert rektor.url.endswith("/sammanstallning/")
    expect(rektor.locator("main table.assessment-results").first).to_be_visible()
    expect(rektor.locator("main details.comments").first).to_be_visible()
    rektor.locator("main details.comments summary").first.click()
    expect(rektor.locator("main")).to_contain_text(COMMENT)
    check_page(rektor)

    # Two suggestions into the action plan, for a goal of the school. -------------------------
    follow(rektor, rektor.locator('main a[href$="/forslag/"]'))
    adopted: list[str] = []
    for _ in range(2):
        follow(rektor, rektor.locator('main ol.suggestions a[href*="/forslag/"]'))
        option = rektor.locator("#id_goal option", has_text=GOAL).first
        rektor.locator("#id_goal").select_option(value=option.get_attribute("value"))
        title = f"{rektor.locator('#id_title').input_value()[:150]} ({TOKEN}-{len(adopted)})"
        rektor.locator("#id_title").fill(title)
        submit(rektor, 'main form[method="post"]')
        assert rektor.url.endswith("/forslag/")
        adopted.append(title)
    expect(rektor.locator('main ol.suggestions a[href*="/aktiviteter/"]')).to_have_count(2)

    # Both are activities of the school's action plan. ---------------------------------------
    follow(rektor, rektor.locator('main a[href$="/handlingsplan/"]'))
    for title in adopted:
        expect(rektor.locator("main")).to_contain_text(title)

    # The goal rests on the round now. --------------------------------------------------------
    rektor.goto(f"{ORG}/mal/")
    check_page(rektor)
    follow(rektor, rektor.get_by_role("link", name=GOAL, exact=True))
    expect(rektor.locator("#evidence-section")).to_contain_text(TITLE)
    rektor.context.close()

    # The förvaltning sees the school beside the others. -------------------------------------
    admin = person(browser, base_url, "forvaltning@mittkoping.example")
    to_list(admin)
    follow(admin, admin.locator('main a[href$="/sjalvskattning/kommunen/"]'))
    rows = admin.locator("main table").first.locator("tbody tr")
    school = rows.filter(has_text=SCHOOL)
    expect(school).to_have_count(1)
    expect(school).to_contain_text(TITLE)
    assert rows.count() >= 3, "the other schools and preschools are beside it"
    # Filtered to the schools, it is still there.
    admin.locator("#id_typ").select_option(value="skola")
    submit(admin, 'main form[method="get"]')
    expect(admin.locator("main table").first.locator("tbody tr", has_text=SCHOOL)).to_contain_text(
        TITLE
    )
    follow(
        admin,
        admin.locator("main table")
        .first.locator("tbody tr", has_text=SCHOOL)
        .locator('a[href$="/sammanstallning/"]'),
    )
    expect(admin.get_by_role("heading", level=1)).to_contain_text(TITLE)
    admin.context.close()
