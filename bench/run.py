"""`make bench`: the figures of DESIGN.md §6, measured on a production-mode Målbild.

For each database (PostgreSQL with the national dataset, SQLite with one municipality):

1. the dataset from `malbild seed_national`, cached in bench/.cache/ between runs;
2. key pages and the national roll-up measured inside Django (bench/probe.py);
3. `malbild serve` (gunicorn, production mode) behind a self-signed TLS certificate, and 8
   logged-in users asking for the municipality dashboard, then the baseline page, as fast as
   it answers (bench/load.py);
4. 200 pupils answering a survey at the same moment, on a server of its own (bench/surveys.py);
5. with the servers stopped, the import of 200,000 measurements from CSV against the raw insert
   of the same rows (bench/imports.py).

Then, once, drawing charts with nothing cached, in a process of its own (bench/charts.py).

The figures go to stdout, one `name: value` line each, then the check against the budget;
everything else goes to stderr. Exits non-zero when a figure is outside its budget only with
BENCH_STRICT=1; with --ci (the reduced run in `make test`) when a figure is missing or a key
page runs more than figures.QUERY_LIMIT queries.

    python -m bench.run [--scale 1] [--seconds 20] [--only pages|imports|surveys|charts]
"""

import argparse
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from bench import figures, load
from bench.database import (
    REPO,
    Dataset,
    clean_environment,
    free_port,
    malbild,
    postgres_cluster,
    postgres_database,
    prepare_sqlite,
    run,
    say,
)
from bench.imports import ROWS as IMPORT_ROWS
from bench.imports import measure_imports
from bench.surveys import PUPILS, measure_surveys

USERS = 8
ROUNDS = 2  # turns of dashboard, then baseline
HOST = "127.0.0.1"
# The dataset's conventions (malbild/demo/national.py), and the demo's while developing.
LOGIN = {
    "national": ("admin@{slug}.example", "bench-password", "NAT-BEH9"),
    "demo": ("forvaltning@mittkoping.example", "mittkoping-demo", "ELEVDATOR"),
}
# `seed_national` makes about 290 organisations at scale 1, and never fewer than two: this scale
# makes two of average size, and the pages are measured on the larger.
ONE_MUNICIPALITY = 2 / 290
CI_IMPORT_ROWS = 2000  # the reduced run checks that the import figures come out, not their size
CI_PUPILS = 50  # likewise for the survey figures
WARM_UP_SECONDS = 2.0  # of each page before it is measured
CI_WARM_UP_SECONDS = 1.0  # in the reduced run, which checks that the figures come out
LINE = re.compile(r"[a-z0-9_]+: -?[0-9]+\.[0-9]+")  # a plain number with a decimal point


def production_environment(work: Path, database_url: str) -> dict[str, str]:
    """Production mode, as an operator would set it; only the address and secrets are the
    bench's own."""
    return clean_environment(
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        DATA_DIR=str(work / "data"),
        STATIC_ROOT=os.environ.get("BENCH_STATIC_ROOT") or str(work / "static"),
    )


def collect_static(work: Path) -> None:
    """`collectstatic` into the servers' STATIC_ROOT: in `work`, or once for several runs in
    BENCH_STATIC_ROOT (`make test` gives its three reduced runs one for the run), which the first
    run fills and the others find complete (WhiteNoise's manifest is written last)."""
    env = production_environment(work, "sqlite:////nonexistent.sqlite3")
    root = Path(env["MALBILD_STATIC_ROOT"])
    if (root / "staticfiles.json").exists():
        say(f"the static files are collected already, in {root}")
        return
    say("collecting the static files")
    malbild(env, "collectstatic", "--no-input", "--verbosity", "0")


