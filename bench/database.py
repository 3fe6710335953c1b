"""The bench's databases: a throwaway PostgreSQL cluster, started as scripts/with-postgres starts
one, and a SQLite file. Each is filled with the dataset once and cached in bench/.cache/ (a
`pg_dump -Fc` file, a copy of the SQLite file), keyed by what the data is made from.

Several runs can share one cluster (`make test` gives its three reduced runs one): with
BENCH_POSTGRES naming a directory, the first run starts the cluster there and leaves it running,
the later ones find it, and whoever made the directory stops the cluster at the end

    python -m bench.database stop DIR

In a shared cluster the dataset is restored once, into a template database, and each run gets a
copy of its own (CREATE DATABASE … TEMPLATE), dropped when the run ends: no run sees another's
writes.
"""

import argparse
import fcntl
import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / "bench" / ".cache"
SHARED = "BENCH_POSTGRES"  # a directory for one cluster shared by several runs (make test)
# The slugs of the organisations a run makes for itself (and removes), never the dataset's: what
# picks the dataset's pages and users leaves them out, as one may be made while it looks.
SCRATCH = "bench-"
AS_POSTGRES = ("runuser", "-u", "postgres", "--")  # the server's programs, when run as root


def say(message: str) -> None:
    """Progress goes to stderr; stdout holds only the figures."""
    sys.stderr.write(f"bench: {message}\n")  # one write: threads of the bench say things too
    sys.stderr.flush()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_environment(**settings: str) -> dict[str, str]:
    """The caller's environment without its MALBILD_* settings, plus `settings` (as MALBILD_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALBILD_")}
    env.update({f"MALBILD_{k}": v for k, v in settings.items()})
    return env


def run(args: Sequence[str | Path], **options: Any) -> "subprocess.CompletedProcess[str]":
    """Run a program the bench names itself (never input from outside), failing on an error."""
    options.setdefault("check", True)
    return subprocess.run(args, text=True, **options)  # noqa: S603


def malbild(env: dict[str, str], *args: str, log: Path | None = None) -> None:
    """Run a `malbild` command; its output goes to stderr with the bench's progress, or to the
    file `log` (told on stderr if the command fails)."""
    command = [sys.executable, "-m", "malbild.cli", *args]
    if log is None:
        run(command, env=env, cwd=REPO, stdout=sys.stderr)
        return
    with log.open("a") as out:
        finished = run(command, env=env, cwd=REPO, stdout=out, stderr=out, check=False)
    if finished.returncode:
        say(f"malbild {' '.join(args)} failed; the end of {log}:\n{log.read_text()[-3000:]}")
        finished.check_returncode()


@dataclass(frozen=True)
class Dataset:
    """What the bench measures: `seed_national` at a scale, or the demo while developing."""

    kind: str  # "national" or "demo"
    scale: float
    seed: int

    @property
    def commands(self) -> list[list[str]]:
        if self.kind == "demo":
            return [["demo", "--no-serve"]]
        scale = f"{self.scale:g}"
        return [
            ["migrate", "--no-input"],
            ["seed_national", "--scale", scale, "--seed", str(self.seed)],
        ]

    @property
    def sources(self) -> list[Path]:
        """The files the data is made from: the migrations and the generator."""
        files = sorted(REPO.glob("malbild/*/migrations/*.py"))
        if self.kind == "demo":
            files += sorted(REPO.glob("malbild/demo/*.py"))
        else:
            files += [
                REPO / "malbild/demo/national.py",
                REPO / "malbild/demo/management/commands/seed_national.py",
            ]
        return [path for path in files if path.exists()]

    def key(self, backend: str, version: str) -> str:
        digest = hashlib.sha256(repr((self.commands, backend, version)).encode())
        for path in self.sources:
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
        return digest.hexdigest()[:20]

    def build(self, env: dict[str, str], log: Path | None = None) -> None:
        for command in self.commands:
            say("running malbild " + " ".join(command) + (f" (output in {log})" if log else ""))
            malbild(env, *command, log=log)

    def cached(self, backend: str, version: str, suffix: str) -> Path | None:
        """Where the dataset is cached for `backend` (at `version`); None when the checkout is
        read-only for the calling user (the bench then builds the dataset every time)."""
        try:
            CACHE.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        if not os.access(CACHE, os.W_OK):
            return None
        return CACHE / f"{self.prefix(backend)}{self.key(backend, version)}{suffix}"

    def prefix(self, backend: str) -> str:
        return f"{backend}-{self.kind}-{self.scale:g}-"

    def keep_only(self, path: Path, backend: str) -> None:
        """Drop older caches of the same dataset: a national dump weighs tens of MB."""
        for old in CACHE.glob(self.prefix(backend) + "*"):
            if old != path:
                old.unlink(missing_ok=True)


# PostgreSQL ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    bin: Path
    port: int
    data: Path | None = None  # its data directory, for restart()
    as_postgres: tuple[str, ...] = ()  # how to run the server's programs (as `postgres` if root)
    shared: bool = False  # started for several runs (BENCH_POSTGRES): a database each

    @property
    def version(self) -> str:
        out = run([self.bin / "postgres", "--version"], capture_output=True)
        return out.stdout.split()[2]  # postgres (PostgreSQL) 15.8 (Debian …)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def restart(self) -> None:
        """`pg_ctl restart` (its default mode, fast: open sessions are ended), waiting until the
        server accepts connections again."""
        if self.data is None:
            raise RuntimeError("this cluster was not started by the bench")
        run(
            [*self.as_postgres, self.bin / "pg_ctl", "-D", self.data, "-l",
             self.data.parent / "log", "-w", "restart"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def client(self, program: str, *args: str, check: bool = True) -> None:
        """Run a PostgreSQL client program (as the calling user, over TCP)."""
        run(
            [self.bin / program, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args],
            stdout=subprocess.DEVNULL, check=check,
        )  # fmt: skip

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Rows of one statement in the database `postgres` (autocommit)."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as db:
            cursor = db.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description else []


def postgres_bin() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    if not found or not (found[-1] / "initdb").exists():
        sys.exit("bench: PostgreSQL is not installed: install Debian's package postgresql.")
    return found[-1]


def _as_postgres(directory: Path) -> list[str]:
    """How to run the server's programs: as `postgres` (owning `directory`) when run as root."""
    if os.getuid() != 0:
        return []
    shutil.chown(directory, "postgres")
    return list(AS_POSTGRES)


