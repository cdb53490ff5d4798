"""Audit verbs of the training catalogue (registered in AnnuaireConfig.ready)."""

from django.db import models


class FormationVerb(models.TextChoices):
    MODULE_CREE = "formation.module_cree", "module de formation créé"
    MODULE_MODIFIE = "formation.module_modifie", "module de formation modifié"
    SESSION_CREEE = "formation.session_creee", "session de formation créée"
    SESSION_MODIFIEE = "formation.session_modifiee", "session de formation modifiée"
    INSCRIPTION = "formation.inscription", "inscription à une session"
    DESINSCRIPTION = "formation.desinscription", "désinscription d'une session"
    PROMOTION_LISTE_ATTENTE = "formation.promotion_liste_attente", "place attribuée depuis la liste d'attente"
    PRESENCE = "formation.presence", "présence enregistrée"
