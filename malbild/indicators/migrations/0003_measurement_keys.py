"""The measurement table's keys, made cheaper to write.

`organisation_id` gets no index of its own (the unique key and the series index begin with it)
and no database constraint: every writer sets it from the organisation it works for (the
importers' test proves it), Django's collector deletes an organisation's measurements with it,
and the indicator and the unit keep their foreign keys. A 200,000-row import then checks two
keys per row instead of three; the checks were the larger part of its time
(docs/performance.md).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0002_kolada_kpi'),
        ('tenants', '0003_organisation_data_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='measurement',
            name='organisation',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='tenants.organisation', verbose_name='organisation'),
        ),
    ]
