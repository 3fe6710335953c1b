import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('goals', '0001_initial'),
        ('scanning', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='evidence',
            name='signal',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='evidence', to='scanning.signal', verbose_name='signal'),
        ),
    ]