def _start(pg_bin: Path, directory: Path, as_postgres: list[str], port: int) -> None:
    """initdb and start a cluster in `directory`/data (fsync off), on 127.0.0.1:`port`."""
    data = directory / "data"
    run(
        [*as_postgres, pg_bin / "initdb", "-D", data, "-U", "postgres", "-A", "trust",
         "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    options = (
        f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    run(
        [*as_postgres, pg_bin / "pg_ctl", "-D", data, "-l", directory / "log", "-w",
         "-o", options, "start"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


def _stop(pg_bin: Path, directory: Path, as_postgres: list[str]) -> None:
    run(
        [*as_postgres, pg_bin / "pg_ctl", "-D", directory / "data", "-m", "immediate", "stop"],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@contextmanager
def postgres_cluster(*, share: bool = False) -> Iterator[Cluster]:
    """A throwaway cluster on a random port (initdb as `postgres` when run as root, fsync off),
    stopped and removed afterwards; with `share` and BENCH_POSTGRES set, the cluster shared by
    several runs instead (started by the first, left running)."""
    if share and os.environ.get(SHARED):
        yield shared_cluster(Path(os.environ[SHARED]))
        return
    pg_bin = postgres_bin()
    directory = Path(tempfile.mkdtemp(prefix="malbild-bench-pg."))
    as_postgres = _as_postgres(directory)
    port = free_port()
    try:
        _start(pg_bin, directory, as_postgres, port)
        cluster = Cluster(pg_bin, port, directory / "data", tuple(as_postgres))
        say(f"PostgreSQL {cluster.version} on 127.0.0.1:{port} (throwaway)")
        yield cluster
    finally:
        _stop(pg_bin, directory, as_postgres)
        shutil.rmtree(directory, ignore_errors=True)


def shared_cluster(directory: Path) -> Cluster:
    """The cluster in `directory` (BENCH_POSTGRES), started now if no earlier run started it."""
    pg_bin = postgres_bin()
    if not directory.is_dir():
        sys.exit(f"bench: {SHARED}={directory} is not a directory")
    with (directory / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one run at a time starts it
        as_postgres = _as_postgres(directory)
        known = directory / "port"
        if known.exists():
            cluster = Cluster(pg_bin, int(known.read_text()), directory / "data",
                              tuple(as_postgres), shared=True)  # fmt: skip
            say(f"PostgreSQL {cluster.version} on 127.0.0.1:{cluster.port} (shared, running)")
            return cluster
        port = free_port()
        _start(pg_bin, directory, as_postgres, port)
        known.write_text(str(port))
    cluster = Cluster(pg_bin, port, directory / "data", tuple(as_postgres), shared=True)
    say(f"PostgreSQL {cluster.version} on 127.0.0.1:{port} (shared: {SHARED}={directory})")
    return cluster


def stop_shared(directory: Path) -> None:
    """Stop the cluster that runs with BENCH_POSTGRES=`directory`, if one was started."""
    if (directory / "port").exists():
        _stop(postgres_bin(), directory, list(AS_POSTGRES) if os.getuid() == 0 else [])


@contextmanager
def postgres_database(
    cluster: Cluster, dataset: Dataset, work: Path, *, cache: bool
) -> Iterator[str]:
    """A database in `cluster` holding the dataset; yields its URL. In a shared cluster one of
    the run's own (a copy of the template database, unless `cache` is off), dropped afterwards."""
    if not cluster.shared:
        yield prepare_postgres(cluster, dataset, work, cache=cache, name="malbild")
        return
    name = f"malbild_{os.getpid()}"
    cluster.query(f'DROP DATABASE IF EXISTS "{name}"')
    if cache:
        template = shared_template(cluster, dataset, work)
        say(f"copying the dataset from the template database {template}")
        cluster.client("createdb", "-T", template, name)
    else:
        prepare_postgres(cluster, dataset, work, cache=False, name=name)
    try:
        yield cluster.url(name)
    finally:
        cluster.client("dropdb", "--force", name, check=False)


def shared_template(cluster: Cluster, dataset: Dataset, work: Path) -> str:
    """The template database of a shared cluster holding the dataset, filled by the first run
    that needs it (from bench/.cache/, or generated and cached)."""
    template = f"bench_{dataset.kind}_{dataset.key('postgres', cluster.version)}"
    assert cluster.data is not None  # noqa: S101  (a shared cluster knows its directory)
    with (cluster.data.parent / "template.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one run at a time fills it
        if not cluster.query("SELECT 1 FROM pg_database WHERE datname = %s", template):
            partial = template + "_partial"
            cluster.query(f'DROP DATABASE IF EXISTS "{partial}"')
            prepare_postgres(cluster, dataset, work, cache=True, name=partial)
            cluster.query(f'ALTER DATABASE "{partial}" RENAME TO "{template}"')
    return template


def prepare_postgres(
    cluster: Cluster, dataset: Dataset, work: Path, *, cache: bool, name: str = "malbild"
) -> str:
    """A database `name` in `cluster` holding the dataset; returns its URL."""
    cluster.client("createdb", name)
    url = cluster.url(name)
    dump = dataset.cached("postgres", cluster.version, ".dump") if cache else None
    if dump and dump.exists():
        say(f"restoring the dataset from {dump.relative_to(REPO)}")
        jobs = str(os.cpu_count() or 2)
        cluster.client("pg_restore", "--no-owner", "-j", jobs, "-d", name, str(dump))
    else:
        dataset.build(clean_environment(DATA_DIR=str(work / "seed"), DATABASE_URL=url))
        if dump:
            partial = dump.with_suffix(".partial")
            cluster.client("pg_dump", "-Fc", "-f", str(partial), name)
            partial.rename(dump)
            dataset.keep_only(dump, "postgres")
            say(f"cached the dataset in {dump.relative_to(REPO)}")
    # What autovacuum would have done by now in production: statistics and visibility maps.
    cluster.client("vacuumdb", "--analyze", "--quiet", name)
    return url


# SQLite ----------------------------------------------------------------------------------------


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy (the WAL folded in) through SQLite's backup API."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def prepare_sqlite(dataset: Dataset, work: Path, *, cache: bool, quiet: bool = False) -> str:
    """A SQLite file in `work` holding the dataset; returns its URL. `quiet`: the commands'
    output goes to work/build.log (while another database is prepared beside it)."""
    work.mkdir(exist_ok=True)
    path = work / "malbild.sqlite3"
    copy = dataset.cached("sqlite", sqlite3.sqlite_version, ".sqlite3") if cache else None
    if copy and copy.exists():
        say(f"copying the dataset from {copy.relative_to(REPO)}")
        copy_sqlite(copy, path)
    else:
        url = f"sqlite:///{path}"
        env = clean_environment(DATA_DIR=str(work / "seed"), DATABASE_URL=url)
        dataset.build(env, log=work / "build.log" if quiet else None)
        if copy:
            partial = copy.with_suffix(".partial")
            copy_sqlite(path, partial)
            partial.rename(copy)
            dataset.keep_only(copy, "sqlite")
            say(f"cached the dataset in {copy.relative_to(REPO)}")
    return f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("stop", help="stop a shared cluster").add_argument("directory", type=Path)
    args = parser.parse_args()
    stop_shared(args.directory)


if __name__ == "__main__":
    main()
