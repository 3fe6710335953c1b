"""Remove the titles of draft goals from the results that practices show to other organisations
and the public: the snapshot took every linked goal until drafts were left out of it."""

from django.db import migrations


def forget_draft_goals(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    for practice in Practice.objects.filter(goals__status="draft").distinct():
        drafts = set(practice.goals.filter(status="draft").values_list("title", flat=True))
        kept = [
            item
            for item in practice.results
            if not (item.get("kind") == "goal" and item.get("title") in drafts)
        ]
        if kept != practice.results:
            Practice.objects.filter(pk=practice.pk).update(results=kept)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0001_initial"),
        ("goals", "0003_evidence_assessment_round"),
    ]

    operations = [migrations.RunPython(forget_draft_goals, migrations.RunPython.noop)]
