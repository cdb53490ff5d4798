"""Audit verbs of the census of needs (registered in RecensementConfig.ready)."""

from django.db import models


class RecensementVerb(models.TextChoices):
    CAMPAGNE_OUVERTE = "recensement.campagne_ouverte", "campagne de recensement ouverte"
    CAMPAGNE_CLOSE = "recensement.campagne_close", "campagne de recensement close"
    SERVICES_INVITES = "recensement.services_invites", "services invités au recensement"
    BESOIN_AJOUTE = "recensement.besoin_ajoute", "besoin ajouté"
    BESOIN_MODIFIE = "recensement.besoin_modifie", "besoin modifié"
    BESOIN_SUPPRIME = "recensement.besoin_supprime", "besoin supprimé"
    IMPORT = "recensement.import", "besoins importés d'un tableur"
    FICHE_CREEE = "recensement.fiche_creee", "fiche visa créée depuis un besoin"
