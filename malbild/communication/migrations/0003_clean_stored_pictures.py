"""Every story picture stored before uploads were written anew is cleaned the same way: decoded
and written anew without EXIF (GPS position, device, time), XMP, ICC profile or comments, turned
upright and made no larger than the upload limit (stories.images.clean_stored, in
communication.images when this was written). A stored
file that cannot be decoded is deleted with its row. Each picture is its own transaction, so
the migration is not atomic as a whole."""

from django.db import migrations


def clean(apps, schema_editor):
    from malbild.stories import images

    images.clean_stored(registry=apps, model="communication.StoryImage")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("communication", "0002_story_highlighted_alter_quote_consent_by_and_more")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