def certificate(work: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI."""
    cert, key = work / "cert.pem", work / "key.pem"
    openssl = shutil.which("openssl")
    if openssl is None:
        sys.exit("bench: the openssl command is missing: install Debian's package openssl.")
    run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        capture_output=True,
    )  # fmt: skip
    return cert, key


def probe(env: dict[str, str], dataset: Dataset) -> dict[str, Any]:
    email, _, indicator = LOGIN[dataset.kind]
    args = [sys.executable, "-m", "bench.probe", "--indicator", indicator, "--email", email]
    if dataset.kind == "demo":
        args += ["--organisation", "mittkoping"]
    out = run(args, env=env, cwd=REPO, stdout=subprocess.PIPE)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@contextmanager
def serving(env: dict[str, str], cert: Path, key: Path, log: Path) -> Iterator[int]:
    """`malbild serve` over HTTPS on a free port, with its default workers and threads."""
    port = free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(  # noqa: S603  (the bench's own command line)
            [sys.executable, "-m", "malbild.cli", "serve", "--bind", f"{HOST}:{port}",
             "--certfile", str(cert), "--keyfile", str(key)],
            env=env, cwd=REPO, stdout=out, stderr=out,
        )  # fmt: skip
    try:
        wait_until_healthy(port, server, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_healthy(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    context = load.insecure_context()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"bench: malbild serve exited:\n{log.read_text()[-3000:]}")
        try:
            url = f"https://{HOST}:{port}/healthz"
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    sys.exit("bench: malbild serve did not answer /healthz within 60 s")


def measure_load(
    port: int, found: dict[str, Any], password: str, seconds: float, warm_up: float
) -> dict[str, Any]:
    """The dashboard and the baseline page under USERS users, after a short warm-up of each
    (`warm_up` seconds), each for `seconds` in all: in ROUNDS turns, so that a slow spell of the
    machine falls on both."""
    users = load.log_in_all(HOST, port, found["email"], password, USERS)
    pages = {"dashboard": found["dashboard"], "baseline": found["baseline"]}
    results: dict[str, list[load.Result]] = {name: [] for name in pages}
    try:
        for path in pages.values():
            load.hammer(users, path, min(warm_up, seconds))
        for _ in range(ROUNDS):
            for name, path in pages.items():
                results[name].append(load.hammer(users, path, seconds / ROUNDS))
    finally:
        for user in users:
            user.close()
    return {name: load.Result.combined(parts) for name, parts in results.items()}


def measure(
    backend: str,
    dataset: Dataset,
    work: Path,
    args: argparse.Namespace,
    sqlite: "Future[str] | None" = None,
    beside: "list[Future[Any]] | None" = None,
) -> dict[str, Any]:
    """Every figure of one database. `sqlite`: the SQLite database being prepared beside this
    one; it and the rest of the work `beside` must be done before anything is measured."""
    work.mkdir(exist_ok=True)
    if backend == "postgres":
        with (
            postgres_cluster(share=True) as cluster,
            postgres_database(cluster, dataset, work, cache=not args.no_cache) as url,
        ):
            for done in [*(beside or []), *([sqlite] if sqlite else [])]:
                done.result()  # nothing else runs beside the measurements
            return measure_database(backend, dataset, work, url, args)
    for done in beside or []:
        done.result()
    if sqlite is not None:
        url = sqlite.result()
    else:
        url = prepare_sqlite(dataset, work, cache=not args.no_cache)
    return measure_database(backend, dataset, work, url, args)


def measure_database(
    backend: str, dataset: Dataset, work: Path, url: str, args: argparse.Namespace
) -> dict[str, Any]:
    env = production_environment(work.parent, url)
    measured: dict[str, Any] = {}
    if "pages" in args.parts:
        measured |= measure_pages(backend, dataset, work, env, args)
    if "surveys" in args.parts:
        say(f"{backend}: {args.pupils} pupils answering a survey at the same moment")
        measured["surveys"] = measure_surveys(env, backend, work, args.pupils)
    if "imports" in args.parts:
        say(f"{backend}: importing {args.import_rows} measurements from CSV, and the raw insert")
        measured["imports"] = measure_imports(env, backend, args.import_rows)
    return measured


def measure_pages(
    backend: str, dataset: Dataset, work: Path, env: dict[str, str], args: argparse.Namespace
) -> dict[str, Any]:
    say(f"{backend}: measuring key pages and the roll-up")
    found = probe(env, dataset)
    sizes = found["sizes"]
    say(
        f"{backend}: {sizes['organisations']} organisations, {sizes['units']} units, "
        f"{sizes['goals']} goals, {sizes['measurements']} measurements; pages of "
        f"{found['organisation']} ({sizes['units_here']} units, {sizes['goals_here']} goals)"
    )
    if args.profile:
        say(f"{backend}: the plan of the roll-up:\n{found['rollup']['plan']}")
        say(f"{backend}: where the dashboard's and the baseline's time goes (bench/profile.py)")
        run(
            [sys.executable, "-m", "bench.profile", "--email", found["email"],
             found["dashboard"], found["baseline"]],
            env=env, cwd=REPO, stdout=sys.stderr,
        )  # fmt: skip
    cert, key = work.parent / "cert.pem", work.parent / "key.pem"
    say(
        f"{backend}: {USERS} users on the dashboard and on the baseline, {args.seconds:g} s each "
        f"in {ROUNDS} turns"
    )
    with serving(env, cert, key, work / "server.log") as port:
        warm_up = CI_WARM_UP_SECONDS if args.ci else WARM_UP_SECONDS
        measured = measure_load(port, found, LOGIN[dataset.kind][1], args.seconds, warm_up)
    return {"probe": found, **measured}


def measure_charts(work: Path) -> dict[str, float]:
    """Drawing charts in a fresh process with the server's settings (no database needed)."""
    say("drawing charts, each with data of its own and nothing cached")
    env = production_environment(work, "sqlite:////nonexistent.sqlite3")
    out = run([sys.executable, "-m", "bench.charts"], env=env, cwd=REPO, stdout=subprocess.PIPE)
    result: dict[str, float] = json.loads(out.stdout)
    say(
        f"charts: {result['draws']:.0f} draws, the first {result['first_ms']:.2f} ms, then p50 "
        f"{result['p50_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms, max {result['max_ms']:.2f} "
        f"ms; {result['resident_mb']:.0f} MB resident"
    )
    return result


def figures_of(backend: str, measured: dict[str, Any]) -> dict[str, float]:
    found: dict[str, float] = measured.get("imports", {}) | measured.get("surveys", {})
    if "probe" not in measured:
        return found
    return page_figures(backend, measured) | found


def page_figures(backend: str, measured: dict[str, Any]) -> dict[str, float]:
    dashboard: load.Result = measured["dashboard"]
    baseline: load.Result = measured["baseline"]
    pages = measured["probe"]["pages"]
    suffix = figures.SUFFIXES[backend]
    return {
        "dashboard_p95_ms" + suffix: dashboard.percentile_ms(95),
        "dashboard_throughput_ratio" + suffix: dashboard.per_second / baseline.per_second,
        "rollup_national_ms" + suffix: measured["probe"]["rollup"]["median_ms"],
        "max_queries_per_page" + suffix: float(max(page["queries"] for page in pages)),
        "page_weight_kb_max" + suffix: max(page["bytes"] for page in pages) / 1000,
    }


def details(backend: str, measured: dict[str, Any]) -> None:
    """What lies behind the figures, on stderr."""
    if "probe" not in measured:
        return
    for name in ("dashboard", "baseline"):
        result: load.Result = measured[name]
        say(
            f"{backend}: {name} {result.path}: {result.requests} requests in "
            f"{result.seconds:.1f} s, {result.per_second:.1f}/s, p50 "
            f"{result.percentile_ms(50):.1f} ms, p95 {result.percentile_ms(95):.1f} ms, "
            f"max {max(result.latencies_ms):.1f} ms"
        )
    rollup = measured["probe"]["rollup"]
    say(f"{backend}: roll-up {rollup['row']} in {rollup['queries']} query, median "
        f"{rollup['median_ms']:.1f} ms")  # fmt: skip
    for page in measured["probe"]["pages"]:
        say(
            f"{backend}: {page['queries']:3d} queries ({page['queries_warm']} warm), "
            f"{page['bytes'] / 1000:6.1f} KB ({page['html_bytes'] / 1000:.1f} KB HTML): "
            f"{page['name']} {page['url']}"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE") or 1))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS") or 20),
        help="of load on each page (default 20, or BENCH_SECONDS)",
    )  # fmt: skip
    parser.add_argument("--sqlite-scale", type=float, default=ONE_MUNICIPALITY)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--dataset", choices=sorted(LOGIN), default="national")
    parser.add_argument("--no-cache", action="store_true", help="build the dataset afresh")
    parser.add_argument(
        "--profile", action="store_true",
        help="also show where the dashboard's time goes, on stderr (bench/profile.py)",
    )  # fmt: skip
    parser.add_argument("--report", type=Path, help="also write every measurement as JSON here")
    parser.add_argument(
        "--only", choices=figures.PARTS,
        help="measure only the pages (with the roll-up), the imports, the surveys or the charts",
    )  # fmt: skip
    parser.add_argument(
        "--import-rows", type=int,
        help=f"rows in the import figures' CSV (default 200,000; {CI_IMPORT_ROWS:,} with --ci)",
    )  # fmt: skip
    parser.add_argument(
        "--pupils", type=int,
        help=f"pupils answering at once in the survey figures (default {PUPILS}; {CI_PUPILS} "
        "with --ci)",
    )  # fmt: skip
    parser.add_argument(
        "--ci", action="store_true",
        help=f"fail unless every figure is printed and no key page runs over {figures.QUERY_LIMIT} "
        "queries",
    )  # fmt: skip
    args = parser.parse_args()
    unknown = set(args.backends.split(",")) - set(figures.SUFFIXES)
    if unknown:
        parser.error(f"--backends: unknown {', '.join(sorted(unknown))} (postgres, sqlite)")
    args.parts = (args.only,) if args.only else figures.PARTS
    if args.import_rows is None:
        args.import_rows = CI_IMPORT_ROWS if args.ci else IMPORT_ROWS
    if args.pupils is None:
        args.pupils = CI_PUPILS if args.ci else PUPILS
    return args


def stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(f"bench: stopped by signal {signum}")  # runs every clean-up on the way out


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    started = time.monotonic()
    backends = args.backends.split(",")
    measured: dict[str, dict[str, Any]] = {}
    drawn: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="malbild-bench.") as tmp:
        work = Path(tmp)
        if {"pages", "imports", "surveys"} & set(args.parts):
            certificate(work)
            datasets = {
                backend: Dataset(
                    args.dataset, args.scale if backend == "postgres" else args.sqlite_scale,
                    args.seed,
                )
                for backend in backends
            }  # fmt: skip
            with ThreadPoolExecutor(max_workers=2) as beside:
                # The static files are collected, and with both databases SQLite's prepared
                # (generated, when not cached), while the first database is prepared: on a
                # machine with a core to spare that shortens the wait.
                static = beside.submit(collect_static, work)
                sqlite = None
                if set(backends) == {"postgres", "sqlite"}:
                    say("preparing the SQLite database beside PostgreSQL's")
                    sqlite = beside.submit(
                        prepare_sqlite, datasets["sqlite"], work / "sqlite",
                        cache=not args.no_cache, quiet=True,
                    )  # fmt: skip
                for backend in backends:
                    measured[backend] = measure(
                        backend, datasets[backend], work / backend, args, sqlite, [static]
                    )
                    details(backend, measured[backend])
        if "charts" in args.parts:
            drawn = measure_charts(work)
    found: dict[str, float] = {}
    for backend in measured:
        found |= figures_of(backend, measured[backend])
    if drawn:
        found["chart_draw_p95_ms"] = drawn["p95_ms"]
    lines = [figures.line(name, value) for name, value in found.items()]
    for line in lines:
        print(line, flush=True)
    print(figures.verdict(found), flush=True)
    say(f"done in {time.monotonic() - started:.0f} s")
    if args.report:
        write_report(args.report, args, measured, found, drawn)
    if args.ci:
        return ci_check(found, lines, backends, args.parts)
    strict = os.environ.get("BENCH_STRICT") == "1"
    return 1 if strict and figures.misses(found) else 0


