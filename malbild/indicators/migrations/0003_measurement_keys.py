"""The measurement table's keys, made cheaper to write and stricter.

Both databases: no index of its own on `organisation_id`; the unique key and the series index
begin with it and serve every lookup by organisation.

PostgreSQL: the three single-column foreign keys become two composite ones,
(organisation_id, indicator_id) → indicator and (organisation_id, org_unit_id) → unit. A
measurement can then point only at an indicator and a unit of its own organisation (the
database itself keeps tenants apart), and each row written costs two key checks instead of
three: the checks were the larger part of a 200,000-row import (docs/performance.md). The
model still declares plain foreign keys, which is what SQLite keeps.
"""

from django.db import migrations, models
import django.db.models.deletion

TABLE = "indicators_measurement"
COMPOSITE = [
    # (constraint, column, target table, unique key added to the target)
    ("indicators_measurement_indicator_in_org", "indicator_id", "indicators_indicator",
     "indicators_indicator_in_org"),
    ("indicators_measurement_unit_in_org", "org_unit_id", "tenants_orgunit",
     "tenants_orgunit_in_org"),
]  # fmt: skip


def composite_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [TABLE],
        )
        single = [name for (name,) in cursor.fetchall()]
    for name in single:
        schema_editor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
    for name, column, target, unique in COMPOSITE:
        schema_editor.execute(
            f"ALTER TABLE {target} ADD CONSTRAINT {unique} UNIQUE (organisation_id, id)"
        )
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} FOREIGN KEY (organisation_id, {column}) "
            f"REFERENCES {target} (organisation_id, id) DEFERRABLE INITIALLY DEFERRED"
        )


def plain_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _column, target, unique in COMPOSITE:
        schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {name}")
        schema_editor.execute(f"ALTER TABLE {target} DROP CONSTRAINT {unique}")
    measurement = apps.get_model("indicators", "Measurement")
    for field_name in ("organisation", "indicator", "org_unit"):
        field = measurement._meta.get_field(field_name)
        schema_editor.execute(
            schema_editor._create_fk_sql(measurement, field, "_fk_%(to_table)s_%(to_column)s")
        )


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_kolada_kpi'),
        ('tenants', '0003_organisation_data_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='measurement',
            name='organisation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.organisation', verbose_name='organisation'),
        ),
        migrations.RunPython(composite_keys, plain_keys),
    ]
