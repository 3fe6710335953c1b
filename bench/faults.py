"""The fault tests of the load test (bench/loadtest.py), on the same throwaway PostgreSQL cluster
and production-mode server:

1. **The worker killed in the middle of an import.** A file of N measurements is checked, then
   imported by `malbild worker`, which the test holds still at the fault point `imports.written`
   (malbild/lib/faultpoints.py: every row written, the transaction open) and SIGKILLs there. The
   run must still say "being imported" with none of its values in the database; a worker
   started again must mark it failed (malbild/imports/interrupted.py), still with none.
2. **PostgreSQL restarted under load.** Eight users walk their journeys while `pg_ctl restart`
   ends every session (once each user has had three good answers; the load goes on until each
   has had three more to requests sent after the ten seconds below).
   Requests must have been under way during the restart; every error must be a 503 (the "back
   shortly" page, malbild/views.py) and fall between the restart's start and ten seconds after
   the server accepts connections again; and the site must answer again by then without anyone
   acting.
3. **Kolada unreachable.** The server started with MALBILD_KOLADA_URL at a closed port, then at
   a server that accepts connections and never answers: every key page and every Kolada page,
   searches included, answers 200.

The parts that need Django run in their own process with the server's environment:

    python -m bench.faults prepare-import --rows 100000
    python -m bench.faults pages --indicator NAT-BEH9 [--organisation SLUG]
"""

import argparse
import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from malbild.lib import faultpoints

if TYPE_CHECKING:
    from bench.load import User

REPO = Path(__file__).resolve().parent.parent
RECOVERY_SECONDS = 10.0  # DESIGN: the app serves again within 10 s of PostgreSQL's restart
AFTER_ANSWERS = 3  # good answers a user before PostgreSQL's restart, and after its window
GRACE_SECONDS = 11.0  # interrupted.GRACE, and a second


@dataclass
class Fault:
    """One fault test's verdict and what it saw, line by line."""

    name: str
    passed: bool = True
    seen: list[str] = field(default_factory=list)

    def note(self, line: str) -> None:
        from bench.database import say

        self.seen.append(line)
        say(f"{self.name}: {line}")

    def fail(self, line: str) -> None:
        self.passed = False
        self.note("FAILED: " + line)


# 1. The worker killed in the middle of an import ------------------------------------------------


def _query(url: str, sql: str, *params: Any) -> tuple[Any, ...]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute(sql, params).fetchone()
    return tuple(row or ())


def _run_state(url: str, run_id: int, organisation_id: int) -> tuple[str, int, str]:
    """The run's state, how many measurements its organisation has, and the run's message."""
    state, message = _query(
        url, "SELECT state, message FROM imports_importrun WHERE id = %s", run_id
    )
    (count,) = _query(
        url, "SELECT count(*) FROM indicators_measurement WHERE organisation_id = %s",
        organisation_id,
    )  # fmt: skip
    return state, int(count), message


def _writing_transactions(url: str) -> int:
    """How many other sessions hold a transaction that has written something and not ended."""
    (count,) = _query(
        url,
        "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL "
        "AND state = 'idle in transaction' AND pid <> pg_backend_pid()",
    )
    return int(count)


def _worker(env: dict[str, str], log: Path, pause_at: str = "") -> "subprocess.Popen[bytes]":
    if pause_at:
        env = env | {faultpoints.ENVIRONMENT: pause_at}
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "malbild.cli", "worker", "--no-scheduler", "--interval", "0.2"],
            env=env, cwd=REPO, stdout=out, stderr=out,
        )  # fmt: skip


