"""Logging in with the municipality's account in Chromium, through an OpenID Connect provider on
loopback (malbild/accounts/tests/oidc_provider.py), with axe on Målbild's pages."""

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from malbild.accounts.tests import oidc_provider
from malbild.accounts.tests.oidc_provider import Provider
from tests.e2e.conftest import check_page, new_context
from tests.e2e.server import environment, listening_url, wait_until_healthy

# The Swedish text, or its msgid while the catalogue does not have it yet.
SSO_LINK = re.compile("Logga in med kommunens konto|Log in with the municipality's account")
JOHAN = {
    "sub": "johan-berg",
    "email": "Larare@Mittkoping.example",
    "email_verified": True,
    "name": "Johan Berg",
}


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with oidc_provider.serving() as provider:
        provider.person = dict(JOHAN)
        yield provider


@pytest.fixture(scope="module")
def sso_url(base_url: str, demo_dir: Path, provider: Provider) -> Iterator[str]:
    """A second `malbild serve` on the shared demo database, with single sign-on on.

    Settings are read from the environment when a process starts, so the served demo that the
    other browser tests share keeps the login page they expect.
    """
    env = environment(demo_dir) | {
        "MALBILD_OIDC_ISSUER": provider.url,
        "MALBILD_OIDC_CLIENT_ID": oidc_provider.CLIENT_ID,
        "MALBILD_OIDC_CLIENT_SECRET": oidc_provider.CLIENT_SECRET,
    }
    log_path = demo_dir / "server.log"
    start = log_path.stat().st_size
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "malbild.cli", "serve", "--bind", "127.0.0.1:0"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        url = listening_url(server, log_path, start)
        wait_until_healthy(url, server, demo_dir)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def sso_page(browser: Browser, sso_url: str) -> Iterator[Page]:
    context = new_context(browser, sso_url)
    page = context.new_page()
    yield page
    context.close()


def through_the_provider(page: Page, provider: Provider) -> None:
    page.goto("/konto/logga-in/")
    check_page(page)
    page.get_by_role("link", name=SSO_LINK).click()
    expect(page).to_have_url(re.compile("^" + re.escape(f"{provider.url}/authorize?")))
    expect(page.get_by_text("Du loggar in som Larare@Mittkoping.example")).to_be_visible()
    page.get_by_role("button", name="Fortsätt").click()


def test_a_teacher_logs_in_with_the_municipalitys_account(
    sso_page: Page, sso_url: str, provider: Provider
) -> None:
    through_the_provider(sso_page, provider)
    # Logged in as Johan, a member of one organisation: he lands on its start page.
    expect(sso_page).to_have_url(f"{sso_url}/o/mittkoping/")
    expect(sso_page.get_by_text("lärare eller medarbetare – Åsens skola")).to_be_visible()
    check_page(sso_page)
    sso_page.goto("/konto/profil/")
    expect(sso_page.get_by_label(re.compile("Ditt namn|Your name"))).to_have_value("Johan Berg")
    check_page(sso_page)


def test_an_id_token_for_another_client_ends_on_a_page_that_says_so(
    sso_page: Page, provider: Provider
) -> None:
    provider.claims_override = {"aud": "en-annan-tjanst"}
    try:
        through_the_provider(sso_page, provider)
        expect(sso_page).to_have_url(re.compile("/konto/logga-in/kommun/svar/"))
        check_page(sso_page)
        sso_page.locator("main a[href='/konto/logga-in/']").click()
        expect(sso_page).to_have_url(re.compile("/konto/logga-in/$"))
        sso_page.goto("/konto/profil/")  # not logged in: the profile sends to the login page
        expect(sso_page).to_have_url(re.compile("/konto/logga-in/"))
    finally:
        provider.claims_override = {}
