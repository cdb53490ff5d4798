"""Audit verbs of the directory, the lessons learnt and the sourcing charter (registered in AnnuaireConfig.ready;
training and reserve have theirs in their subpackages)."""

from django.db import models


class AnnuaireVerb(models.TextChoices):
    PERSONNE_AJOUTEE = "annuaire.personne_ajoutee", "personne ajoutée à l'annuaire"
    PERSONNE_MODIFIEE = "annuaire.personne_modifiee", "fiche de l'annuaire modifiée"
    RETOUR_CREE = "annuaire.retour_cree", "retour d'expérience créé"
    RETOUR_MODIFIE = "annuaire.retour_modifie", "retour d'expérience modifié"
    DOCUMENT_SUPPRIME = "annuaire.document_supprime", "document de retour d'expérience supprimé"
    CHARTE_VERSION = "annuaire.charte_version", "nouvelle version de la charte du sourçage"
