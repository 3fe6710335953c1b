"""Version 1 of the maturity model was written here, in English only. It is now written by
0004, with both languages, once 0003 has given the rows a column for each: a database that ran
this migration before keeps its rows, and 0004 adds their Swedish."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations: list[migrations.operations.base.Operation] = []
