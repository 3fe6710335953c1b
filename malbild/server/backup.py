"""Backups of the configured database, and their restore (`malbild backup`, `malbild restore`).

SQLite is copied page by page through its online backup API, so the site keeps running while it
is copied; PostgreSQL is dumped with `pg_dump` in its custom format. Both are checked after they
are written (`PRAGMA integrity_check` on the copy, `pg_restore --list` of the dump) and before
they are restored. A restore never replaces a database that holds organisations or people unless
it is told to (`force`).
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper


class BackupError(Exception):
    """Why a backup or a restore did not happen, in words for the person running it."""


@dataclass(frozen=True)
class Outcome:
    """What was written or restored: enough for the one summary line."""

    path: Path
    tables: int
    size: int


def backup(path: Path, alias: str = "default") -> Outcome:
    """Write a checked copy of the database to `path` (replaced only once the copy is good)."""
    connection = connections[alias]
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    if connection.vendor == "sqlite":
        tables = _backup_sqlite(connection, path)
    elif connection.vendor == "postgresql":
        tables = _backup_postgres(connection, path)
    else:  # settings refuse every other database
        raise BackupError(f"Backups of {connection.vendor} databases are not supported.")
    return Outcome(path, tables, path.stat().st_size)


def restore(path: Path, *, force: bool = False, alias: str = "default") -> Outcome:
    """Replace the database's content with the backup at `path`, after checking the backup."""
    connection = connections[alias]
    path = path.resolve()
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}.")
    if connection.vendor == "sqlite":
        tables = _check_sqlite(path)
    elif connection.vendor == "postgresql":
        tables = _check_postgres(path)
    else:
        raise BackupError(f"Restores into {connection.vendor} databases are not supported.")
    if not force:
        held = holdings(connection)
        if held:
            raise BackupError(
                f"The database already holds {held}; restoring would replace them. "
                "Restore into an empty database, or add --force to replace its content."
            )
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, path)
    else:
        _restore_postgres(connection, path)
    return Outcome(path, tables, path.stat().st_size)


def holdings(connection: BaseDatabaseWrapper) -> str:
    """The organisations and people the database holds, in words; empty when it holds none."""
    from malbild.accounts.models import User
    from malbild.tenants.models import Organisation

    tables = set(connection.introspection.table_names())
    parts = []
    with connection.cursor() as cursor:
        for model, noun in ((Organisation, "organisation(s)"), (User, "person(s)")):
            if model._meta.db_table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')  # noqa: S608
                count = cursor.fetchone()[0]
                if count:
                    parts.append(f"{count} {noun}")
    return " and ".join(parts)


def row_counts(alias: str = "default") -> dict[str, int]:
    """The number of rows in every table of the database (one query per table)."""
    connection = connections[alias]
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


# SQLite ---------------------------------------------------------------------------------------


def _raw_sqlite(connection: BaseDatabaseWrapper) -> sqlite3.Connection:
    connection.ensure_connection()
    raw = connection.connection
    if not isinstance(raw, sqlite3.Connection):  # pragma: no cover - vendor checked by callers
        raise BackupError("The database connection is not SQLite's.")
    return raw


def _backup_sqlite(connection: BaseDatabaseWrapper, path: Path) -> int:
    # Through Django's own connection, so that an in-memory database (the tests') is copied too.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        target = sqlite3.connect(temporary)
        try:
            _raw_sqlite(connection).backup(target)
            # A copy in rollback-journal mode is one self-contained file.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
        tables = _check_sqlite(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return tables


def _check_sqlite(path: Path) -> int:
    """Raise BackupError unless `path` is a sound SQLite database of Målbild; its table count."""
    try:
        with open(path, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise BackupError(f"{path} is not a SQLite database.")
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = [row[0] for row in db.execute("PRAGMA integrity_check")]
            tables = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            }
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{path} cannot be read as a SQLite database ({e}).") from None
    if result != ["ok"]:
        raise BackupError(f"The integrity check of {path} failed: {'; '.join(result[:3])}")
    if "django_migrations" not in tables:
        raise BackupError(f"{path} is not a Målbild database (it has no migrations table).")
    return len(tables)


def _restore_sqlite(connection: BaseDatabaseWrapper, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        # The backup API replaces every page of the destination in one step: all or nothing.
        source.backup(_raw_sqlite(connection))
    except sqlite3.Error as e:
        raise BackupError(f"The restore failed and the database was left as it was ({e}).") from e
    finally:
        source.close()


# PostgreSQL -------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs "
            "(Debian's package postgresql-client) in the same version as the server or newer."
        )
    return found


def _pg_environment(settings: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL programs; the password goes in the environment."""
    arguments = ["--dbname", str(settings["NAME"])]
    if settings.get("HOST"):
        arguments += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", str(settings["USER"])]
    environment = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    sslmode = settings.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        environment["PGSSLMODE"] = str(sslmode)
    return arguments, environment


def _run(command: list[str], environment: dict[str, str], what: str) -> str:
    result = subprocess.run(  # noqa: S603 - the programs and arguments are ours
        command, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


def _backup_postgres(connection: BaseDatabaseWrapper, path: Path) -> int:
    arguments, environment = _pg_environment(connection.settings_dict)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        _run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", temporary, *arguments],
            environment,
            "pg_dump",
        )
        tables = _check_postgres(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return tables


def _check_postgres(path: Path) -> int:
    """Raise BackupError unless `pg_restore` can read the dump at `path`; its table count."""
    listing = _run([_pg_tool("pg_restore"), "--list", str(path)], dict(os.environ), "pg_restore")
    entries = [line for line in listing.splitlines() if line and not line.startswith(";")]
    tables = [line for line in entries if " TABLE DATA " in line]
    if not any(" django_migrations " in line for line in tables):
        raise BackupError(f"{path} is not a dump of a Målbild database.")
    return len(tables)


def _restore_postgres(connection: BaseDatabaseWrapper, path: Path) -> None:
    arguments, environment = _pg_environment(connection.settings_dict)
    connection.close()  # hold no locks on the tables pg_restore replaces
    # --clean --if-exists drops what the dump is about to create (a freshly migrated database
    # has the same tables), and one transaction makes the restore all or nothing.
    command = [
        _pg_tool("pg_restore"), "--no-owner", "--single-transaction", "--exit-on-error",
        "--clean", "--if-exists",
    ]  # fmt: skip
    _run([*command, *arguments, str(path)], environment, "pg_restore")
