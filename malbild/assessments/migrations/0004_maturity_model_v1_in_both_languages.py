"""Version 1 of the maturity model in Swedish and English (`assessments.content`).

A fresh database gets the whole version here. A database that stored version 1 before (in
English, by 0002) gets the Swedish beside it, statement by statement through the stable keys,
and the English as `content` has it. Written with this migration's models rather than through
`content.ensure`, so that later changes to the live models cannot break it."""

from django.db import migrations

VERSION = 1


def write(apps, schema_editor):
    from malbild.assessments.content import VERSIONS

    MaturityModel = apps.get_model("assessments", "MaturityModel")
    Area = apps.get_model("assessments", "Area")
    Statement = apps.get_model("assessments", "Statement")
    title, areas = VERSIONS[VERSION]
    model, _created = MaturityModel.objects.update_or_create(
        version=VERSION, defaults={"title_sv": title.sv, "title_en": title.en}
    )
    for position, spec in enumerate(areas, start=1):
        area, _created = Area.objects.update_or_create(
            model=model,
            key=spec.key,
            defaults={
                "name_sv": spec.name.sv,
                "name_en": spec.name.en,
                "description_sv": spec.description.sv,
                "description_en": spec.description.en,
            },
            create_defaults={
                "name_sv": spec.name.sv,
                "name_en": spec.name.en,
                "description_sv": spec.description.sv,
                "description_en": spec.description.en,
                "foundation": spec.foundation,
                "position": position,
            },
        )
        for index, s in enumerate(spec.statements, start=1):
            texts = {
                "text_sv": s.text.sv,
                "text_en": s.text.en,
                "next_step_sv": s.next_step.sv,
                "next_step_en": s.next_step.en,
            }
            Statement.objects.update_or_create(
                model=model,
                key=s.key,
                defaults=texts,
                create_defaults={**texts, "area": area, "tags": list(s.tags), "position": index},
            )


def unwrite_swedish(apps, schema_editor):
    """Back to 0003: the rows stay, as 0002 left them (the Swedish columns go with 0003)."""


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_model_texts_in_both_languages")]

    operations = [migrations.RunPython(write, unwrite_swedish)]
