"""Each goal's assessed light from its latest follow-up report marked ready, for the reports
written before goals kept it."""

from typing import Any

from django.db import migrations


def fill(apps: Any, schema_editor: Any) -> None:
    Goal = apps.get_model("goals", "Goal")
    Report = apps.get_model("followup", "Report")
    latest: dict[int, str] = {}
    reports = Report.objects.filter(state__in=["ready", "approved"]).order_by(
        "period__ends_on", "period_id"
    )
    for goal_id, light in reports.values_list("goal_id", "light"):
        latest[goal_id] = light  # the last one wins: the latest period
    for goal_id, light in latest.items():
        Goal.objects.filter(pk=goal_id).update(assessed_light=light)


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_late_reminder"),
        ("goals", "0004_assessed_light"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
