"""The figures measured inside Django, against the bench database: SQL queries and weight of each
key page, and the national roll-up of one indicator. Run by bench/run.py in its own process with
the server's environment (production mode); prints one JSON object.

    python -m bench.probe --indicator NAT-BEH9 [--organisation kommun-001]
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Avg, Count, F, Max, Min, Q, Window  # noqa: E402
from django.db.models.functions import RowNumber  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.database import SCRATCH  # noqa: E402
from malbild.accounts.models import User  # noqa: E402
from malbild.goals.models import Goal  # noqa: E402
from malbild.indicators.models import Indicator, Measurement  # noqa: E402
from malbild.tenants import shared  # noqa: E402
from malbild.tenants.models import Membership, Organisation, OrgUnit  # noqa: E402
from malbild.tenants.scope import scope, unscoped  # noqa: E402

ROLLUP_RUNS = 9
HOST = "localhost"
ASSET = re.compile(
    rb'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"|<script[^>]*src="([^"]+)"', re.IGNORECASE
)


@dataclass(frozen=True)
class KeyPage:
    name: str
    url: str


def largest_organisation() -> Organisation:
    """The dataset's organisation with the most units: its pages are the heaviest."""
    with unscoped():
        counts = (
            OrgUnit.objects.exclude(organisation__slug__startswith=SCRATCH)
            .values("organisation")
            .annotate(n=Count("id"))
            .order_by("-n")
        )
        top = counts.first()
    if top is None:
        sys.exit("bench: the database holds no organisation units")
    return Organisation.objects.get(pk=top["organisation"])


def administrator(organisation: Organisation, email: str | None) -> User:
    """The person to log in as: `email` (with `{slug}` filled in), or the first administrator
    of the whole organisation."""
    if email:
        return User.objects.get(email=email.format(slug=organisation.slug))
    with scope(organisation):
        membership = (
            Membership.objects.filter(role=Membership.Role.ADMIN, unit__isnull=True)
            .select_related("user")
            .order_by("pk")
            .first()
        )
    if membership is None:
        sys.exit(f"bench: {organisation.slug} has no administrator")
    return membership.user


def key_pages(organisation: Organisation, indicator_code: str) -> list[KeyPage]:
    """The pages DESIGN.md §6 holds to the budget, each with its heaviest object: the top unit
    (whose subtree is the whole organisation) and the goal with the most links."""
    slug = organisation.slug
    with scope(organisation):
        top = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
        goal = (
            Goal.objects.annotate(
                links=Count("indicator_links", distinct=True)
                + Count("children", distinct=True)
                + Count("evidence", distinct=True)
            )
            .order_by("-links", "pk")
            .first()
        )
        indicator = Indicator.objects.filter(code=indicator_code).first()
    if top is None or goal is None or indicator is None:
        sys.exit(f"bench: {slug} lacks a unit, a goal or the indicator {indicator_code}")
    return [
        KeyPage("organisation start page", reverse("dashboards:home", args=[slug])),
        KeyPage("organisation dashboard", reverse("dashboards:organisation", args=[slug])),
        KeyPage("unit dashboard", reverse("dashboards:unit", args=[slug, top.pk])),
        KeyPage("goals chain", reverse("goals:chain", args=[slug])),
        KeyPage("goal detail", reverse("goals:detail", args=[slug, goal.pk])),
        KeyPage("indicator detail", reverse("indicators:detail", args=[slug, indicator.pk])),
        KeyPage("unit tree", reverse("tenants:unit_tree", args=[slug])),
        KeyPage("unit detail", reverse("tenants:unit_detail", args=[slug, top.pk])),
        KeyPage("målbild detail", reverse("targets:detail", args=[slug])),
        KeyPage("steering documents", reverse("steering:list", args=[slug])),
        KeyPage("self-assessment overview", reverse("assessments:municipality", args=[slug])),
    ]


def asset_bytes(html: bytes) -> int:
    """The size of the CSS and JavaScript files that `html` references, as collected."""
    total = 0
    for match in ASSET.finditer(html):
        url = (match[1] or match[2]).decode()
        if not url.startswith(settings.STATIC_URL):
            raise SystemExit(f"bench: a key page loads {url} from outside the static files")
        total += (Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL)).stat().st_size
    return total


