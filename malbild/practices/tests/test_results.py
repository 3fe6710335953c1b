"""What a practice shows others of the goals it came from: never a draft goal's title."""

import importlib

import pytest
from django.apps import apps

from malbild.goals.models import Goal
from malbild.goals.tests.builders import adopt, make_goal
from malbild.practices.models import Practice
from malbild.practices.services import results_of
from malbild.practices.tests.builders import make_practice
from malbild.tenants.scope import scope, unscoped

pytestmark = pytest.mark.django_db


def goals(cast) -> tuple[Goal, Goal]:
    adopt(cast.org)
    active = make_goal(cast.org, cast.school, "Alla elever programmerar", status="active")
    hidden = make_goal(cast.org, cast.school, "Ett mål som ännu är ett utkast")
    return active, hidden


def test_a_draft_goal_is_left_out_of_the_results(cast):
    active, hidden = goals(cast)
    practice = make_practice(cast.org, cast.school, state=Practice.State.PUBLIC,
                             goals=[active, hidden])  # fmt: skip
    assert [r["title"] for r in practice.results] == ["Alla elever programmerar"]
    assert [r["title"] for r in results_of([active, hidden], [])] == ["Alla elever programmerar"]


def test_the_migration_removes_draft_goals_from_results_saved_before(cast):
    active, hidden = goals(cast)
    practice = make_practice(cast.org, cast.school, goals=[active, hidden])
    with scope(cast.org):
        old = [*practice.results, {"kind": "goal", "title": hidden.title, "progress": None,
                                   "light": "no_data"}]  # fmt: skip
        Practice.objects.filter(pk=practice.pk).update(results=old)
    migration = importlib.import_module(
        "malbild.practices.migrations.0002_results_without_draft_goals"
    )
    with unscoped():
        migration.forget_draft_goals(apps, None)
        practice.refresh_from_db()
    assert [r["title"] for r in practice.results] == ["Alla elever programmerar"]
