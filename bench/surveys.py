"""The survey figures of DESIGN.md §6: 200 pupils answering a survey at the same moment.

bench/run.py calls :func:`measure_surveys` once per database with the server's environment. A
scratch organisation gets one open survey (this module in its own process, `--open`); then
`malbild serve` (production mode, its default workers and threads) answers plain HTTP on
loopback as it does behind the TLS proxy of a real installation, each request saying
`X-Forwarded-Proto: https` as that proxy would. 200 pupils, each a thread with its own
keep-alive connection and cookies, open the survey's page (which sets the CSRF cookie), wait
until every one has it, and send their answers at the same moment, all from one address as a
school behind one router does. Then (`--count`) the stored answers are counted and the scratch
organisation removed. The figures:

    survey_answer_p95_ms + suffix   the 95th percentile (nearest rank) of the answers' times
    survey_answers_lost + suffix    answers sent minus answers stored (any answer not
                                    redirected to the thanks page counts as lost)

The TLS handshake is left out on purpose: the proxy in front makes it, not Målbild.

    python -m bench.surveys --open | --count SURVEY_ID
"""

import argparse
import http.client
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.database import SCRATCH
from bench.figures import SUFFIXES

REPO = Path(__file__).resolve().parent.parent
PUPILS = 200
HOST = "127.0.0.1"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
STALE = (http.client.RemoteDisconnected, http.client.CannotSendRequest, ConnectionError)


def measure_surveys(
    env: dict[str, str], backend: str, work: Path, pupils: int = PUPILS
) -> dict[str, float]:
    """Both figures for the database that `env` names; `backend` only names them."""
    opened: dict[str, Any] = {}
    # The survey is opened while the server starts (neither is measured).
    with _serving(
        env, work / "surveys-server.log", meanwhile=lambda: opened.update(_step(env, "--open"))
    ) as port:
        times, refused = answer_all(port, opened["code"], pupils)
    counted = _step(env, "--count", str(opened["survey"]))
    stored = int(counted["answers"])
    times.sort()
    p95 = times[max(0, math.ceil(0.95 * len(times)) - 1)] if times else math.inf
    print(
        f"bench surveys ({backend}): {pupils} pupils, {stored} answers stored, {refused} refused; "
        f"p50 {times[len(times) // 2]:.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
        if times
        else f"bench surveys ({backend}): no answer came back",
        file=sys.stderr,
    )
    suffix = SUFFIXES[backend]
    return {
        "survey_answer_p95_ms" + suffix: p95,
        "survey_answers_lost" + suffix: float(pupils - stored),
    }


def _step(env: dict[str, str], *args: str) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603  (the bench's own command line)
        [sys.executable, "-m", "bench.surveys", *args],
        env=env,
        cwd=REPO,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


@contextmanager
def _serving(
    env: dict[str, str], log: Path, meanwhile: Callable[[], None] = lambda: None
) -> Iterator[int]:
    """`malbild serve` on a free loopback port, plain HTTP as behind the proxy; `meanwhile` runs
    while it starts."""
    from bench.database import free_port

    port = free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(  # noqa: S603  (the bench's own command line)
            [sys.executable, "-m", "malbild.cli", "serve", "--bind", f"{HOST}:{port}"],
            env=env, cwd=REPO, stdout=out, stderr=out,
        )  # fmt: skip
    try:
        meanwhile()
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                sys.exit(f"bench: malbild serve exited:\n{log.read_text()[-3000:]}")
            try:
                request = urllib.request.Request(
                    f"http://{HOST}:{port}/healthz", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit("bench: malbild serve did not answer /healthz within 60 s")
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class Pupil:
    """A browser on its own keep-alive connection, with its own cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"X-Forwarded-Proto": "https", "Host": f"{HOST}:{self.port}"}
        if body is not None:
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
            except STALE:
                self.close()
                if attempt == 2:
                    raise
                continue
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.close()
            return response.status, data
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def answer_all(port: int, code: str, pupils: int) -> tuple[list[float], int]:
    """Every pupil opens the survey, then all answer at once. Returns the answers' times in
    milliseconds and how many were not taken (any answer but the redirect to the thanks page)."""
    path = f"/elev/{code}/"
    crowd = [Pupil(port) for _ in range(pupils)]
    ready = threading.Barrier(pupils + 1)
    go = threading.Event()
    times: list[float] = []
    refused: list[str] = []

    def pupil(number: int, me: Pupil) -> None:
        body = None
        try:
            status, page = me.request("GET", path)
            token = CSRF_INPUT.search(page)
            if status == 200 and token is not None:
                body = urlencode(
                    {"csrfmiddlewaretoken": token[1].decode(), "p_A1": str(number % 5),
                     "p_A2": str((number + 1) % 5), "p_I2": str((number + 3) % 5),
                     "text": f"Svar {number}" if number % 4 == 0 else ""}
                )  # fmt: skip
            else:
                refused.append(f"GET {path} answered {status}")
        except Exception as e:  # counted, and the first one told
            refused.append(f"GET {path}: {e!r}")
        ready.wait()
        go.wait()
        if body is None:
            me.close()
            return
        try:
            sent = time.perf_counter()
            status, _ = me.request("POST", path, body)
            elapsed = (time.perf_counter() - sent) * 1000
            if status == 302:
                times.append(elapsed)
            else:
                refused.append(f"POST {path} answered {status}")
        except Exception as e:  # counted, and the first one told
            refused.append(f"POST {path}: {e!r}")
        finally:
            me.close()

    threads = [
        threading.Thread(target=pupil, args=(n, me), daemon=True) for n, me in enumerate(crowd)
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    go.set()
    for thread in threads:
        thread.join()
    if refused:
        print(f"bench surveys: {len(refused)} refused, first: {refused[0]}", file=sys.stderr)
    return times, len(refused)


# In the data process --------------------------------------------------------------------------


def _open() -> dict[str, Any]:
    """A scratch organisation with one school and an open survey of four statements."""
    from malbild.surveys import services
    from malbild.tenants.models import Organisation
    from malbild.tenants.scope import scope
    from malbild.tenants.services import create_unit

    organisation = Organisation.objects.create(
        name="Bench Elevrösten", slug=f"{SCRATCH}elevrosten-{os.getpid()}", has_public_pages=False
    )
    with scope(organisation):
        school = create_unit(organisation, None, name="Bänkskolan", kind="skola", code="BANK")
        survey = services.open_survey(
            organisation, None, unit=school, age_group="7-9",
            statement_keys=["A1", "A2", "I2", "L1"], group_label="Hela skolan",
        )  # fmt: skip
    return {"survey": survey.pk, "code": survey.code}


def _count_and_remove(survey_id: int) -> dict[str, Any]:
    from malbild.audit.models import AuditEvent
    from malbild.surveys.models import Response, Survey
    from malbild.tenants.models import OrgUnit
    from malbild.tenants.scope import scope, unscoped

    with unscoped():
        survey = Survey.objects.select_related("organisation").get(pk=survey_id)
    organisation = survey.organisation
    with scope(organisation):
        answers = Response.objects.filter(survey=survey).count()
        Survey.objects.all().delete()
        OrgUnit.objects.all().delete()
    with unscoped():
        AuditEvent.objects.filter(organisation=organisation).delete()
    organisation.delete()
    return {"answers": answers}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", action="store_true")
    parser.add_argument("--count", type=int)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
    import django

    django.setup()
    found = _open() if args.open else _count_and_remove(args.count)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
