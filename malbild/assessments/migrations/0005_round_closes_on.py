from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_maturity_model_v1_in_both_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessmentround",
            name="closes_on",
            field=models.DateField(blank=True, null=True, verbose_name="last day to answer"),
        ),
    ]
