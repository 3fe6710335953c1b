"""Every story picture stored before uploads were written anew is cleaned the same way: decoded
and written anew without EXIF (GPS position, device, time), XMP, ICC profile or comments, turned
upright and made no larger than the upload limit (communication.images.clean_stored). A stored
file that cannot be decoded is deleted with its row. Each picture is its own transaction, so
the migration is not atomic as a whole."""

from django.db import migrations


def clean(apps, schema_editor):
    from malbild.communication import images

    images.clean_stored(registry=apps)


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("communication", "0002_story_highlighted_alter_quote_consent_by_and_more")]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
