"""Two servers, one site (`make load LOAD_SERVERS=2`, and its reduced run in `make test`): what a
person does on one server holds on the other, each step sent to a chosen server through the
proxy (bench/proxy.py, `X-Bench-Server`) and checked to have been answered there:

1. **Sessions.** Logged in on web1, the dashboard answers on web2.
2. **Imports by either worker, of a file uploaded to one server.** A file of 45,000 values (over
   a megabyte: checked in the background) is uploaded to web1 while web1's worker is held still
   (SIGSTOP), so web2's worker must check it; then imported from web2 while web2's worker is held
   still, so web1's worker must import it. The task results name the worker that ran each.
3. **The dashboard's cache and data version.** web1's dashboard, cached in its processes before
   the import, shows content of a later data version after it (`data-version` in the cached
   content).
4. **Uploads served by the other server.** A picture added to a story on web1 is served by web2,
   the same bytes as by web1.
5. **Rate limits.** The API's limit for requests without a key, counted on both servers: after
   its 30 requests a minute, split between them, both answer 429.
6. **Login locks.** Five wrong passwords, split between the servers, lock the person out of both.

The scratch organisation, its administrator and its story are made in a process of their own
with the servers' environment:

    python -m bench.servers prepare --work DIR
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import load
from bench.database import REPO, run
from bench.faults import Fault, FaultNotArranged, _query
from bench.proxy import CHOOSE, HOST, SERVED_BY, Site

IMPORT_ROWS = 45_000  # over imports.services.BACKGROUND_BYTES and views.BACKGROUND_ROWS
API_ANONYMOUS_LIMIT = 30  # settings.API_ANONYMOUS_RATE_LIMIT
LOCK_AFTER = 5  # settings.AXES_FAILURE_LIMIT
DATA_VERSION = re.compile(rb'data-version="(\d+)"')
IMAGE = re.compile(rb'src="(/o/[^"]+/berattelser/bilder/\d+/)"')


class Step:
    """Requests as one person, each to a chosen server, checking that it answered."""

    def __init__(self, port: int) -> None:
        self.user = load.User(HOST, port, load.insecure_context())

    def on(self, server: str) -> "Step":
        self.user.extra = {CHOOSE: server}
        self.server = server
        return self

    def send(
        self, method: str, path: str, body: bytes | str | None = None, **headers: str
    ) -> tuple[int, bytes, Any]:
        status, page = self.user.request(
            method, path, body=body.decode("latin-1") if isinstance(body, bytes) else body,
            headers=headers,
        )  # fmt: skip
        answered = self.user.headers.get(SERVED_BY) if self.user.headers else None
        if answered != self.server:
            raise FaultNotArranged(f"{method} {path} was answered by {answered}, not {self.server}")
        return status, page, self.user.headers

    def token(self, path: str) -> str:
        status, page, _ = self.send("GET", path)
        found = load.CSRF_INPUT.search(page)
        if status != 200 or found is None:
            raise FaultNotArranged(f"GET {path} answered {status} without a form")
        return found[1].decode()

    def post(self, path: str, form: dict[str, str], token_from: str) -> tuple[int, bytes, Any]:
        token = self.token(token_from)
        return self.send(
            "POST", path, urlencode({**form, "csrfmiddlewaretoken": token}),
            **{"Content-Type": "application/x-www-form-urlencoded",
               "Origin": self.user.origin, "Referer": self.user.origin + token_from},
        )  # fmt: skip

    def upload(
        self, path: str, form: dict[str, str], files: dict[str, tuple[str, str, bytes]]
    ) -> tuple[int, bytes, Any]:
        token = self.token(path)
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**form, "csrfmiddlewaretoken": token}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, kind, data) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.send(
            "POST", path, body,
            **{"Content-Type": f"multipart/form-data; boundary={boundary}",
               "Origin": self.user.origin, "Referer": self.user.origin + path},
        )  # fmt: skip


@contextmanager
def held(site: Site, name: str) -> Iterator[None]:
    """The worker of server `name` held still (SIGSTOP) until the block ends."""
    worker = site.workers[name]
    worker.send_signal(signal.SIGSTOP)
    try:
        yield
    finally:
        worker.send_signal(signal.SIGCONT)


def _wait(what: str, done: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise FaultNotArranged(f"no {what} within {seconds:g} s")
        time.sleep(0.1)


def prepare_site(env: dict[str, str]) -> dict[str, Any]:
    """The scratch organisation and what one_site needs of it, made in a process of its own
    (bench/loadtest.py runs it while the site starts)."""
    work = Path(env["MALBILD_DATA_DIR"]).parent
    out = run(
        [sys.executable, "-m", "bench.servers", "prepare", "--work", str(work)],
        env=env, cwd=REPO, stdout=subprocess.PIPE,
    )  # fmt: skip
    prepared: dict[str, Any] = json.loads(out.stdout)
    return prepared


def one_site(site: Site, env: dict[str, str], prepared: dict[str, Any], password: str) -> Fault:
    fault = Fault("two servers, one site")
    url = env["MALBILD_DATABASE_URL"]
    first, second = site.names
    try:
        person = Step(site.port)
        sessions(fault, person, prepared, first, second)
        version = dashboard_version(person.on(first), prepared["dashboard"])
        imports(fault, site, person, prepared, url, first, second)
        after = dashboard_version(person.on(first), prepared["dashboard"])
        fault.note(f"{first}'s cached dashboard: data version {version} before the import on "
                   f"{second}, {after} after it")  # fmt: skip
        if after <= version:
            fault.fail(f"{first} still shows data version {after} after the import")
        pictures(fault, person, prepared, first, second)
        rate_limits(fault, site, prepared, first, second)
        login_locks(fault, site, prepared, password, first, second)
    except (FaultNotArranged, load.LoadError) as e:
        fault.fail(str(e))
    return fault


def sessions(fault: Fault, person: Step, prepared: dict[str, Any], first: str, second: str) -> None:
    person.on(first).user.log_in(prepared["email"], prepared["password"])
    status, _, _ = person.on(second).send("GET", prepared["dashboard"])
    fault.note(f"logged in on {first}: the dashboard on {second} answers {status}")
    if status != 200:
        fault.fail(f"the session made on {first} is not known on {second}")


def dashboard_version(person: Step, path: str) -> int:
    """The data version of the dashboard's content, asked for twice (so it is cached)."""
    for _ in range(2):
        status, page, _ = person.send("GET", path)
    found = DATA_VERSION.search(page)
    if status != 200 or found is None:
        raise FaultNotArranged(f"GET {path} answered {status} without a data version")
    return int(found[1])


