"""The import figures of DESIGN.md §6: 200,000 measurements from CSV, validated and imported all
or nothing by the real importer, against the fastest raw insert of the same rows into the same
table in the same run (`executemany` on SQLite, COPY on PostgreSQL).

bench/run.py calls :func:`measure_imports` once per database with the server's environment; it
runs this module in its own process (Django set up against that database) and returns

    {"import_rows_per_s" + suffix: …, "import_ratio" + suffix: …}

with suffix `_sqlite` or `_postgres`. Everything it writes goes into a scratch organisation that
it removes again; the raw insert is rolled back, after checking its foreign keys as a commit
would. Raw insert and import take three turns each; the fastest of each counts.

    python -m bench.imports [--rows 200000]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.database import SCRATCH
from bench.figures import IMPORT_SUFFIXES

REPO = Path(__file__).resolve().parent.parent

ROWS = 200_000
ROUNDS = 3  # turns of raw insert, then import; the fastest of each counts


def measure_imports(env: dict[str, str], backend: str, rows: int = ROWS) -> dict[str, float]:
    """Run the measurement against the database that `env` names; `backend` is "sqlite" or
    "postgres" and only names the figures."""
    result = subprocess.run(  # noqa: S603  (the bench's own command line)
        [sys.executable, "-m", "bench.imports", "--rows", str(rows)],
        env=env,
        cwd=REPO,
        check=True,
        stdout=subprocess.PIPE,  # the figures; the details go to stderr with the bench's
        text=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    suffix = IMPORT_SUFFIXES[backend]
    return {
        "import_rows_per_s" + suffix: float(found["import_rows_per_s"]),
        "import_ratio" + suffix: float(found["import_ratio"]),
    }


# In the measuring process ----------------------------------------------------------------------


def _prepare(rows: int) -> tuple[Any, bytes, list[tuple[Any, ...]]]:
    """A scratch organisation with units and yearly indicators, the CSV of `rows` values for
    it, and the same rows as the raw insert writes them."""
    from malbild.indicators.models import Indicator
    from malbild.lib import periods
    from malbild.tenants.models import Organisation, OrgUnit
    from malbild.tenants.scope import scope

    organisation = Organisation.objects.create(
        name="Bench import", slug=f"{SCRATCH}import-{os.getpid()}", has_public_pages=False
    )
    indicators, years, genders = 10, 20, ("T", "K", "M")
    units = -(-rows // (indicators * years * len(genders)))
    with scope(organisation):
        root = OrgUnit.objects.create(
            organisation=organisation, name="Förvaltningen", code="ROOT", path="/"
        )
        root.path = f"/{root.pk}/"
        root.save(update_fields=["path"])
        made = OrgUnit.objects.bulk_create(
            OrgUnit(organisation=organisation, parent=root, name=f"Skola {n}", code=f"S{n:05d}",
                    path="", depth=1)
            for n in range(units)
        )  # fmt: skip
        for unit in made:
            unit.path = f"{root.path}{unit.pk}/"
        OrgUnit.objects.bulk_update(made, ["path"])
        made_indicators = Indicator.objects.bulk_create(
            Indicator(organisation=organisation, code=f"IND{n}", name=f"Indikator {n}",
                      unit_of_measure="%", baseline_value=Decimal(50), baseline_period="2000")
            for n in range(indicators)
        )  # fmt: skip
    lines = ["enhet_kod;indikator_kod;period;kön;värde;status"]
    raw = []
    count = 0
    for unit in made:
        for indicator in made_indicators:
            for year in range(2005, 2005 + years):
                for gender in genders:
                    if count == rows:
                        break
                    value = Decimal(count % 1000) / 10
                    text = str(value).replace(".", ",")
                    lines.append(f"{unit.code};{indicator.code};{year};{gender};{text};")
                    position = periods.parse(str(year)).position
                    raw.append(
                        (organisation.pk, indicator.pk, unit.pk, str(year), position, gender,
                         value, "", "bench")
                    )  # fmt: skip
                    count += 1
    return organisation, ("\r\n".join(lines) + "\r\n").encode(), raw


def _raw_insert(raw: list[tuple[Any, ...]]) -> float:
    """Seconds for the fastest plain insert of `raw` into the measurement table, rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from malbild.imports.measurements import bulk_writing
    from malbild.indicators.models import Measurement

    table = Measurement._meta.db_table
    columns = (
        "organisation_id, indicator_id, org_unit_id, period, position, gender, value, status, "
        "import_run, updated_at"
    )
    now = timezone.now()
    with transaction.atomic():
        started = time.perf_counter()
        with bulk_writing() as cursor:  # the importer's cursor: on SQLite its page cache
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in raw:
                        copy.write_row((*row, now))
                # The keys are checked by the table's triggers at the end of the COPY
                # (indicators migration 0004); should a deferred constraint come back, check it
                # now, as the importer's commit would, which a rolled-back insert never reaches.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            else:
                stamp = connection.ops.adapt_datetimefield_value(now)
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) "  # noqa: S608
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [(*row, stamp) for row in raw],
                )
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _cleanup(organisation: Any) -> None:
    from malbild.imports.models import ImportRun
    from malbild.indicators.models import Indicator, Measurement
    from malbild.tenants.models import OrgUnit
    from malbild.tenants.scope import scope

    with scope(organisation):
        Measurement.objects.all().delete()
        ImportRun.objects.all().delete()
        Indicator.objects.all().delete()
        OrgUnit.objects.exclude(parent=None).delete()
        OrgUnit.objects.all().delete()
    from malbild.audit.models import AuditEvent
    from malbild.tenants.scope import unscoped

    with unscoped():
        AuditEvent.objects.filter(organisation=organisation).delete()
    organisation.delete()


