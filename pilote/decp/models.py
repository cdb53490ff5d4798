"""ImportRun: one DECP import started from the web (support page) or a task, with its progress and report.

The data itself lives in the Parquet store (pilote.decp.store), not in the database; this model only tracks
who started what and how it went, so the support page can show progress and the report.

A run belongs to the organisation it was run for (its report and rejects are visible there only); a run without
organisation is a national import, started by a data steward (User.is_data_steward) or the command line.
"""

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "en attente"
        RUNNING = "running", "en cours"
        SUCCEEDED = "succeeded", "terminé"
        FAILED = "failed", "échoué"
        INTERRUPTED = "interrupted", "interrompu"

    source = models.CharField("source", max_length=2000, help_text="chemin ou adresse du fichier importé")
    source_name = models.CharField("nom de la source", max_length=200, blank=True)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.FloatField("avancement", default=0.0, help_text="fraction de 0 à 1")
    message = models.TextField("message", blank=True)
    report = models.JSONField("rapport", null=True, blank=True)
    started_at = models.DateTimeField("début", null=True, blank=True)
    finished_at = models.DateTimeField("fin", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="lancé par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decp_import_runs",
    )

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name="pour l'organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="decp_import_runs",
        help_text="vide : import national (gestionnaires des données nationales)",
    )

    class Meta:
        verbose_name = "import DECP"
        verbose_name_plural = "imports DECP"
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import DECP {self.source} ({self.get_status_display()})"

    @property
    def is_national(self):
        return self.organisation_id is None

    @property
    def finished(self):
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED, self.Status.INTERRUPTED}


class UrlHost(models.Model):
    """A host the server may download DECP files from, added by a data steward (the allow-list of issue 15).
    While the list (these rows plus PILOTE_DECP_URL_HOSTS) is empty, any public https host is allowed."""

    host = models.CharField("hôte", max_length=253, unique=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField("ajouté le", auto_now_add=True)

    class Meta:
        verbose_name = "hôte autorisé pour les imports par adresse"
        verbose_name_plural = "hôtes autorisés pour les imports par adresse"
        ordering = ["host"]

    def __str__(self):
        return self.host