def measure_pages(pages: list[KeyPage], person: User) -> list[dict[str, Any]]:
    """Queries and weight of each page, asked for twice by the same logged-in person: the first
    time with cold caches, the second as most requests are; the larger count is kept."""
    client = Client(HTTP_HOST=HOST)
    client.force_login(person)
    measured = []
    for page in pages:
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.url, secure=True)
            if response.status_code != 200:
                sys.exit(f"bench: {page.name} ({page.url}) answered {response.status_code}")
            counts.append(len(queries))
        html = response.content
        measured.append(
            {
                "name": page.name,
                "url": page.url,
                "queries": max(counts),
                "queries_warm": counts[-1],
                "html_bytes": len(html),
                "bytes": len(html) + asset_bytes(html),
            }
        )
    return measured


def national_rollup(indicator_code: str) -> list[dict[str, Any]]:
    """One indicator rolled up over every organisation's whole tree: the latest reported value
    (all genders) of each unit, averaged nationally, through the one door across organisations.

    The latest value of each unit is found with a window (row_number per unit, newest first):
    on the national dataset that is a third faster than looking up each unit's newest position
    in a correlated subquery. Each organisation has its own indicator with the code; naming the
    indicator's organisation as the measurement's lets the database use the series index.
    """
    with unscoped():
        latest = (
            Measurement.objects.filter(
                indicator__code=indicator_code,
                organisation=F("indicator__organisation"),
                gender=Measurement.Gender.ALL,
                value__isnull=False,
            )
            .annotate(
                newest=Window(
                    RowNumber(), partition_by=[F("org_unit")], order_by=F("position").desc()
                )
            )
            .filter(newest=1)
            .values("pk")
        )
    return shared.aggregated(
        Measurement,
        group_by=["indicator__code"],
        unit_field="org_unit",
        values={
            "mean": Avg("value"),
            "low": Min("value"),
            "high": Max("value"),
            "organisations": Count("organisation", distinct=True),
        },
        filters={"indicator__code": indicator_code, "pk__in": latest},
    )


def time_rollup(indicator_code: str) -> dict[str, Any]:
    rows = national_rollup(indicator_code)  # warms the connection and the database's cache
    if not rows:
        sys.exit(f"bench: no roll-up of {indicator_code}: too few units report it")
    timings = []
    for _ in range(ROLLUP_RUNS):
        started = time.perf_counter()
        national_rollup(indicator_code)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        national_rollup(indicator_code)
    return {
        "median_ms": statistics.median(timings),
        "timings_ms": timings,
        "queries": len(queries),
        "row": {k: str(v) for k, v in rows[0].items()},
        "plan": explain(queries.captured_queries[0]["sql"]),
    }


def explain(sql: str) -> str:
    """The database's plan for `sql` (as run, on PostgreSQL), for `bench.run --profile`."""
    if connection.vendor == "postgresql":
        statement = "EXPLAIN (ANALYZE, BUFFERS) " + sql
    else:
        statement = "EXPLAIN QUERY PLAN " + sql
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return "\n".join(" ".join(str(column) for column in row) for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--indicator", required=True)
    parser.add_argument("--organisation", help="a slug; default: the one with the most units")
    parser.add_argument("--email", help="the administrator's e-mail address, {slug} filled in")
    args = parser.parse_args()
    if args.organisation:
        organisation = Organisation.objects.get(slug=args.organisation)
    else:
        organisation = largest_organisation()
    person = administrator(organisation, args.email)
    with unscoped():
        sizes = {
            "organisations": Organisation.objects.count(),
            "units": OrgUnit.objects.count(),
            "goals": Goal.objects.count(),
            "measurements": Measurement.objects.count(),
            "units_here": OrgUnit.objects.filter(organisation=organisation).count(),
            "goals_here": Goal.objects.filter(organisation=organisation).count(),
            "active_goals_here": Goal.objects.filter(
                Q(organisation=organisation) & Q(status=Goal.Status.ACTIVE)
            ).count(),
        }
    result = {
        "organisation": organisation.slug,
        "email": person.email,
        "dashboard": reverse("dashboards:organisation", args=[organisation.slug]),
        "baseline": reverse("baseline"),
        "sizes": sizes,
        "rollup": time_rollup(args.indicator),
        "pages": measure_pages(key_pages(organisation, args.indicator), person),
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
