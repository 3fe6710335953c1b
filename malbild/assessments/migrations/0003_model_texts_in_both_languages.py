"""The maturity model's texts in Swedish and English: the stored (English) columns become the
English ones, and each gets a Swedish sibling that 0004 fills in (`assessments.content`)."""

from django.db import migrations, models

RENAMED = [
    ("maturitymodel", "title", "title_en"),
    ("area", "name", "name_en"),
    ("area", "description", "description_en"),
    ("statement", "text", "text_en"),
    ("statement", "next_step", "next_step_en"),
]


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_maturity_model_v1")]

    operations = [
        *(migrations.RenameField(model, old, new) for model, old, new in RENAMED),
        migrations.AlterField(
            model_name="maturitymodel",
            name="title_en",
            field=models.CharField(max_length=200, verbose_name="title in English"),
        ),
        migrations.AddField(
            model_name="maturitymodel",
            name="title_sv",
            field=models.CharField(default="", max_length=200, verbose_name="title in Swedish"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="area",
            name="name_en",
            field=models.CharField(max_length=100, verbose_name="name in English"),
        ),
        migrations.AddField(
            model_name="area",
            name="name_sv",
            field=models.CharField(default="", max_length=100, verbose_name="name in Swedish"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="area",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="description in English"),
        ),
        migrations.AddField(
            model_name="area",
            name="description_sv",
            field=models.TextField(blank=True, verbose_name="description in Swedish"),
        ),
        migrations.AlterField(
            model_name="statement",
            name="text_en",
            field=models.TextField(verbose_name="statement in English"),
        ),
        migrations.AddField(
            model_name="statement",
            name="text_sv",
            field=models.TextField(default="", verbose_name="statement in Swedish"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="statement",
            name="next_step_en",
            field=models.TextField(verbose_name="next step in English"),
        ),
        migrations.AddField(
            model_name="statement",
            name="next_step_sv",
            field=models.TextField(default="", verbose_name="next step in Swedish"),
            preserve_default=False,
        ),
    ]