def ci_check(
    found: dict[str, float], lines: list[str], backends: list[str], parts: tuple[str, ...]
) -> int:
    """The reduced run asserts only that the bench works (every figure printed, in the format of
    DESIGN.md §6) and that the query counts hold."""
    missing = [
        n
        for n in figures.expected_names(backends, parts)
        if not math.isfinite(found.get(n, math.nan))
    ]
    malformed = [line for line in lines if not LINE.fullmatch(line)]
    over = [n for n, v in found.items() if n.startswith("max_queries") and v > figures.QUERY_LIMIT]
    if missing or malformed or over:
        say(
            f"CI check failed: missing {missing}, malformed {malformed}, "
            f"over {figures.QUERY_LIMIT} queries {over}"
        )
        return 1
    say(f"CI check passed: every figure printed, key pages within {figures.QUERY_LIMIT} queries")
    return 0


def write_report(
    path: Path,
    args: argparse.Namespace,
    measured: dict[str, Any],
    found: dict[str, float],
    drawn: dict[str, float],
) -> None:
    report = {
        "arguments": {k: str(v) for k, v in vars(args).items()},
        "figures": found,
        "charts": drawn or None,
        "databases": {
            backend: {
                "probe": data.get("probe"),
                "imports": data.get("imports"),
                "surveys": data.get("surveys"),
                **{
                    name: {
                        "path": data[name].path,
                        "requests": data[name].requests,
                        "seconds": data[name].seconds,
                        "per_second": data[name].per_second,
                        "p50_ms": data[name].percentile_ms(50),
                        "p95_ms": data[name].percentile_ms(95),
                    }
                    for name in ("dashboard", "baseline")
                    if name in data
                },
            }
            for backend, data in measured.items()
        },
    }
    path.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (subprocess.CalledProcessError, load.LoadError) as e:
        sys.exit(f"bench: failed: {e}")
