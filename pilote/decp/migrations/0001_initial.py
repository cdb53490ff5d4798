import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportRun",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "source",
                    models.CharField(
                        help_text="chemin ou adresse du fichier importé", max_length=2000, verbose_name="source"
                    ),
                ),
                ("source_name", models.CharField(blank=True, max_length=200, verbose_name="nom de la source")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "en attente"),
                            ("running", "en cours"),
                            ("succeeded", "terminé"),
                            ("failed", "échoué"),
                        ],
                        default="pending",
                        max_length=20,
                        verbose_name="statut",
                    ),
                ),
                ("progress", models.FloatField(default=0.0, help_text="fraction de 0 à 1", verbose_name="avancement")),
                ("message", models.TextField(blank=True, verbose_name="message")),
                ("report", models.JSONField(blank=True, null=True, verbose_name="rapport")),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="début")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="fin")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="decp_import_runs",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="lancé par",
                    ),
                ),
            ],
            options={
                "verbose_name": "import DECP",
                "verbose_name_plural": "imports DECP",
                "ordering": ["-created_at"],
            },
        ),
    ]
