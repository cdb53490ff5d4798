"""Audit verbs of the segment guides and the clause library (registered in ClausesConfig.ready)."""

from django.db import models


class ClausesVerb(models.TextChoices):
    GUIDE_CREE = "guide.cree", "guide de segment créé"
    GUIDE_MODIFIE = "guide.modifie", "guide de segment modifié"
    CLAUSE_CREEE = "clause.creee", "clause créée"
    CLAUSE_MODIFIEE = "clause.modifiee", "clause modifiée"
    SEGMENT_CREE = "segment.cree", "segment d'achat créé"
    SEGMENT_MODIFIE = "segment.modifie", "segment d'achat modifié"
