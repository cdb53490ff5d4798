"""Audit verbs of the DECP imports (registered in DecpConfig.ready)."""

from django.db import models


class DecpVerb(models.TextChoices):
    IMPORT_DEMANDE = "decp.import_demande", "import de données DECP demandé"
