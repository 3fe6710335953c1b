"""Fixtures for the browser tests: one demo server per process (each on its own copy of the demo
prepared once for the run), one Chromium, axe on every page."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from malbild.imports.tests.kolada_server import FakeKolada, serving
from tests.e2e.server import CHROMIUM_ARGS, SETTINGS, chromium_path, demo_server

AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    # Every rule still runs; only the violations get their selectors worked out, which is most
    # of axe's time on a long page (axe-core's API.md, "Section 4: Performance").
    "resultTypes": ["violations"],
}
# What `check_page` asks of a page, in one call from Python instead of five (each a round trip
# through Playwright's driver to the browser, about 700 pages at two widths in the crawl): the
# language, the title, the h1s, the width the page takes, and the violations only, summed up in
# the page (the full result is large to send back). Null when the page has no axe yet.
PAGE_FACTS = """async options => {
    if (typeof window.axe === 'undefined') return null;
    const facts = {
        lang: document.documentElement.getAttribute('lang'),
        title: document.title,
        h1: document.querySelectorAll('h1').length,
        width: document.documentElement.scrollWidth,
    };
    facts.violations = (await axe.run(document, options)).violations.map(v => `${v.id} ` +
        `(${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map(n => n.target))}`
    );
    return facts;
}"""
PASSWORD = "mittkoping-demo"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)

    # `make e2e` (pytest-xdist, --dist loadscope) gives a whole file to one process at a time (a
    # file's tests share their module's state and may build on each other's steps), or a whole
    # class: each role of the crawl is a class of its own. The crawl is the longest by far: first,
    # so that the processes share its roles, then the other files. Otherwise the files keep their
    # order (stable sort). But the first process to need the demo prepares it for the run (about
    # 35 s, one core) while the others wait for it: so the second unit of work, which xdist sends
    # to the second process, is the one test that needs no prepared demo (it loads its own, the
    # README's way), and uses the other core meanwhile.
    def order(item: pytest.Item) -> int:
        if item.path.name == "test_crawl.py":
            return 0 if item.nodeid.split("::")[1] == "TestAdmin" else 2
        return 1 if item.path.name == "test_demo_as_readme.py" else 3

    items.sort(key=order)


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory that every process of this run shares: with pytest-xdist, each worker's own
    temporary directory is one level below it (popen-gw0, …)."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of the demo that the server serves (for `server.malbild_shell`)."""
    return tmp_path_factory.mktemp("demo")


@pytest.fixture(scope="session")
def kolada() -> Iterator[FakeKolada]:
    """A local server that answers like Kolada, which the served demo asks instead."""
    with serving() as fake:
        yield fake


@pytest.fixture(scope="session")
def base_url(demo_dir: Path, run_dir: Path, kolada: FakeKolada) -> Iterator[str]:
    """The demo, prepared once for the run and copied for each process (`make e2e` runs one per
    core), so that each serves and changes a demo of its own."""
    SETTINGS["KOLADA_URL"] = kolada.url
    with demo_server(demo_dir, template=run_dir / "demo-template") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    """A fresh visitor (own cookies) who reads Swedish, with axe in every page it opens: the
    browser adds it as each document starts, cheaper than `check_page` injecting it afterwards
    (about 0.05 s a page less, and the crawl checks some 700 pages)."""
    context = browser.new_context(base_url=base_url, locale="sv-SE")
    context.add_init_script(AXE_JS)
    return context


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = new_context(browser, base_url)
    page = context.new_page()
    yield page
    context.close()


class PageFacts(TypedDict):
    lang: str | None
    title: str
    h1: int
    width: int  # document.documentElement.scrollWidth
    violations: list[str]


def page_facts(page: Page) -> PageFacts:
    """What `check_page` checks, and the page's width, read in the page as it is now."""
    facts: PageFacts | None = page.evaluate(PAGE_FACTS, AXE_OPTIONS)
    if facts is None:  # a context not from new_context
        page.evaluate(AXE_JS)
        facts = page.evaluate(PAGE_FACTS, AXE_OPTIONS)
        assert facts is not None
    return facts


def assert_sound(facts: PageFacts, url: str) -> None:
    assert facts["lang"] in {"sv", "en"}, url
    assert facts["title"].strip(), f"{url} has no title"
    assert facts["h1"] == 1, f"{url} has {facts['h1']} h1"
    assert not facts["violations"], f"axe on {url}:\n" + "\n".join(facts["violations"])


def check_page(page: Page) -> None:
    """What every page must have: a language, a title, one h1, and no axe violations."""
    assert_sound(page_facts(page), page.url)


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/konto/logga-in/")
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