def _task_workers(url: str, run_id: int) -> dict[str, list[str]]:
    (rows,) = _query(
        url,
        "SELECT coalesce(json_object_agg(task_path, worker_ids), '{}') FROM "
        "django_tasks_database_dbtaskresult WHERE args_kwargs::text LIKE %s",
        f"%, {run_id}]%",
    )
    return dict(rows)


def imports(
    fault: Fault, site: Site, person: Step, prepared: dict[str, Any], url: str, first: str,
    second: str,
) -> None:  # fmt: skip
    data = Path(prepared["csv"]).read_bytes()
    with held(site, first):
        status, _, headers = person.on(first).upload(
            prepared["upload"], {}, {"file": ("matvarden.csv", "text/csv", data)}
        )
        location = headers.get("Location", "") if status == 302 else ""
        found = re.search(r"/korningar/(\d+)/", location)
        if found is None:
            raise FaultNotArranged(f"the upload to {first} answered {status} {location}")
        run_id = int(found[1])
        state = lambda: _query(url, "SELECT state FROM imports_importrun WHERE id = %s", run_id)[0]  # noqa: E731
        _wait("check of the uploaded file", lambda: state() not in ("uploaded", "checking"))
    fault.note(f"{len(data):,} bytes uploaded to {first} (its worker held): the file is {state()}")
    if state() != "checked":
        fault.fail(f"the file uploaded to {first} was not checked: {state()}")
        return
    with held(site, second):
        commit = location.rstrip("/") + "/importera/"
        status, _, _ = person.on(second).post(commit, {}, location)
        _wait("the import", lambda: state() not in ("checked", "importing"))
    (stored,) = _query(
        url, "SELECT count(*) FROM indicators_measurement WHERE organisation_id = %s",
        prepared["organisation"],
    )  # fmt: skip
    workers = _task_workers(url, run_id)
    fault.note(
        f"imported from {second} (its worker held): the run is {state()}, {stored:,} values "
        f"stored; the tasks ran on {json.dumps(workers, sort_keys=True)}"
    )
    check = next((w for path, w in workers.items() if path.endswith("check_file")), None)
    done = next((w for path, w in workers.items() if path.endswith("import_file")), None)
    if state() != "done" or stored != prepared["rows"]:
        fault.fail(f"the import did not store every value: {state()}, {stored}")
    if check != [second] or done != [first]:
        fault.fail(f"expected the check on {second}'s worker and the import on {first}'s")


def pictures(fault: Fault, person: Step, prepared: dict[str, Any], first: str, second: str) -> None:
    picture = Path(prepared["picture"]).read_bytes()
    status, _, _ = person.on(first).upload(
        prepared["image_add"],
        {"alt_text": "Elever som bygger en robot", "consent_by": ""},
        {"image": ("robot.png", "image/png", picture)},
    )
    if status != 302:
        raise FaultNotArranged(f"adding the picture on {first} answered {status}")
    _, page, _ = person.on(second).send("GET", prepared["story"])
    found = IMAGE.search(page)
    if found is None:
        raise FaultNotArranged(f"the story on {second} shows no picture")
    path = found[1].decode()
    status, served, headers = person.on(second).send("GET", path)
    _, again, _ = person.on(first).send("GET", path)
    fault.note(
        f"a picture of {len(picture):,} bytes added on {first}: {second} serves it ({status}, "
        f"{headers.get('Content-Type')}, {len(served):,} bytes), the same bytes as {first}"
    )
    if status != 200 or not served or served != again:
        fault.fail(f"{second} did not serve the picture added on {first}")


