"""Where uploaded files should live with more than one server: the figures behind the choice in
docs/scaling.md ("Uploaded files in PostgreSQL").

For each way of keeping files, a 2 MB picture and a 20 MB PDF (random bytes: neither compresses)
are written, read back whole, and served as the views serve them (a FileResponse fed by 4 KB
reads), five times each; the median wall time and the process's CPU time are reported, in ms:

- `database`: Målbild's DatabaseStorage (malbild/server/storage.py) on a throwaway PostgreSQL
  cluster (bench/database.py), the way every server would reach it;
- `s3`: django-storages' S3Storage against moto's S3 server on this machine, when both are
  installed (`pip install "django-storages[s3]" "moto[server]"`: not dependencies of Målbild).
  moto is a Python imitation of S3, so these figures are the client's side (boto3's work in the
  app process) plus a local server's, not a real object store's.

    python -m bench.storage [--runs 5]
"""

import argparse
import importlib
import importlib.util
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.database import REPO, clean_environment, free_port, malbild, postgres_cluster, run, say

SIZES = {"picture 2 MB": 2 * 1000 * 1000, "PDF 20 MB": 20 * 1000 * 1000}


def _write(storage: Any, name: str, data: bytes) -> None:
    from django.core.files.base import ContentFile
    from django.db import transaction

    with transaction.atomic():
        storage.save(name, ContentFile(data))


def _read(storage: Any, name: str, data: bytes) -> None:
    with storage.open(name, "rb") as handle:
        if handle.read() != data:
            raise SystemExit(f"bench: {name} came back changed")


def _serve(storage: Any, name: str, data: bytes) -> None:
    """As the views serve a file: a FileResponse fed by reads of its block size."""
    from django.http import FileResponse

    def chunks() -> Iterator[bytes]:
        with storage.open(name, "rb") as handle:
            while chunk := handle.read(FileResponse.block_size):
                yield chunk

    if sum(len(part) for part in FileResponse(chunks())) != len(data):
        raise SystemExit(f"bench: {name} was served short")


def measure(storage: Any, runs: int) -> dict[str, dict[str, float]]:
    """Django side: write, read and serve each size `runs` times through `storage`."""
    results: dict[str, dict[str, float]] = {}
    steps = (("write", _write), ("read", _read), ("serve", _serve))
    for label, size in SIZES.items():
        data = secrets.token_bytes(size)
        timings: dict[str, list[tuple[float, float]]] = {what: [] for what, _ in steps}
        for n in range(runs):
            name = f"bench/{n}-{label.split()[0]}.bin"
            for what, step in steps:
                wall, cpu = time.perf_counter(), time.process_time()
                step(storage, name, data)
                timings[what].append(
                    ((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000)
                )
            storage.delete(name)
        for what, pairs in timings.items():
            results[f"{label} {what}"] = {
                "wall_ms": statistics.median(w for w, _ in pairs),
                "cpu_ms": statistics.median(c for _, c in pairs),
            }
    return results


@contextmanager
def moto_server() -> Iterator[str]:
    program = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603  (the bench's own command line)
        [program, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        import urllib.request

        while True:
            try:
                urllib.request.urlopen(url, timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("bench: moto_server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait()


def django_side(backend: str, runs: int, endpoint: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
    import django

    django.setup()
    if backend == "database":
        from malbild.server.storage import DatabaseStorage

        storage: Any = DatabaseStorage()
    else:
        # Neither is a dependency of Målbild: imported by name, only for this measurement.
        boto3 = importlib.import_module("boto3")
        S3Storage = importlib.import_module("storages.backends.s3").S3Storage

        options = {
            "endpoint_url": endpoint, "region_name": "eu-north-1",
            "aws_access_key_id": "bench", "aws_secret_access_key": "bench",
        }  # fmt: skip
        boto3.client("s3", **options).create_bucket(
            Bucket="malbild", CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
        )
        storage = S3Storage(
            bucket_name="malbild", endpoint_url=endpoint, region_name="eu-north-1",
            access_key="bench", secret_key="bench", file_overwrite=False,  # noqa: S106
        )  # fmt: skip
    print(json.dumps(measure(storage, runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--django-side", choices=("database", "s3"), help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.django_side:
        django_side(args.django_side, args.runs, args.endpoint)
        return
    found: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="malbild-storage.") as tmp, postgres_cluster() as db:
        db.client("createdb", "malbild")
        env = clean_environment(
            PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="localhost",
            DATABASE_URL=db.url("malbild"), DATA_DIR=tmp, STATIC_ROOT=tmp,
        )  # fmt: skip
        malbild(env, "migrate", "--no-input", "-v", "0")
        backends = ["database"]
        if all(importlib.util.find_spec(name) for name in ("storages", "moto", "boto3")):
            backends.append("s3")
        else:
            say("django-storages or moto is not installed: measuring the database only")
        for backend in backends:
            say(f"measuring {backend}, {args.runs} runs of each size")
            with moto_server() if backend == "s3" else _nothing() as endpoint:
                out = run(
                    [sys.executable, "-m", "bench.storage", "--django-side", backend,
                     "--runs", str(args.runs), "--endpoint", endpoint or ""],
                    env=env, cwd=REPO, stdout=subprocess.PIPE,
                )  # fmt: skip
            found[backend] = json.loads(out.stdout)
    print("| Step | " + " | ".join(f"{b} wall ms | {b} CPU ms" for b in found) + " |")
    print("| --- |" + " ---: |" * (2 * len(found)))
    for step in next(iter(found.values())):
        cells = " | ".join(
            f"{found[b][step]['wall_ms']:.0f} | {found[b][step]['cpu_ms']:.0f}" for b in found
        )
        print(f"| {step} | {cells} |")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


@contextmanager
def _nothing() -> Iterator[str]:
    yield ""


if __name__ == "__main__":
    main()
