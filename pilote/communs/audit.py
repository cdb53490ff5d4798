"""Audit verbs of the commons partnerships (registered in CommunsConfig.ready)."""

from django.db import models


class CommunsVerb(models.TextChoices):
    RESSOURCE_CREEE = "communs.ressource_creee", "ressource ajoutée à la ressource-o-thèque"
    INITIATIVE_CREEE = "communs.initiative_creee", "initiative de communs enregistrée"
    CREDITS_ATTRIBUES = "communs.credits_attribues", "crédits d'accès attribués par décision"
    CONTRIBUTION = "communs.contribution", "contribution reconnue en crédits d'accès"
    ECRITURE_CONTREPASSEE = "communs.ecriture_contrepassee", "écriture contrepassée"
    RESERVATION_DEMANDEE = "communs.reservation_demandee", "réservation demandée"
    RESERVATION_APPROUVEE = "communs.reservation_approuvee", "réservation approuvée"
    RESERVATION_REFUSEE = "communs.reservation_refusee", "réservation refusée ou annulée"
    SORTIE = "communs.sortie", "ressource remise (sortie)"
    RETOUR = "communs.retour", "ressource rendue"
    TICKET_OUVERT = "communs.ticket_ouvert", "ticket de maintenance ouvert"
    TICKET_CLOS = "communs.ticket_clos", "ticket de maintenance clos"
    RELANCE = "communs.relance", "relance de retour en retard"
    REPRESENTANT_DESIGNE = "communs.representant_designe", "représentant d'initiative désigné"
    PROPOSITION_OUVERTE = "communs.proposition_ouverte", "proposition soumise au comité de cogestion"
    VOTE = "communs.vote", "vote au comité de cogestion"
    PROPOSITION_CLOSE = "communs.proposition_close", "vote du comité de cogestion clos"
    RESSOURCE_LIVREE = "communs.ressource_livree", "achat livré, mis au catalogue de la ressource-o-thèque"
    RESSOURCE_MODIFIEE = "communs.ressource_modifiee", "fiche d'une ressource de la ressource-o-thèque modifiée"
    PHOTO_AJOUTEE = "communs.photo_ajoutee", "photo ajoutée à une ressource"
    PHOTO_SUPPRIMEE = "communs.photo_supprimee", "photo d'une ressource supprimée"
    ACTEUR_LIE = "communs.acteur_lie", "initiative liée à un acteur du territoire"