def rate_limits(
    fault: Fault, site: Site, prepared: dict[str, Any], first: str, second: str
) -> None:
    # The limit counts in windows of a minute (lib/ratelimit.py): every request must fall in one.
    # Start early in a minute; should a busy machine stretch the requests into the next minute,
    # that window has counted some of them, so wait for a fresh one and begin again there.
    steps = [Step(site.port).on(name) for name in (first, second)]
    path = prepared["api"]
    _wait("the start of a minute", lambda: time.time() % 60 < 45, 20)
    for attempt in (1, 2, 3):
        window = minute()
        statuses = [steps[n % 2].send("GET", path)[0] for n in range(API_ANONYMOUS_LIMIT)]
        refused = {step.server: step.send("GET", path)[0] for step in steps}
        if minute() == window:
            break
        fault.note(f"the API requests took past the end of the minute (try {attempt}): again")
        ended = minute()
        _wait("a fresh minute", lambda: minute() > ended, 70)  # noqa: B023  (waited for here)
    else:
        raise FaultNotArranged("the API requests never fitted in one minute")
    fault.note(
        f"{API_ANONYMOUS_LIMIT} API requests without a key, by turns on {first} and {second}: "
        f"{sorted(set(statuses))}; then {refused}"
    )
    if 429 in statuses or set(refused.values()) != {429}:
        fault.fail("the API's limit was not counted across the servers")


def minute() -> int:
    """The rate limit's window of a minute now (lib/ratelimit.py: `int(time // 60)`)."""
    return int(time.time() // 60)


def login_locks(
    fault: Fault, site: Site, prepared: dict[str, Any], password: str, first: str, second: str
) -> None:
    email = prepared["locked_email"]
    for n in range(LOCK_AFTER):
        step = Step(site.port).on((first, second)[n % 2])
        token = step.token(load.LOGIN_PATH)
        step.send(
            "POST", load.LOGIN_PATH,
            urlencode({"username": email, "password": "fel-lösenord",
                       "csrfmiddlewaretoken": token}),
            **{"Content-Type": "application/x-www-form-urlencoded",
               "Origin": step.user.origin, "Referer": step.user.origin + load.LOGIN_PATH},
        )  # fmt: skip
    locked = []
    for name in (first, second):
        step = Step(site.port).on(name)
        try:
            step.user.log_in(email, prepared["password"])
        except load.LoadError:
            locked.append(name)
    fault.note(
        f"{LOCK_AFTER} wrong passwords by turns on {first} and {second}: the right one is then "
        f"refused on {', '.join(locked) or 'neither'}"
    )
    if locked != [first, second]:
        fault.fail("the login lock did not hold on both servers")


def prepare(work: Path) -> dict[str, Any]:
    """A scratch organisation with an administrator, a locked-out-to-be person, a file of
    IMPORT_ROWS values for it, a draft story and a picture (Django side)."""
    import io

    from django.urls import reverse
    from PIL import Image

    from bench.imports import _prepare
    from malbild.accounts.models import User
    from malbild.stories import services as stories
    from malbild.tenants.models import Membership, OrgUnit
    from malbild.tenants.scope import scope

    password = "bench-password"  # noqa: S105  (a throwaway database)
    organisation, data, _raw = _prepare(IMPORT_ROWS)
    slug = organisation.slug
    admin = User.objects.create_user(email=f"admin@{slug}.example", password=password, name="A")
    locked = User.objects.create_user(email=f"las@{slug}.example", password=password, name="L")
    with scope(organisation):
        for person in (admin, locked):
            Membership.objects.create(
                organisation=organisation, user=person, role=Membership.Role.ADMIN
            )
        root = OrgUnit.objects.get(parent__isnull=True)
        story = stories.create_story(
            organisation, None, title="Robotveckan", summary="Eleverna byggde robotar.",
            body="Hela veckan.", unit=root,
        )  # fmt: skip
    csv = work / "servers.csv"
    csv.write_bytes(data)
    picture = work / "servers.png"
    image = Image.effect_noise((400, 300), 60).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    picture.write_bytes(buffer.getvalue())
    return {
        "organisation": organisation.pk,
        "rows": IMPORT_ROWS,
        "email": admin.email,
        "locked_email": locked.email,
        "password": password,
        "csv": str(csv),
        "picture": str(picture),
        "dashboard": reverse("dashboards:organisation", args=[slug]),
        "upload": reverse("imports:upload", args=[slug]),
        "story": reverse("stories:story_detail", args=[slug, story.pk]),
        "image_add": reverse("stories:image_add", args=[slug, story.pk]),
        "api": f"/api/v1/o/{slug}/units",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare").add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
    import django

    django.setup()
    print(json.dumps(prepare(args.work)))


if __name__ == "__main__":
    main()