def _import(organisation: Any, data: bytes, rows: int) -> float:
    """Seconds for the real import of `data`, all or nothing; its values are removed again so
    that every round inserts afresh."""
    from django.db import connection, transaction

    from malbild.imports import services
    from malbild.imports.models import ImportRun
    from malbild.indicators.models import Measurement
    from malbild.tenants.scope import scope

    with scope(organisation):
        started = time.perf_counter()
        run = services.import_file_now(organisation, name="bench.csv", data=data)
        elapsed = time.perf_counter() - started
    if run.state != ImportRun.State.DONE or run.rows_total != rows:
        sys.exit(f"bench: the import did not succeed: {run.message or run.errors[:3]}")
    with transaction.atomic(), connection.cursor() as cursor:
        table = Measurement._meta.db_table
        cursor.execute(f"DELETE FROM {table} WHERE organisation_id = %s", [organisation.pk])  # noqa: S608
    return elapsed


def _settle() -> None:
    """On PostgreSQL, vacuum the measurement table before a turn. The raw insert is rolled back
    and the import's values deleted, and each leaves 200,000 dead entries in the table's unique
    index under the very keys the next turn writes; a unique insert then visits the heap row of
    every one of them. Without this the import always ran right after a rolled-back raw insert
    while the first raw insert met a clean table: the comparison was unfair to the import."""
    from django.db import connection

    from malbild.indicators.models import Measurement

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Measurement._meta.db_table}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=ROWS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
    import django

    django.setup()
    organisation, data, raw = _prepare(args.rows)
    raw_times, import_times = [], []
    try:
        for _round in range(ROUNDS):  # taking turns, so that a slow spell falls on both
            _settle()
            raw_times.append(_raw_insert(raw))
            _settle()
            import_times.append(_import(organisation, data, args.rows))
    finally:
        _cleanup(organisation)
    raw_seconds, import_seconds = min(raw_times), min(import_times)
    rate, raw_rate = args.rows / import_seconds, args.rows / raw_seconds
    print(
        f"bench imports: {args.rows} rows, import {import_seconds:.2f} s, raw insert "
        f"{raw_seconds:.2f} s (the fastest of {ROUNDS} turns: import "
        f"{', '.join(f'{t:.2f}' for t in import_times)} s, raw "
        f"{', '.join(f'{t:.2f}' for t in raw_times)} s)",
        file=sys.stderr,
    )
    print(json.dumps({"import_rows_per_s": rate, "import_ratio": rate / raw_rate}))


if __name__ == "__main__":
    main()
