"""A real Målbild for the browser tests: a demo database in a temporary directory, served by
`malbild serve` in its own process. No ORM here: the browser side only speaks HTTP."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# Settings of the served demo besides its data directory, set by conftest before it starts:
# the address of the local Kolada-shaped server (malbild/imports/tests/kolada_server.py).
SETTINGS: dict[str, str] = {}


def environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALBILD_")}
    env["MALBILD_DATA_DIR"] = str(data_dir)
    env.update({f"MALBILD_{name}": value for name, value in SETTINGS.items()})
    return env


def malbild(data_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    with (data_dir / "server.log").open("ab") as log:  # the child keeps its own copy
        return subprocess.Popen(
            [sys.executable, "-m", "malbild.cli", *args],
            env=environment(data_dir),
            stdout=subprocess.DEVNULL,
            stderr=log,
        )


@contextmanager
def demo_server(data_dir: Path) -> Iterator[str]:
    """Prepare the demo in `data_dir`, serve it, and yield its base URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for command in (
        ["demo", "--no-serve"],
        # What `make demo`'s worker does first: generate the demo's kept document.
        ["worker", "--batch", "--no-scheduler"],
    ):
        subprocess.run(
            [sys.executable, "-m", "malbild.cli", *command],
            env=environment(data_dir),
            check=True,
            capture_output=True,
        )
    log = data_dir / "server.log"
    start = log.stat().st_size if log.exists() else 0
    server = malbild(data_dir, "serve", "--bind", "127.0.0.1:0", "--workers", "2")
    try:
        url = listening_url(server, log, start)
        wait_until_healthy(url, server, data_dir)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def malbild_shell(data_dir: Path, code: str) -> str:
    """Run Python in a `malbild shell` on the demo database and return what it printed.

    The browser tests' way to prepare data: in another process, never through the ORM here.
    """
    result = subprocess.run(
        [sys.executable, "-m", "malbild.cli", "shell", "--no-imports", "-c", code],
        env=environment(data_dir),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


def listening_url(
    server: subprocess.Popen[bytes], log: Path, start: int, seconds: float = 60
) -> str:
    """The address of a server asked to listen on port 0, as gunicorn logs it after `start` in
    `log`: the system chose a free port, so no other process can take it first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with log.open() as f:
            f.seek(start)
            if found := LISTENING.search(f.read()):
                return found[1]
        if server.poll() is not None:
            raise RuntimeError(f"malbild serve exited:\n{log.read_text()}")
        time.sleep(0.1)
    raise RuntimeError(f"malbild serve did not start listening within {seconds:g} s")


def wait_until_healthy(
    url: str, server: subprocess.Popen[bytes], data_dir: Path, seconds: float = 60
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log = (data_dir / "server.log").read_text()
            raise RuntimeError(f"malbild serve exited:\n{log}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"malbild serve did not answer /healthz within {seconds:g} s")


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM", ""), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("Debian's Chromium is missing: apt-get install chromium")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
