"""What each virtual user of the load test does (bench/loadtest.py): run in its own process with
the server's environment, before the server starts; prints one JSON list, a plan per user.

The users are spread over the organisations, largest first, each logged in as its
organisation's administrator (the dataset's only account per organisation). Each gets its own
open self-assessment round (group mode, the administrator answering for the group) in one of
its organisation's schools, so that the users' answers never contend for one row, as two
people's never do.

    python -m bench.journeys --users 64 --indicator NAT-BEH9
"""

import argparse
import json
import os
import sys
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
django.setup()

from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.database import SCRATCH  # noqa: E402
from malbild.accounts.models import User  # noqa: E402
from malbild.assessments import services as assessments  # noqa: E402
from malbild.assessments.models import AssessmentRound, Level, Statement  # noqa: E402
from malbild.goals.models import Goal  # noqa: E402
from malbild.indicators.models import Indicator, Measurement  # noqa: E402
from malbild.tenants.models import Organisation, OrgUnit  # noqa: E402
from malbild.tenants.scope import scope, unscoped  # noqa: E402

PAGES_EACH = 3  # units, goals and indicators a user visits in turn


def organisations() -> list[Organisation]:
    """Every organisation of the dataset with units, the one with the most units first."""
    with unscoped():
        counts = (
            OrgUnit.objects.exclude(organisation__slug__startswith=SCRATCH)
            .values("organisation")
            .annotate(n=Count("id"))
            .order_by("-n", "organisation")
        )
        ids = [row["organisation"] for row in counts]
    found = Organisation.objects.in_bulk(ids)
    return [found[pk] for pk in ids]


def pages_of(organisation: Organisation, indicator_code: str) -> dict[str, Any]:
    """The pages and the write that every user of `organisation` shares."""
    slug = organisation.slug
    with scope(organisation):
        current = OrgUnit.objects.filter(archived_at__isnull=True)
        units = list(current.order_by("depth", "pk")[: PAGES_EACH + 1])
        goals = list(
            Goal.objects.filter(status=Goal.Status.ACTIVE).order_by("pk")[:PAGES_EACH]
        ) or list(Goal.objects.order_by("pk")[:PAGES_EACH])
        measured = Indicator.objects.filter(code=indicator_code).first()
        indicators = list(Indicator.objects.order_by("pk")[:PAGES_EACH])
        latest = (
            Measurement.objects.filter(indicator=measured, gender=Measurement.Gender.ALL)
            .select_related("org_unit")
            .order_by("-position", "pk")
            .first()
        )
    if not units or not goals or measured is None or latest is None:
        sys.exit(f"bench: {slug} lacks units, goals or values of {indicator_code}")
    return {
        "baseline": reverse("baseline"),
        "dashboard": reverse("dashboards:organisation", args=[slug]),
        "units": [reverse("dashboards:unit", args=[slug, unit.pk]) for unit in units],
        "goals": [reverse("goals:detail", args=[slug, goal.pk]) for goal in goals],
        "indicators": [reverse("indicators:detail", args=[slug, i.pk]) for i in indicators],
        # A value entered again for the unit and period last reported: a replacement, as when
        # a figure is corrected; it changes the organisation's data version like any write.
        "measurement": {
            "indicator": measured.pk,
            "path": reverse("indicators:measurement", args=[slug, measured.pk]),
            "form": {
                "unit": str(latest.org_unit_id),
                "period": latest.period,
                "gender": Measurement.Gender.ALL,
            },
        },
    }


def open_round(organisation: Organisation, admin: User, number: int) -> dict[str, Any]:
    """A group round of its own for one user, in one of the organisation's schools."""
    with scope(organisation):
        schools = list(
            OrgUnit.objects.filter(archived_at__isnull=True, children__isnull=True).order_by("pk")
        )
        unit = schools[number % len(schools)]
        round_ = assessments.start_round(
            organisation, None, unit=unit, title=f"Lasttest {number + 1}",
            mode=AssessmentRound.Mode.GROUP, participants=[admin],
        )  # fmt: skip
        statements = list(
            Statement.objects.filter(model_id=round_.model_id)
            .order_by("area__position", "position")
            .values_list("pk", flat=True)
        )
    slug = organisation.slug
    return {
        "page": reverse("assessments:answer", args=[slug, round_.pk]),
        "answers": [
            {
                "path": reverse("assessments:answer_statement", args=[slug, round_.pk, pk]),
                "field": f"s{pk}-level",
                "round": round_.pk,
                "statement": pk,
            }
            for pk in statements
        ],
        "levels": [str(level) for level in Level.values],
    }


def plans(users: int, indicator_code: str) -> list[dict[str, Any]]:
    found = organisations()
    shared: dict[int, dict[str, Any]] = {}
    admins: dict[int, User] = {}
    result = []
    for number in range(users):
        organisation = found[number % len(found)]
        if organisation.pk not in shared:
            shared[organisation.pk] = pages_of(organisation, indicator_code)
            admins[organisation.pk] = User.objects.get(email=f"admin@{organisation.slug}.example")
        admin = admins[organisation.pk]
        result.append(
            {
                "organisation": organisation.slug,
                "email": admin.email,
                **shared[organisation.pk],
                "round": open_round(organisation, admin, number),
            }
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--indicator", required=True)
    args = parser.parse_args()
    json.dump(plans(args.users, args.indicator), sys.stdout)


if __name__ == "__main__":
    main()
