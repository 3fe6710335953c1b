"""Where a page's time goes, for `python -m bench.run --profile`: run in the bench's environment
(production mode, the bench database), it asks for each page many times in this one process and
prints, per request, the time in the database, in templates and in the rest of the Python (the
middleware, the view and the ORM building its SQL), then each query with its time, and the
functions that take the most time of their own.

    python -m bench.profile --email admin@kommun-001.example /o/kommun-001/oversikt/ /baslinje/
"""

import argparse
import cProfile
import json
import os
import pstats
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
django.setup()

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.backends.django import Template  # noqa: E402
from django.test import Client  # noqa: E402

from malbild.accounts.models import User  # noqa: E402

WARM_UP = 5


class Clock:
    """Time spent in the database and in template rendering, summed over the requests."""

    def __init__(self) -> None:
        self.database = 0.0
        self.templates = 0.0
        self.depth = 0
        self.queries: dict[str, list[float]] = defaultdict(list)

    def execute(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, *args)
        finally:
            spent = time.perf_counter() - started
            self.database += spent
            self.queries[sql].append(spent)


@contextmanager
def timed_templates(clock: Clock) -> Iterator[None]:
    """Count the outermost template render only (the database time inside it is subtracted)."""
    original = Template.render

    def render(self: Template, *args: Any, **kwargs: Any) -> Any:
        if clock.depth:
            return original(self, *args, **kwargs)
        clock.depth += 1
        started, database = time.perf_counter(), clock.database
        try:
            return original(self, *args, **kwargs)
        finally:
            clock.depth -= 1
            clock.templates += time.perf_counter() - started - (clock.database - database)

    Template.render = render  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Template.render = original  # type: ignore[method-assign]


def area(filename: str) -> str:
    for marker, name in [
        ("django/db/", "Django ORM"),
        ("django/template", "Django templates"),
        ("django/utils/translation", "translation"),
        ("django/urls", "URL reversing"),
        ("psycopg", "psycopg"),
        ("sqlite3", "sqlite3"),
        ("/malbild/", "Målbild code"),
        ("django/", "Django, other"),
    ]:
        if marker in filename:
            return name
    return "other (stdlib, libraries)"


def profile(
    client: Client,
    path: str,
    requests: int,
    form: dict[str, str] | None = None,
    *,
    cold: bool = False,
) -> None:
    """Profile GET `path`, or POST `form` to it (a write, answered with a redirect); `cold`
    empties the page cache before each request, as a write does."""

    def ask() -> Any:
        if cold:
            caches["pages"].clear()
        if form is None:
            return client.get(path, secure=True)
        return client.post(path, form, secure=True)

    for _ in range(WARM_UP):
        ask()
    walls = []
    clock = Clock()
    with connection.execute_wrapper(clock.execute), timed_templates(clock):
        for _ in range(requests):
            started = time.perf_counter()
            response = ask()
            walls.append(time.perf_counter() - started)
    if response.status_code != (200 if form is None else 302):
        raise SystemExit(f"bench: {path} answered {response.status_code}")
    ms = 1000 / requests
    wall = sum(walls) * ms
    print(f"\n== {'POST ' if form else ''}{path}: {len(response.content)} bytes, per request:")
    print(f"   {wall:7.2f} ms in all (median {statistics.median(walls) * 1000:.2f} ms)")
    print(f"   {clock.database * ms:7.2f} ms in the database ({len(clock.queries)} statements)")
    print(f"   {clock.templates * ms:7.2f} ms rendering templates")
    rest = wall - (clock.database + clock.templates) * ms
    print(f"   {rest:7.2f} ms other Python: middleware, view, the ORM building its SQL")
    print("   queries (ms per request):")
    for sql, times in sorted(clock.queries.items(), key=lambda kv: -sum(kv[1])):
        print(f"   {sum(times) * ms:7.2f}  {' '.join(sql.split())[:150]}")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        ask()
    profiler.disable()
    stats = pstats.Stats(profiler)
    own: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        own[area(filename)] += tottime
    total = sum(own.values())
    print("   own time under cProfile, by area:")
    for name, seconds in sorted(own.items(), key=lambda kv: -kv[1]):
        print(f"   {100 * seconds / total:5.1f} %  {name}")
    print("   functions by cumulative time under cProfile:")
    stats.sort_stats("cumulative").print_stats(r"malbild|template/(loader_tags|defaulttags)", 25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--email", required=True, help="the person logged in")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument(
        "--post", nargs=2, action="append", default=[], metavar=("PATH", "FORM"),
        help="also profile posting FORM (a JSON object) to PATH",
    )  # fmt: skip
    parser.add_argument(
        "--cold", action="store_true",
        help="empty the page cache before each request (as after a write: dashboards render)",
    )  # fmt: skip
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email=args.email))
    for path in args.paths:
        profile(client, path, args.requests, cold=args.cold)
    for path, form in args.post:
        profile(client, path, args.requests, json.loads(form), cold=args.cold)


if __name__ == "__main__":
    main()
