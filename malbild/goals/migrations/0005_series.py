"""The stored series of goals and their indicator links (`goals.progress`), filled for the rows
that existed before: each link's latest values and plan, then each goal's progress over time,
rolled up through children and contributions as its progress is. The pure functions of
`goals.progress` do the arithmetic: they read plain attributes, which historical models have."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import migrations, models

from malbild.goals.progress import BATCH, goal_series, link_progress, link_series


def fill(apps: Any, schema_editor: Any) -> None:
    Organisation = apps.get_model("tenants", "Organisation")
    Goal = apps.get_model("goals", "Goal")
    GoalIndicator = apps.get_model("goals", "GoalIndicator")
    Contribution = apps.get_model("goals", "Contribution")
    IndicatorTarget = apps.get_model("indicators", "IndicatorTarget")
    Measurement = apps.get_model("indicators", "Measurement")
    for organisation_id in Organisation.objects.values_list("pk", flat=True):
        links = list(
            GoalIndicator.objects.filter(organisation_id=organisation_id).select_related(
                "indicator", "goal"
            )
        )
        if not links:
            continue
        targets: dict[int, list[Any]] = defaultdict(list)
        for target in IndicatorTarget.objects.filter(organisation_id=organisation_id).order_by(
            "position"
        ):
            targets[target.indicator_id].append(target)
        wanted = {(link.indicator_id, link.goal.unit_id) for link in links}
        measured: dict[tuple[int, int], list[Any]] = defaultdict(list)
        for row in (
            Measurement.objects.filter(
                organisation_id=organisation_id,
                indicator_id__in={i for i, _u in wanted},
                gender="T",
                value__isnull=False,
            )
            .order_by("indicator_id", "org_unit_id", "position")
            .only("indicator_id", "org_unit_id", "position", "value", "period")
        ):
            if (row.indicator_id, row.org_unit_id) in wanted:
                measured[(row.indicator_id, row.org_unit_id)].append(row)
        link_parts: dict[int, list[tuple[Decimal, list[list[Any]]]]] = defaultdict(list)
        for link in links:
            link.series = link_series(
                link.indicator,
                targets[link.indicator_id],
                measured[(link.indicator_id, link.goal.unit_id)],
            )
            link_parts[link.goal_id].append((link.weight, link_progress(link.series)))
        GoalIndicator.objects.bulk_update(links, ["series"], batch_size=BATCH)
        goals = {
            g.pk: g
            for g in Goal.objects.filter(organisation_id=organisation_id).only(
                "parent_id", "weight", "status", "series"
            )
        }
        children: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
        for goal in goals.values():
            if goal.parent_id is not None and goal.status != "closed":
                children[goal.parent_id].append((goal.weight, goal.pk))
        contributors: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
        for contribution in Contribution.objects.filter(organisation_id=organisation_id):
            contributors[contribution.to_goal_id].append(
                (contribution.weight, contribution.goal_id)
            )
        series = goal_series(goals, link_parts, children, contributors, {})
        changed = []
        for goal_id, found in series.items():
            if found:
                goals[goal_id].series = found
                changed.append(goals[goal_id])
        Goal.objects.bulk_update(changed, ["series"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0004_assessed_light"),
        ("indicators", "0004_measurement_key_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="series",
            field=models.JSONField(
                blank=True, default=list, editable=False, verbose_name="progress over time"
            ),
        ),
        migrations.AddField(
            model_name="goalindicator",
            name="series",
            field=models.JSONField(
                blank=True, default=dict, editable=False, verbose_name="values over time"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
