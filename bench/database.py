"""The bench's databases: a throwaway PostgreSQL cluster, started as scripts/with-postgres starts
one, and a SQLite file. Each is filled with the dataset once and cached in bench/.cache/ (a
`pg_dump -Fc` file, a copy of the SQLite file), keyed by what the data is made from.
"""

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


def say(message: str) -> None:
    """Progress goes to stderr; stdout holds only the figures."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


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


def malbild(env: dict[str, str], *args: str) -> None:
    """Run a `malbild` command; its output goes to stderr with the bench's progress."""
    run([sys.executable, "-m", "malbild.cli", *args], env=env, cwd=REPO, stdout=sys.stderr)


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

    def build(self, env: dict[str, str]) -> None:
        for command in self.commands:
            say("running malbild " + " ".join(command))
            malbild(env, *command)

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

    def client(self, program: str, *args: str) -> None:
        """Run a PostgreSQL client program (as the calling user, over TCP)."""
        run(
            [self.bin / program, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", *args],
            stdout=subprocess.DEVNULL,
        )


def postgres_bin() -> Path:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    if not found or not (found[-1] / "initdb").exists():
        sys.exit("bench: PostgreSQL is not installed: install Debian's package postgresql.")
    return found[-1]


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway cluster on a random port (initdb as `postgres` when run as root, fsync off),
    stopped and removed afterwards."""
    pg_bin = postgres_bin()
    directory = Path(tempfile.mkdtemp(prefix="malbild-bench-pg."))
    as_postgres: list[str] = []
    if os.getuid() == 0:
        shutil.chown(directory, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = directory / "data"
    try:
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
        cluster = Cluster(pg_bin, port, data, tuple(as_postgres))
        say(f"PostgreSQL {cluster.version} on 127.0.0.1:{port} (throwaway)")
        yield cluster
    finally:
        run(
            [*as_postgres, pg_bin / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(directory, ignore_errors=True)


def prepare_postgres(cluster: Cluster, dataset: Dataset, work: Path, *, cache: bool) -> str:
    """A database `malbild` in `cluster` holding the dataset; returns its URL."""
    cluster.client("createdb", "malbild")
    url = cluster.url("malbild")
    dump = dataset.cached("postgres", cluster.version, ".dump") if cache else None
    if dump and dump.exists():
        say(f"restoring the dataset from {dump.relative_to(REPO)}")
        jobs = str(os.cpu_count() or 2)
        cluster.client("pg_restore", "--no-owner", "-j", jobs, "-d", "malbild", str(dump))
    else:
        dataset.build(clean_environment(DATA_DIR=str(work / "seed"), DATABASE_URL=url))
        if dump:
            partial = dump.with_suffix(".partial")
            cluster.client("pg_dump", "-Fc", "-f", str(partial), "malbild")
            partial.rename(dump)
            dataset.keep_only(dump, "postgres")
            say(f"cached the dataset in {dump.relative_to(REPO)}")
    # What autovacuum would have done by now in production: statistics and visibility maps.
    cluster.client("vacuumdb", "--analyze", "--quiet", "malbild")
    return url


# SQLite ----------------------------------------------------------------------------------------


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy (the WAL folded in) through SQLite's backup API."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def prepare_sqlite(dataset: Dataset, work: Path, *, cache: bool) -> str:
    """A SQLite file in `work` holding the dataset; returns its URL."""
    path = work / "malbild.sqlite3"
    copy = dataset.cached("sqlite", sqlite3.sqlite_version, ".sqlite3") if cache else None
    if copy and copy.exists():
        say(f"copying the dataset from {copy.relative_to(REPO)}")
        copy_sqlite(copy, path)
    else:
        url = f"sqlite:///{path}"
        dataset.build(clean_environment(DATA_DIR=str(work / "seed"), DATABASE_URL=url))
        if copy:
            partial = copy.with_suffix(".partial")
            copy_sqlite(path, partial)
            partial.rename(copy)
            dataset.keep_only(copy, "sqlite")
            say(f"cached the dataset in {copy.relative_to(REPO)}")
    return f"sqlite:///{path}"
