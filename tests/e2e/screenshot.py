"""`make screenshot`: refresh the README's picture from the demo.

Uses the demo at http://127.0.0.1:8000 when one is running (`make demo`); otherwise prepares a
fresh demo in a temporary directory and serves it just for the picture.
"""

import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.server import CHROMIUM_ARGS, chromium_path, demo_server

RUNNING_DEMO = "http://127.0.0.1:8000"


def running_demo() -> bool:
    try:
        with urllib.request.urlopen(f"{RUNNING_DEMO}/healthz", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def main(target: Path) -> None:
    with ExitStack() as stack:
        if running_demo():
            url = RUNNING_DEMO
        else:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = stack.enter_context(demo_server(data_dir))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            page = browser.new_page(
                base_url=url, viewport={"width": 1280, "height": 800}, locale="sv-SE"
            )
            page.goto("/konto/logga-in/")
            page.get_by_label("E-postadress").fill("forvaltning@mittkoping.example")
            page.get_by_label("Lösenord").fill("mittkoping-demo")
            page.get_by_role("button", name="Logga in").click()
            page.goto("/o/mittkoping/")
            page.wait_for_load_state("networkidle")
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=False)
            browser.close()
    print(f"Saved {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshot.png"))
