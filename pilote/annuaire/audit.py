"""Audit verbs of the knowledge network: directory, lessons and charter; training; reserve (registered in
AnnuaireConfig.ready)."""

from django.db import models


class AnnuaireVerb(models.TextChoices):
    PERSONNE_AJOUTEE = "annuaire.personne_ajoutee", "personne ajoutée à l'annuaire"
    PERSONNE_MODIFIEE = "annuaire.personne_modifiee", "fiche de l'annuaire modifiée"
    RETOUR_CREE = "annuaire.retour_cree", "retour d'expérience créé"
    RETOUR_MODIFIE = "annuaire.retour_modifie", "retour d'expérience modifié"
    DOCUMENT_SUPPRIME = "annuaire.document_supprime", "document de retour d'expérience supprimé"
    CHARTE_VERSION = "annuaire.charte_version", "nouvelle version de la charte du sourçage"


class FormationVerb(models.TextChoices):
    MODULE_CREE = "formation.module_cree", "module de formation créé"
    MODULE_MODIFIE = "formation.module_modifie", "module de formation modifié"
    SESSION_CREEE = "formation.session_creee", "session de formation créée"
    SESSION_MODIFIEE = "formation.session_modifiee", "session de formation modifiée"
    INSCRIPTION = "formation.inscription", "inscription à une session"
    DESINSCRIPTION = "formation.desinscription", "désinscription d'une session"
    PROMOTION_LISTE_ATTENTE = "formation.promotion_liste_attente", "place attribuée depuis la liste d'attente"
    PRESENCE = "formation.presence", "présence enregistrée"


class ReserveVerb(models.TextChoices):
    DEMANDE_POSTEE = "reserve.demande_postee", "demande de réserviste postée"
    DEMANDE_ACCEPTEE = "reserve.demande_acceptee", "demande de réserviste acceptée"
    SUIVI = "reserve.suivi", "note de suivi d'une mission"
    DEMANDE_CLOSE = "reserve.demande_close", "demande de réserviste close"
