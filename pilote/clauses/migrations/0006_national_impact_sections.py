"""Fill the section « guide de sourcing et d'analyse des impacts » of the national guides — data migration."""

from django.db import migrations


def forwards(apps, schema_editor):
    from pilote.clauses.national_impacts import fill_national_impacts

    fill_national_impacts(apps.get_model("clauses", "Segment"), apps.get_model("clauses", "SegmentGuide"))


class Migration(migrations.Migration):
    dependencies = [("clauses", "0005_guide_impact_section")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
