"""Communication, listening and celebrating (issue 11, "Done when"): an announcement reaches the
right feeds and not the others; a guardian leaves feedback that is answered publicly; a success
story with a pupil's quote is approved, shows on the public page, and disappears from it and from
the feed (and from the public start page, where it was highlighted) when the consent is withdrawn.
axe runs on every page visited.

The test finds its way by links, form fields' ids and the texts it writes, never by ids it
assumes, so it does not depend on the interface's language.
"""

import secrets

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import check_page, log_in, new_context

ORG = "/o/mittkoping"
PUBLIC = "/offentlig/mittkoping"
SUFFIX = secrets.token_hex(3)
NEWS = f"Föräldramöte om skärmtid ({SUFFIX})"
FEEDBACK = f"Kan skolan erbjuda kvällskurs i lärplattan för föräldrar? ({SUFFIX})"
ANSWER = f"Ja, vi startar en kurs i oktober ({SUFFIX})."
STORY = f"Klassen gjorde en egen podd ({SUFFIX})"
QUOTE = f"Jag vågade prata i mikrofonen fast jag var nervös ({SUFFIX})"


def submit(page: Page, form: str = "main form[method=post]") -> None:
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()
    check_page(page)


def follow(page: Page, link: Locator) -> None:
    with page.expect_navigation():
        link.first.click()
    check_page(page)


def visit(page: Page, path: str) -> None:
    page.goto(path)
    check_page(page)


def fresh(page: Page, path: str) -> None:
    """A public page after a change: the browser may keep a public page for a minute
    (max-age), so reload, which asks the server again (and gets a new ETag's page)."""
    page.goto(path)
    page.reload()
    check_page(page)


def person(browser: Browser, base_url: str, email: str | None) -> Page:
    page = new_context(browser, base_url).new_page()
    if email:
        log_in(page, email)
    return page


def choose_unit(page: Page, name: str) -> None:
    value = page.locator("#id_unit option", has_text=name).first.get_attribute("value")
    page.locator("#id_unit").select_option(value)


def feed(page: Page, path: str) -> str:
    response = page.request.get(path)
    assert response.ok, path
    return response.text()


def test_news_feedback_and_a_story_with_a_pupils_voice(browser: Browser, base_url: str) -> None:
    admin = person(browser, base_url, "forvaltning@mittkoping.example")
    rektor = person(browser, base_url, "rektor@mittkoping.example")
    guardian = person(browser, base_url, None)

    # An announcement to guardians reaches their feed, not the public's. -----------------------
    visit(admin, f"{ORG}/nyheter/")
    follow(admin, admin.locator(f'main a[href="{ORG}/nyheter/ny/"]'))
    admin.locator("#id_title").fill(NEWS)
    admin.locator("#id_body").fill("Välkommen till ett föräldramöte om **skärmtid** och sömn.")
    admin.locator("input[name=audiences][value=guardians]").check()
    submit(admin)
    submit(admin, "main form[action$='/publicera/']")
    assert NEWS in feed(guardian, f"{PUBLIC}/nyheter/vardnadshavare.atom")
    assert NEWS not in feed(guardian, f"{PUBLIC}/nyheter/allmanheten.atom")

    # A guardian leaves feedback; the administration answers it publicly. ----------------------
    visit(guardian, f"{PUBLIC}/nyheter/")
    follow(guardian, guardian.locator(f'.org-nav a[href="{PUBLIC}/synpunkter/"]'))
    follow(guardian, guardian.locator(f'main a[href="{PUBLIC}/synpunkter/lamna/"]'))
    guardian.locator("#id_message").fill(FEEDBACK)
    choose_unit(guardian, "Åsens skola")
    guardian.wait_for_timeout(3500)  # the form refuses what is sent faster than anyone types
    submit(guardian)
    assert "skickad=1" in guardian.url  # the thank-you page
    visit(guardian, f"{PUBLIC}/synpunkter/")
    expect(guardian.locator("main")).not_to_contain_text(FEEDBACK)

    visit(admin, f"{ORG}/nyheter/")
    follow(admin, admin.locator(f'main a[href="{ORG}/synpunkter/"]'))
    follow(admin, admin.get_by_role("link", name=FEEDBACK[:60]))
    admin.locator("#id_answer").fill(ANSWER)
    submit(admin, "main form[action$='/svara/']")
    fresh(guardian, f"{PUBLIC}/synpunkter/")
    expect(guardian.locator("main")).to_contain_text(FEEDBACK)
    expect(guardian.locator("main")).to_contain_text(ANSWER)

    # A rektor writes a story with a pupil's quote and approves it. -----------------------------
    visit(rektor, f"{ORG}/berattelser/")
    follow(rektor, rektor.locator(f'main a[href="{ORG}/berattelser/ny/"]'))
    rektor.locator("#id_title").fill(STORY)
    rektor.locator("#id_body").fill("Klass 5B spelade in en podd om sin **skolgård**.")
    choose_unit(rektor, "Åsens skola")
    submit(rektor)
    follow(rektor, rektor.locator("main a[href$='/citat/']"))
    rektor.locator("#id_text").fill(QUOTE)
    rektor.locator("#id_speaker").fill("Elev i åk 5")
    rektor.locator("input[name=consent_by][value=guardian]").check()
    submit(rektor)
    submit(rektor, "main form[action$='/publicera/']")
    story_url = rektor.url

    visit(guardian, f"{PUBLIC}/berattelser/")
    expect(guardian.locator("main")).to_contain_text(QUOTE)
    follow(guardian, guardian.get_by_role("link", name=STORY))
    expect(guardian.locator("main")).to_contain_text(QUOTE)
    public_story = guardian.url
    assert QUOTE in feed(guardian, f"{PUBLIC}/berattelser.atom")

    # The rektor highlights it: it shows on the public start page with the pupil's words. ------
    rektor.goto(story_url)
    submit(rektor, "main form[action$='/lyft-fram/']")
    fresh(guardian, f"{PUBLIC}/")
    expect(guardian.locator("main")).to_contain_text(QUOTE)

    # The guardian withdraws the consent: the quote leaves the page and the feed. --------------
    rektor.goto(story_url)
    submit(rektor, "main form[action$='/aterkalla/']")
    expect(rektor.locator("main")).not_to_contain_text(QUOTE)
    fresh(guardian, public_story)
    expect(guardian.locator("main")).to_contain_text(STORY)
    expect(guardian.locator("main")).not_to_contain_text(QUOTE)
    fresh(guardian, f"{PUBLIC}/berattelser/")
    expect(guardian.locator("main")).not_to_contain_text(QUOTE)
    assert QUOTE not in feed(guardian, f"{PUBLIC}/berattelser.atom")
    fresh(guardian, f"{PUBLIC}/")
    expect(guardian.locator("main")).to_contain_text(STORY)
    expect(guardian.locator("main")).not_to_contain_text(QUOTE)
