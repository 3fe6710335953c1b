"""Version 1 of Elevrösten's bank of statements, written from `surveys.content` (idempotent)."""

from django.db import migrations


def load(apps, schema_editor):
    from malbild.surveys import content

    content.ensure(1, registry=apps)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
