"""The Elevrösten journey (issue 25, "Done when"): the teacher at Åsens skola opens a survey for a
class, six pupils answer on a 390 px phone without logging in (one types the code, the others
come by the survey's address, as from the QR code), one tries to answer twice; the teacher closes
the survey and makes its results public; the share who agree with "The digital tools at school
help me learn", which measures the demo's indicator DIGUPPL, then shows on the school's goal, on
the school's dashboard and on the public page "What the pupils say". axe runs on every page,
and on each of the pupils' pages at 320 px and at a desktop's width as well.

Five of the six agree with the measured statement and one does not: 83.3 %. Fields are found by
their names and values, which do not change when the interface is translated.
"""

import re

from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.conftest import check_page, log_in

ORG = "/o/mittkoping"
SCHOOL = "Åsens skola"
GOAL = "Eleverna på Åsens skola tycker att verktygen hjälper dem att lära"
GROUP = "5C"
PHONE: ViewportSize = {"width": 390, "height": 844}
WIDTHS: tuple[ViewportSize, ...] = ({"width": 320, "height": 640}, {"width": 1280, "height": 900})
SHARE = "83,3"  # five of six agree, in Swedish
ANSWERS = ("4", "3", "4", "4", "3", "1")  # A1 of each pupil: "Yes" / "mostly", the last "No"


def submit(page: Page, form: str = "main form") -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def at_every_width(browser: Browser, base_url: str, path: str, status: int) -> None:
    """The pupil's page `path` is sound at 320 px and on a desktop too."""
    for size in WIDTHS:
        context = browser.new_context(base_url=base_url, locale="sv-SE", viewport=size)
        page = context.new_page()
        response = page.goto(path)
        assert response is not None
        assert response.status == status, path
        check_page(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{path} is {width} px wide at {size['width']} px"
        context.close()


def pupil(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, locale="sv-SE", viewport=PHONE)
    return context.new_page()


def test_pupils_answer_and_their_answers_measure_the_goal(browser: Browser, base_url: str) -> None:
    teacher = browser.new_context(base_url=base_url, locale="sv-SE").new_page()
    log_in(teacher, "larare@mittkoping.example")
    teacher.goto(f"{ORG}/elevrosten/")
    check_page(teacher)
    with teacher.expect_navigation():
        teacher.locator(f'main a[href="{ORG}/elevrosten/ny/"]').click()
    check_page(teacher)
    school = teacher.locator("select[name=unit] option", has_text=SCHOOL).first
    teacher.locator("select[name=unit]").select_option(school.get_attribute("value"))
    teacher.locator("input[name=group_label]").fill(GROUP)
    teacher.locator('input[name=age_group][value="4-6"]').check()
    for box in teacher.locator("input[name=statement_keys]").all():
        if box.get_attribute("value") not in {"A1", "L1"}:
            box.uncheck()
    teacher.locator("input[name=expected_pupils]").fill("24")
    submit(teacher)
    check_page(teacher)
    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"{SCHOOL}, {GROUP}")
    code = teacher.locator(".survey-code").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{3} [A-Z0-9]{3}", code), code
    address = teacher.locator(f'main a[href$="/elev/{code.replace(" ", "")}/"]').first
    href = address.get_attribute("href")
    assert href is not None
    survey_path = "/" + href.split("/", 3)[3]
    with teacher.expect_navigation():
        teacher.locator('main a[href$="/affisch/"]').click()
    check_page(teacher)
    expect(teacher.locator(".survey-code")).to_have_text(code)
    teacher.go_back()

    # The pupils: the first types the code, the others come by the address (the QR code's).
    at_every_width(browser, base_url, "/elev/", 200)
    at_every_width(browser, base_url, survey_path, 200)
    first = None
    for number, step in enumerate(ANSWERS):
        page = pupil(browser, base_url)
        if number == 0:
            page.goto("/elev/")
            check_page(page)
            page.locator("input[name=kod]").fill(code.lower())
            submit(page)
        else:
            page.goto(survey_path)
        expect(page.locator(f'input[name=p_A1][value="{step}"]')).to_be_visible()
        check_page(page)
        page.locator(f'input[name=p_A1][value="{step}"]').check()
        page.locator('input[name=p_L1][value="3"]').check()
        if number == 2:
            page.locator("textarea[name=text]").fill("Jag gillar att lyssna på böckerna.")
        submit(page)
        assert page.url.endswith("/elev/tack/"), page.url
        check_page(page)
        if number == 0:
            first = page
    assert first is not None
    first.goto(survey_path)  # the same device again: already answered
    check_page(first)
    expect(first.locator("input[name=p_A1]")).to_have_count(0)
    at_every_width(browser, base_url, "/elev/tack/", 200)
    at_every_width(browser, base_url, "/elev/ZZZZZZ/", 404)

    # The teacher closes the survey and publishes its results.
    teacher.reload()
    expect(teacher.locator("main dl.facts")).to_contain_text("6")
    submit(teacher, 'main form[action$="/stang/"]')
    check_page(teacher)
    expect(teacher.locator("main table").first).to_contain_text(f"{SHARE} %")
    submit(teacher, 'main form[action$="/offentlig/"]')
    check_page(teacher)
    at_every_width(browser, base_url, survey_path, 410)  # the code no longer works

    # The measured value: on the school's dashboard, on the goal and on the public page.
    with teacher.expect_navigation():
        teacher.locator("main dl.facts a[href*='/oversikt/']").click()
    check_page(teacher)
    expect(teacher.locator("section[aria-labelledby=pupils-heading]")).to_contain_text(f"{SHARE} %")
    with teacher.expect_navigation():
        teacher.get_by_role("link", name=GOAL, exact=True).first.click()
    check_page(teacher)
    expect(teacher.locator("section[aria-labelledby=pupil-voice]")).to_contain_text(f"{SHARE} %")
    public = browser.new_context(base_url=base_url, locale="sv-SE", viewport=PHONE).new_page()
    public.goto("/offentlig/mittkoping/elevrosten/")
    check_page(public)
    expect(public.locator("main")).to_contain_text(f"{SHARE} %")
    expect(public.locator("main")).to_contain_text(SCHOOL)