def _stop(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(what: str, done: Callable[[], bool], worker: "subprocess.Popen[bytes]",
              seconds: float) -> None:  # fmt: skip
    """Wait until `done()`, for at most `seconds`; fail loudly if the worker exits first."""
    deadline = time.monotonic() + seconds
    while not done():
        if worker.poll() is not None:
            raise FaultNotArranged(f"the worker exited ({worker.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise FaultNotArranged(f"no {what} within {seconds:g} s")
        time.sleep(0.05)


class FaultNotArranged(RuntimeError):
    """The test could not bring the program to the point where the fault was to strike."""


def _wait_event(what: str, done: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise FaultNotArranged(f"no {what} within {seconds:g} s")
        time.sleep(0.05)


def kill_worker_mid_import(
    env: dict[str, str],
    url: str,
    rows: int,
    work: Path,
    meanwhile: Callable[[], None] = lambda: None,
) -> Fault:
    """The worker stops at the fault point `imports.written` (every row written, the
    transaction open) and is SIGKILLed there: no clock decides whether the kill came in time.
    `meanwhile` runs while the sweep's grace passes (the load test runs another fault test)."""
    from bench.database import run

    fault = Fault("worker killed mid-import")
    out = run(
        [sys.executable, "-m", "bench.faults", "prepare-import", "--rows", str(rows)],
        env=env, cwd=REPO, stdout=subprocess.PIPE,
    )  # fmt: skip
    prepared = json.loads(out.stdout)
    run_id, organisation_id = prepared["run"], prepared["organisation"]
    fault.note(f"import run {run_id}: {rows:,} measurements checked, waiting for the worker")
    log = work / "worker.log"
    hold = work / "imports.written.lock"
    hold.touch()
    reached = Path(f"{hold}.reached")
    reached.unlink(missing_ok=True)
    with hold.open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the worker waits at the point until this goes
        worker = _worker(env, log, pause_at=f"imports.written:{hold}")
        try:
            _wait_for("the fault point imports.written", reached.exists, worker, 180)
            # The worker's session is idle inside the transaction that wrote the rows.
            _wait_for(
                "an open write transaction",
                lambda: _writing_transactions(url) >= 1,
                worker,
                10,
            )
            worker.kill()  # SIGKILL: no clean-up of any kind
            worker.wait()
        except FaultNotArranged as e:
            fault.fail(f"could not arrange the fault: {e}; see {log}")
            meanwhile()
            return fault
        finally:
            _stop(worker)
    fault.note(
        "SIGKILL at the fault point imports.written: every row written, the write transaction open"
    )
    state, count, _ = _run_state(url, run_id, organisation_id)
    fault.note(f"afterwards the run is {state!r} and {count} of its {rows:,} values are stored")
    if state != "importing" or count != 0:
        fault.fail(f"expected the run still 'importing' with nothing stored: {state}, {count}")
        meanwhile()
        return fault
    meanwhile()
    # The sweep leaves alone a run whose task was taken less than interrupted.GRACE ago (by
    # the database's clock, with a second to spare): wait until the task is older.
    try:
        _wait_event(
            f"the import's task taken more than {GRACE_SECONDS:g} s ago",
            lambda: _taken_seconds_ago(url, run_id) > GRACE_SECONDS,
            60,
        )
    except FaultNotArranged as e:
        fault.fail(f"could not arrange the fault: {e}")
        return fault
    restarted = time.monotonic()
    worker = _worker(env, log)
    try:
        _wait_for(
            "sweep of the interrupted run",
            lambda: _run_state(url, run_id, organisation_id)[0] != "importing",
            worker,
            120,  # the worker's start takes 1-3 s; room for a busy machine
        )
    except FaultNotArranged as e:
        fault.fail(str(e))
    finally:
        _stop(worker)
    state, count, message = _run_state(url, run_id, organisation_id)
    fault.note(
        f"worker started again: after {time.monotonic() - restarted:.1f} s the run is {state!r} "
        f"({message!r}) and {count} values are stored"
    )
    if state != "failed" or count != 0:
        fault.fail("expected the run failed with none of its values stored")
    return fault


def _taken_seconds_ago(url: str, run_id: int) -> float:
    """Seconds since a worker last took a task of the import run (by the database's clock);
    0 while a task of it waits in the queue."""
    (seconds,) = _query(
        url,
        "SELECT CASE WHEN bool_or(status = 'READY') THEN 0 ELSE "
        "extract(epoch FROM now() - max(started_at)) END "
        "FROM django_tasks_database_dbtaskresult WHERE args_kwargs::text LIKE %s",
        f"%, {run_id}]%",
    )
    return float(seconds or 0)


def prepare_import(rows: int) -> dict[str, Any]:
    """A scratch organisation, a file of `rows` measurements for it, checked, and its import
    enqueued as the page's import button enqueues it (Django side)."""
    from django.db import transaction

    from bench.imports import _prepare
    from malbild.imports import services, tasks
    from malbild.imports.models import ImportRun
    from malbild.tenants.scope import scope

    organisation, data, _raw = _prepare(rows)
    with scope(organisation):
        run = services.create_file_run(organisation, name="stor.csv", data=data)
        services.check_run(run)
        run.refresh_from_db()
        if run.state != ImportRun.State.CHECKED:
            sys.exit(f"bench: the file did not pass its check: {run.message or run.errors[:3]}")
        with transaction.atomic():
            ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.IMPORTING)
            tasks.import_file.enqueue(organisation.pk, run.pk)
    return {"run": run.pk, "organisation": organisation.pk}


# 2. PostgreSQL restarted under load -------------------------------------------------------------


def restart_postgres_under_load(
    cluster: Any, users: list["User"], plans: list[dict[str, Any]]
) -> Fault:
    """The journeys until every user has had AFTER_ANSWERS good answers, then the restart, then
    until AFTER_ANSWERS good answers a user have come to requests sent more than
    RECOVERY_SECONDS after PostgreSQL accepts connections again, however long the restart took
    (on a busy machine it can take several seconds): there is always load to answer after the
    window, and no clock but the window decides anything."""
    from bench import load

    fault = Fault("PostgreSQL restarted under load")
    window: dict[str, float] = {}
    result: list[load.Journeys] = []
    stop = threading.Event()
    watch = load.Watch()
    runner = threading.Thread(
        target=lambda: result.append(
            load.journeys(users, plans, 600, seed=7, watch=watch, stop=stop)
        ),
        daemon=True,
    )
    started = time.perf_counter()
    runner.start()
    try:
        _wait_event(
            f"{AFTER_ANSWERS} good answers a user before the restart",
            lambda: watch.count() >= AFTER_ANSWERS * len(users),
            90,
        )
        window["from"] = time.perf_counter()
        cluster.restart()
        window["to"] = time.perf_counter()
        _wait_event(
            f"{AFTER_ANSWERS} good answers a user to requests sent more than "
            f"{RECOVERY_SECONDS:g} s after the restart",
            lambda: (
                watch.count(after=window["to"] + RECOVERY_SECONDS) >= AFTER_ANSWERS * len(users)
            ),
            RECOVERY_SECONDS + 90,
        )
    except FaultNotArranged as e:
        fault.fail(f"could not arrange the fault: {e}")  # the checks below say more
    finally:
        stop.set()
        runner.join()
        for user in users:
            user.close()
    if not result or "to" not in window:
        fault.fail("the journeys did not finish, or PostgreSQL was not restarted")
        return fault
    journeys = result[0]
    offset = journeys.started - started  # the journeys' clock against ours
    begin = window["from"] - started - offset
    end = window["to"] - started - offset
    errors = journeys.errors
    fault.note(
        f"{len(users)} users for {journeys.seconds:.0f} s, {journeys.requests} requests; "
        f"pg_ctl restart from {begin:.1f} s to {end:.1f} s ({end - begin:.1f} s)"
    )
    outside = [o for o in errors if o.at + o.ms / 1000 < begin or o.at > end + RECOVERY_SECONDS]
    after = [o for o in journeys.outcomes if o.at > end + RECOVERY_SECONDS and not o.failed]
    last = max((o.at + o.ms / 1000 for o in errors), default=end)
    fault.note(
        f"{len(errors)} errors, sent from {min((o.at for o in errors), default=0):.1f} s "
        f"(in flight when the restart began) and answered by {last:.1f} s; the site answered "
        f"again {max(0.0, last - end):.1f} s after PostgreSQL did, {len(after)} good answers "
        f"more than {RECOVERY_SECONDS:g} s after it"
    )
    kinds = sorted({f"{o.status or 'no answer'}" for o in errors})
    if kinds:
        fault.note(f"the errors' statuses: {', '.join(kinds)}")
    during = [o for o in journeys.outcomes if o.at <= end and o.at + o.ms / 1000 >= begin]
    fault.note(f"{len(during)} requests under way while PostgreSQL restarted")
    if not during:
        fault.fail("could not arrange the fault: no request was under way during the restart")
    if kinds and kinds != ["503"]:
        fault.fail(f"while the database was down, pages must answer 503 only, not {kinds}")
    if outside:
        fault.fail(f"{len(outside)} errors outside the restart window, first {outside[0]}")
    if last - end > RECOVERY_SECONDS or not after:
        fault.fail(f"not serving again within {RECOVERY_SECONDS:g} s of the restart")
    return fault


# 3. Kolada unreachable ---------------------------------------------------------------------------


@contextmanager
def hanging_server() -> Iterator[str]:
    """A server that accepts connections (the kernel completes them: the socket listens) and
    never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def closed_port() -> str:
    from bench.database import free_port

    return f"http://127.0.0.1:{free_port()}"  # free: nobody listens there


def crawl(port: int, email: str, password: str, urls: list[str]) -> list[tuple[str, int, float]]:
    """Every URL once, four at a time, each by the same logged-in person on a connection of
    its own: (url, status, seconds)."""
    from bench import load
    from bench.run import HOST

    found: list[tuple[str, int, float]] = []
    queue = list(urls)
    lock = threading.Lock()
    person = load.User(HOST, port, load.insecure_context())
    person.log_in(email, password)  # once: the password's hash is slow on purpose
    person.close()

    def work() -> None:
        user = load.User(HOST, port, load.insecure_context(), cookies=dict(person.cookies))
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    url = queue.pop(0)
                sent = time.perf_counter()
                try:
                    status, _ = user.request("GET", url)
                except Exception:
                    user.close()
                    status = 0
                with lock:
                    found.append((url, status, time.perf_counter() - sent))
        finally:
            user.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(found)


def kolada_unreachable(
    env: dict[str, str], cert: Path, key: Path, work: Path, password: str, organisation: str
) -> Fault:
    """The two servers (Kolada at a closed port, and at a server that never answers) start and
    are crawled side by side, the pages of `organisation` (the largest of the dataset) found
    meanwhile."""
    from bench.database import run
    from bench.run import serving

    fault = Fault("Kolada unreachable")
    pages: dict[str, Any] = {}
    known = threading.Event()

    def crawled(kolada: str, log: Path) -> list[tuple[str, int, float]]:
        with serving(env | {"MALBILD_KOLADA_URL": kolada}, cert, key, log) as port:
            known.wait()
            if not pages:
                return []  # finding the pages failed, and says so
            return crawl(port, pages["email"], password, pages["urls"])

    with hanging_server() as hanging, ThreadPoolExecutor(max_workers=2) as servers:
        kolada = {"a closed port": closed_port(), "a server that never answers": hanging}
        crawls = {
            name: servers.submit(crawled, url, work / f"kolada-server-{n}.log")
            for n, (name, url) in enumerate(kolada.items())
        }
        try:
            out = run(
                [sys.executable, "-m", "bench.faults", "pages", "--indicator", "NAT-BEH9",
                 "--organisation", organisation],
                env=env, cwd=REPO, stdout=subprocess.PIPE,
            )  # fmt: skip
            pages.update(json.loads(out.stdout))
        finally:
            known.set()
        for name, crawling in crawls.items():
            found = crawling.result()
            bad = [(url, status) for url, status, _ in found if status != 200]
            slowest = max(found, key=lambda f: f[2])
            fault.note(
                f"Kolada at {name}: {len(found) - len(bad)} of {len(found)} pages answered 200; "
                f"the slowest {slowest[0]} in {slowest[2]:.1f} s"
            )
            for url, status in bad:
                fault.fail(f"{url} answered {status or 'nothing'}")
    return fault


def pages(indicator_code: str, slug: str | None) -> dict[str, Any]:
    """The key pages of the organisation `slug` (by default the largest) and every Kolada page,
    searches included (Django side)."""
    from django.urls import reverse

    from bench.probe import administrator, key_pages, largest_organisation
    from malbild.indicators.models import Indicator
    from malbild.tenants.models import Organisation, OrgUnit
    from malbild.tenants.scope import scope

    organisation = Organisation.objects.get(slug=slug) if slug else largest_organisation()
    slug = organisation.slug
    with scope(organisation):
        indicator = Indicator.objects.get(code=indicator_code)
        school = OrgUnit.objects.filter(children__isnull=True).order_by("pk").first()
    if school is None:
        sys.exit(f"bench: {slug} has no school")
    kolada = reverse("imports:kolada", args=[slug])
    urls = [page.url for page in key_pages(organisation, indicator_code)] + [
        reverse("imports:overview", args=[slug]),
        kolada,
        kolada + "?kommun=Stockholm",
        kolada + "?grupp=Liknande",
        reverse("imports:kolada_units", args=[slug]),
        reverse("imports:kolada_units", args=[slug]) + f"?enhet={school.pk}",
        reverse("imports:kolada_link", args=[slug, indicator.pk]),
        reverse("imports:kolada_link", args=[slug, indicator.pk]) + "?q=beh%C3%B6riga",
        reverse("imports:compare", args=[slug, indicator.pk]),
    ]
    return {"email": administrator(organisation, "admin@{slug}.example").email, "urls": urls}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("prepare-import").add_argument("--rows", type=int, required=True)
    found = commands.add_parser("pages")
    found.add_argument("--indicator", required=True)
    found.add_argument("--organisation", help="a slug; default: the one with the most units")
    commands.add_parser("written").add_argument("keys")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
    import django

    django.setup()
    if args.command == "prepare-import":
        print(json.dumps(prepare_import(args.rows)))
    elif args.command == "written":
        print(json.dumps(written(json.loads(args.keys))))
    else:
        print(json.dumps(pages(args.indicator, args.organisation)))


# 4. A server killed under load (two servers behind HAProxy) -------------------------------------

FAILOVER_SECONDS = 5.0  # HAProxy checks every 0.5 s and takes a server out after two failures
AFTER_KILL = 60  # good answers from the other server after the kill, before the test stops


def kill_server_under_load(
    site: Any, env: dict[str, str], users: list["User"], plans: list[dict[str, Any]]
) -> Fault:
    """Users walk their journeys through the proxy; once both servers have answered them, one
    server (its gunicorn and its worker) is SIGKILLed. The proxy must move every user to the
    other server: nothing answered by the dead one afterwards, errors only for requests in
    flight at the kill or sent before the proxy noticed, good answers after; and every write
    that was answered as done must be in the database."""
    from bench import load

    fault = Fault("a server killed under load")
    victim, survivor = site.names
    watch = load.Watch()
    stop = threading.Event()
    result: list[load.Journeys] = []
    runner = threading.Thread(
        target=lambda: result.append(
            load.journeys(users, plans, 180, seed=11, watch=watch, stop=stop)
        ),
        daemon=True,
    )
    runner.start()
    killed_at = 0.0
    try:
        _wait_event(
            f"answers from both {victim} and {survivor}",
            lambda: watch.count(victim) >= 20 and watch.count(survivor) >= 20,
            90,
        )
        killed_at = time.perf_counter()
        site.kill(victim)
        # The users go on until the other server has answered enough requests sent after the
        # proxy must have noticed.
        _wait_event(
            f"{AFTER_KILL} good answers from {survivor} to requests sent more than "
            f"{FAILOVER_SECONDS:g} s after the kill",
            lambda: watch.count(survivor, after=killed_at + FAILOVER_SECONDS) >= AFTER_KILL,
            90,
        )
    except FaultNotArranged as e:
        fault.fail(f"could not arrange the fault: {e}")
    finally:
        stop.set()
        runner.join()
        for user in users:
            user.close()
    if not result or not killed_at:
        fault.fail("the journeys did not finish")
        return fault
    journeys = result[0]
    kill = killed_at - journeys.started
    outcomes = journeys.outcomes
    served_before = sum(1 for o in outcomes if o.server == victim and o.at < kill)
    late = [o for o in outcomes if o.server == victim and o.at > kill]
    errors = journeys.errors
    outside = [o for o in errors if o.at + o.ms / 1000 < kill or o.at > kill + FAILOVER_SECONDS]
    after = [o for o in outcomes if o.at > kill + FAILOVER_SECONDS and not o.failed]
    fault.note(
        f"{len(users)} users, {journeys.requests} requests in {journeys.seconds:.1f} s; "
        f"{victim} (gunicorn and its worker) SIGKILLed at {kill:.1f} s, after answering "
        f"{served_before} requests"
    )
    kinds = sorted({str(o.status or "no answer") for o in errors})
    fault.note(
        f"{len(errors)} errors ({', '.join(kinds) or 'none'}), all sent by "
        f"{max((o.at for o in errors), default=kill) - kill:+.1f} s from the kill; "
        f"{len(after)} good answers from {survivor} more than {FAILOVER_SECONDS:g} s after it"
    )
    if served_before == 0:
        fault.fail(f"could not arrange the fault: {victim} answered nobody before the kill")
    if late:
        fault.fail(f"{len(late)} answers from {victim} after it was killed")
    if outside:
        fault.fail(f"{len(outside)} errors outside the failover window, first {outside[0]}")
    if not after:
        fault.fail(f"no good answers from {survivor} after the failover")
    _check_written(fault, env, journeys, plans)
    return fault


def _check_written(
    fault: Fault, env: dict[str, str], journeys: Any, plans: list[dict[str, Any]]
) -> None:
    """Every write answered as done is in the database. Writes to one value may overlap (two
    users, or a request the dead server committed before dying), so their order is known only
    where one was answered before the other was sent: the database must hold a write that no
    write answered as done was sent after, and one answered as done must exist."""
    from decimal import Decimal

    from bench.database import run

    targets: dict[str, list[tuple[float, float, str, bool]]] = {}
    by_path = {plan["measurement"]["path"]: plan for plan in plans}
    answers = {a["path"]: a for plan in plans for a in plan["round"]["answers"]}
    for outcome in journeys.outcomes:
        if outcome.form is None:
            continue
        path = outcome.what.split(" ", 1)[1]
        if path in by_path:
            form = outcome.form
            write = by_path[path]["measurement"]
            key = f"value {write['indicator']} {form['unit']} {form['period']} {form['gender']}"
            value = str(Decimal(form["value"].replace(",", ".")).normalize())
        else:
            answer = answers[path]
            key = f"answer {answer['round']} {answer['statement']}"
            value = outcome.form[answer["field"]]
        sent, answered = outcome.at, outcome.at + outcome.ms / 1000
        targets.setdefault(key, []).append((sent, answered, value, not outcome.failed))
    checked = {
        key: {
            value
            for _, answered, value, _ in writes
            if not any(done and sent > answered for sent, _, _, done in writes)
        }
        for key, writes in targets.items()
        if any(done for *_, done in writes)
    }
    out = run(
        [sys.executable, "-m", "bench.faults", "written", json.dumps(sorted(checked))],
        env=env, cwd=REPO, stdout=subprocess.PIPE,
    )  # fmt: skip
    stored: dict[str, str | None] = json.loads(out.stdout)
    lost = [
        f"{key}: {stored[key]} stored, one of {sorted(last)} answered last"
        for key, last in checked.items()
        if stored[key] not in last
    ]
    writes = sum(1 for o in journeys.outcomes if o.form is not None and not o.failed)
    fault.note(
        f"{writes} writes answered as done, to {len(checked)} values and answers: "
        f"{len(checked) - len(lost)} hold a last one, {len(lost)} lost"
    )
    for line in lost[:5]:
        fault.fail(f"a write answered as done is lost: {line}")


def written(keys: list[str]) -> dict[str, str | None]:
    """The stored value of each key of _check_written (Django side)."""
    from decimal import Decimal

    from malbild.assessments.models import Answer
    from malbild.indicators.models import Measurement
    from malbild.tenants.scope import unscoped

    found: dict[str, str | None] = {}
    with unscoped():
        for key in keys:
            kind, *parts = key.split(" ")
            if kind == "value":
                indicator, unit, period, gender = parts
                value = (
                    Measurement.objects.filter(
                        indicator_id=int(indicator),
                        org_unit_id=int(unit),
                        period=period,
                        gender=gender,
                    )
                    .values_list("value", flat=True)
                    .first()
                )
                found[key] = None if value is None else str(Decimal(value).normalize())
            else:
                round_id, statement = parts
                level = (
                    Answer.objects.filter(round_id=int(round_id), statement_id=int(statement))
                    .values_list("level", flat=True)
                    .first()
                )
                found[key] = None if level is None else str(level)
    return found


if __name__ == "__main__":
    main()
