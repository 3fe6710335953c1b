"""Builders for the dashboard tests: goals with a stored progress and light, written with the
models directly (the dashboards only read what `goals.progress` stored), and wide trees written
in bulk like an import."""

from decimal import Decimal
from typing import Any

from malbild.goals.models import Evidence, Goal
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

Light = Goal.Light
# A goal's progress over four periods against its plan, as `goals.progress` stores it.
SERIES = [["2022", 2022.0, "10", "12.5"], ["2023", 2023.0, "22.5", "25"],
          ["2024", 2024.0, "31", "37.5"], ["2025", 2025.0, "42.5", "50"]]  # fmt: skip


def make_vision(org: Organisation, **fields: Any) -> TargetVision:
    values = {
        "number": 1, "status": TargetVision.Status.ADOPTED, "title": "Digital skola",
        "statement": "Alla elever lär sig.", "start_year": 2025, "end_year": 2028,
        "change_motive": "Omvärlden förändras.", "if_nothing_changes": "Eleverna halkar efter.",
        **fields,
    }  # fmt: skip
    with scope(org):
        return TargetVision.objects.create(organisation=org, **values)


def make_focus_area(org: Organisation, name: str = "Kompetens") -> FocusArea:
    with scope(org):
        return FocusArea.objects.get_or_create(organisation=org, name=name)[0]


def make_goal(
    org: Organisation,
    unit: OrgUnit,
    title: str,
    light: str = Light.ON_TRACK,
    progress: str | None = "60",
    expected: str | None = "60",
    status: str = Goal.Status.ACTIVE,
    evidence: bool = True,
    **fields: Any,
) -> Goal:
    """A goal with a stored progress and light; `evidence` adds a research reference."""
    with scope(org):
        vision = TargetVision.objects.filter(status=TargetVision.Status.ADOPTED).first()
        goal = Goal.objects.create(
            organisation=org, unit=unit, title=title, status=status, light=light,
            target_vision=vision or make_vision(org), focus_area=make_focus_area(org),
            progress=None if progress is None else Decimal(progress),
            expected=None if expected is None else Decimal(expected),
            **fields,
        )  # fmt: skip
        if evidence:
            Evidence.objects.create(
                organisation=org, goal=goal, kind=Evidence.Kind.RESEARCH, title="En studie"
            )
        return goal


def build_wide_tree(org: Organisation, parent: OrgUnit, count: int) -> list[OrgUnit]:
    """`count` schools under `parent`, each with one goal in every state the dashboards count,
    written in bulk with their materialised paths right."""
    lights = [Light.ON_TRACK, Light.AT_RISK, Light.OFF_TRACK, Light.NO_DATA]
    with scope(org):
        vision = TargetVision.objects.filter(status=TargetVision.Status.ADOPTED).first()
        vision = vision or make_vision(org)
        area = make_focus_area(org)
        schools = OrgUnit.objects.bulk_create(
            OrgUnit(organisation=org, parent=parent, name=f"Skola {i:05}", code=f"S{i}",
                    kind=OrgUnit.Kind.SCHOOL, depth=parent.depth + 1, path="/",
                    progress=Decimal(i % 100))
            for i in range(count)
        )  # fmt: skip
        for school in schools:
            school.path = f"{parent.path}{school.pk}/"
        OrgUnit.objects.bulk_update(schools, ["path"])
        Goal.objects.bulk_create(
            Goal(organisation=org, target_vision=vision, focus_area=area, unit=school,
                 title=f"Mål {i:05}", light=lights[i % 4],
                 status=Goal.Status.DRAFT if i % 5 == 0 else Goal.Status.ACTIVE,
                 progress=None if lights[i % 4] == Light.NO_DATA else Decimal(i % 100),
                 expected=Decimal(50))
            for i, school in enumerate(schools)
        )  # fmt: skip
        # Plus as many goals of `parent` itself, to fill its own (paged) list.
        Goal.objects.bulk_create(
            Goal(organisation=org, target_vision=vision, focus_area=area, unit=parent,
                 title=f"Eget mål {i:05}", light=lights[i % 4], status=Goal.Status.ACTIVE,
                 series=SERIES)
            for i in range(count)
        )  # fmt: skip
    return schools
