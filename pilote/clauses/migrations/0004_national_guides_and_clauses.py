"""Load the national model clauses and segment guides (and the 'événementiel' segment) — data migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from pilote.clauses.national_guides import load_national_content
    from pilote.clauses.reference import load_national_segments

    segment = apps.get_model("clauses", "Segment")
    load_national_segments(segment)
    load_national_content(segment, apps.get_model("clauses", "Clause"), apps.get_model("clauses", "SegmentGuide"))


class Migration(migrations.Migration):
    dependencies = [("clauses", "0003_guides_and_clauses")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
