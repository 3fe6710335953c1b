import ast
from pathlib import Path

import pytest
from django.db.models import Count

from conftest import make_unit
from malbild.tenants import shared
from malbild.tenants.models import OrgUnit

PACKAGE = Path(__file__).resolve().parents[2]

# Every place that reads across organisations, and why. Add a line here with each new caller.
EXPECTED_CALLERS: set[str] = {
    # The practice library: shared and public practices, their tips and comments (/delat/praxis/).
    "malbild/practices/views.py",
    # The national comparison of shared self-assessments (never fewer than five units).
    "malbild/assessments/national.py",
}


def callers() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts or path.name == "shared.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "shared"
            ) or (isinstance(node, ast.ImportFrom) and node.module == "malbild.tenants.shared"):
                found.add(str(path.relative_to(PACKAGE.parent)))
    return found


def unscoped_callers() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.parts:
            continue
        if "unscoped()" in path.read_text():
            found.add(str(path.relative_to(PACKAGE.parent)))
    return found


def test_the_list_of_cross_organisation_reads_is_complete():
    assert callers() == EXPECTED_CALLERS


def test_only_known_places_step_outside_the_tenant_scope():
    # Each with its reason: the scope module itself; the shared door; the technical admin for
    # superusers; a person's own roles in every organisation; an invitation link that names no
    # organisation (the signed key finds it); the national test-data generator deleting the
    # organisations it made, with --replace; a person's own data in every organisation (the
    # download), their anonymisation and its rewriting of the audit trail; removing audit events
    # older than the retention in every organisation.
    assert unscoped_callers() == {
        "malbild/accounts/personal_data.py",
        "malbild/accounts/services.py",
        "malbild/audit/redaction.py",
        "malbild/audit/tasks.py",
        "malbild/demo/national.py",
        "malbild/tenants/scope.py",
        "malbild/tenants/shared.py",
        "malbild/tenants/admin_site.py",
        "malbild/tenants/models.py",
        "malbild/tenants/services.py",
        # An API key found by its hash (it names its own organisation, which the API compares
        # with the URL's), a person's own keys on the profile page, and revoking them all when
        # the person is anonymised.
        "malbild/api/tokens.py",
        # The sweeps that mark imports and follow-up documents failed whose process died, in
        # every organisation (each is then handled inside its own organisation's scope).
        "malbild/imports/interrupted.py",
        "malbild/reports/services.py",
        # Getting started: the roles waiting for a person's login, found by their own address
        # in every organisation, in their download and removed when they are anonymised; and,
        # for a file of people, whether each belongs to another organisation (ids only), so
        # that they are invited rather than given a role.
        "malbild/onboarding/services.py",
        "malbild/onboarding/personal_data.py",
        "malbild/onboarding/peoplefile.py",
        # A pupil's survey code names no organisation (the code finds it, and the answer is
        # then stored in its organisation's scope), and a new code must be unique across all.
        "malbild/surveys/services.py",
    }


def test_only_declared_models_are_published_across_organisations():
    with pytest.raises(TypeError, match="not shared"):
        shared.published(OrgUnit)


@pytest.mark.django_db
def test_aggregates_hide_groups_of_fewer_than_five_units(cast):
    for i in range(4):
        make_unit(cast.ekby, f"Förskola {i}", cast.ekby_root, kind="forskola")
    for i in range(2):
        make_unit(cast.ekby, f"Skola {i}", cast.ekby_root, kind="skola")
    rows = shared.aggregated(OrgUnit, group_by=["kind"], unit_field="id", values={"n": Count("id")})
    by_kind = {row["kind"]: row["units"] for row in rows}
    # Five schools across the two municipalities are enough; four preschools are too few.
    assert by_kind == {"skola": 5}
