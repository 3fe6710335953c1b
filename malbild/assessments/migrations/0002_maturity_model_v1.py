"""Version 1 of the maturity model, written from `assessments.content` (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from malbild.assessments import content

    content.ensure(1, registry=apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
