"""Audit verbs of the DECP imports (registered in DecpConfig.ready)."""

from django.db import models


class DecpVerb(models.TextChoices):
    IMPORT_DEMANDE = "decp.import_demande", "import de données DECP demandé"
    HOTE_AJOUTE = "decp.hote_ajoute", "hôte ajouté à la liste des imports par adresse"
    HOTE_RETIRE = "decp.hote_retire", "hôte retiré de la liste des imports par adresse"
