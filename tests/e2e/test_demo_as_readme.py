"""Målbild started the way the README starts it (issue 21): `make demo` runs `.venv/bin/malbild
demo`, which loads the demo, starts a worker and serves in one command. The other browser tests
prepare the demo and serve it in two steps, which hid a hang: the demo drew charts in its own
process before serving from it, and in the forked web workers every chart not drawn yet hung
until gunicorn killed the worker.

The journey here runs against exactly that command, in a fresh data directory (nothing cached).
The förvaltningschef opens an indicator, switches the interface to English, enters a value and
sees the new chart, opens the Kolada comparison and a self-assessment summary. Meanwhile another
visitor asks for the health page every quarter of a second: none of those requests may wait
behind a chart. axe runs on every page visited.
"""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from malbild.imports.tests.kolada_server import FakeKolada
from tests.e2e.conftest import check_page, log_in
from tests.e2e.server import environment, free_port, wait_until_healthy

ORG = "/o/mittkoping"
# A page that hangs is killed by gunicorn after 60 s; an answer within this is no hang, even on
# a machine shared with other test runs.
PAGE_SECONDS = 20
# Loading the demo (migrate, collectstatic, the content) before the server answers.
START_SECONDS = 300


def readme_command() -> list[str]:
    """What `make demo` runs: the virtual environment's `malbild demo`."""
    script = Path(sys.executable).parent / "malbild"
    return (
        [str(script), "demo"] if script.exists() else [sys.executable, "-m", "malbild.cli", "demo"]
    )


@pytest.fixture(scope="module")
def readme_demo(tmp_path_factory: pytest.TempPathFactory, kolada: FakeKolada) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("readme-demo")
    port = free_port()
    env = environment(data_dir) | {"MALBILD_KOLADA_URL": kolada.url}
    with (data_dir / "server.log").open("ab") as log:
        demo = subprocess.Popen(
            [*readme_command(), "--port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its worker and gunicorn's workers go with it at the end
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, demo, data_dir, seconds=START_SECONDS)
        yield url
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        try:
            demo.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()


class Neighbour:
    """Another visitor: asks for /healthz every quarter of a second in a thread of its own and
    notes the slowest answer and every failure."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.slowest = 0.0
        self.failures: list[str] = []
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._visit, daemon=True)

    def __enter__(self) -> "Neighbour":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=PAGE_SECONDS + 5)

    def _visit(self) -> None:
        while not self._stop.wait(0.25):
            sent = time.monotonic()
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=PAGE_SECONDS):  # noqa: S310
                    pass
            except OSError as e:
                self.failures.append(f"{time.monotonic() - sent:.1f} s: {e}")
            self.slowest = max(self.slowest, time.monotonic() - sent)
            self.requests += 1


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 200, f"{url} answered {response.status}"
    check_page(page)


def expect_a_chart_with_its_table(page: Page) -> None:
    chart = page.locator("main svg[role=img]")
    expect(chart.first).to_be_visible()
    assert chart.first.locator("title").count() == 1, f"{page.url}: a chart without a title"
    expect(page.locator("main table").first).to_be_visible()


def test_the_demo_as_the_readme_starts_it_never_hangs_on_a_chart(
    browser: Browser, readme_demo: str
) -> None:
    context = browser.new_context(base_url=readme_demo, locale="sv-SE")
    context.set_default_timeout(PAGE_SECONDS * 1000)
    page = context.new_page()
    with Neighbour(readme_demo) as neighbour:
        log_in(page, "forvaltning@mittkoping.example")
        check_page(page)

        # An indicator with values, its chart drawn for the first time in this server. -------
        visit(page, f"{ORG}/indikatorer/")
        links = page.locator(f'main a[href^="{ORG}/indikatorer/"]')
        hrefs = [
            href
            for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
            if href.rstrip("/").split("/")[-1].isdigit()
        ]
        assert hrefs, "the demo lists no indicators"
        visit(page, hrefs[0])
        expect_a_chart_with_its_table(page)
        indicator_url = page.url.split("#")[0].split("?")[0]

        # The interface in English: every chart is drawn again, in English. ----------------
        with page.expect_navigation():
            page.locator("form.language-switch button[value=en]").click()
        check_page(page)
        assert page.locator("html").get_attribute("lang") == "en"
        expect_a_chart_with_its_table(page)

        # A new value for the first period shown: the chart changes and is drawn afresh. ----
        period = page.locator("table.indicator-values tbody th").first.inner_text().strip()
        visit(page, f"{indicator_url}matvarden/ny/")
        page.fill("#id_period", period)
        page.fill("#id_value", "71.3")
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").first.click()
        check_page(page)
        expect(page.locator("table.indicator-values")).to_contain_text("71.3")
        expect_a_chart_with_its_table(page)

        # The Kolada comparison and a self-assessment summary, also drawn for the first time.
        visit(page, f"{ORG}/indikatorer/1/jamforelse/")
        expect_a_chart_with_its_table(page)
        visit(page, f"{ORG}/sjalvskattning/1/sammanstallning/")
        expect_a_chart_with_its_table(page)

        # And back in Swedish. ---------------------------------------------------------------
        with page.expect_navigation():
            page.locator("form.language-switch button[value=sv]").click()
        check_page(page)
        assert page.locator("html").get_attribute("lang") == "sv"
        expect_a_chart_with_its_table(page)
    context.close()
    assert neighbour.requests > 0
    assert not neighbour.failures, f"the other visitor's requests failed: {neighbour.failures}"
    assert neighbour.slowest < PAGE_SECONDS, f"the other visitor waited {neighbour.slowest:.1f} s"
