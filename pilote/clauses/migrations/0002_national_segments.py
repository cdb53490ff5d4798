"""Load the national reference segments (data migration)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from pilote.clauses.reference import load_national_segments

    load_national_segments(apps.get_model("clauses", "Segment"))


class Migration(migrations.Migration):
    dependencies = [("clauses", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
