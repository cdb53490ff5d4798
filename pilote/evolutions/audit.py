"""Audit verbs of the evolutions app (registered in EvolutionsConfig.ready)."""

from django.db import models


class EvolutionsVerb(models.TextChoices):
    REGISTRE_OUVERT = "evolutions.registre_ouvert", "registre des modifications ouvert"
    MODIFICATION_PROPOSEE = "evolutions.modification_proposee", "modification proposée"
    MODIFICATION_NON_CONFORME = "evolutions.modification_non_conforme", "modification enregistrée non conforme"
    MODIFICATION_SIGNEE = "evolutions.modification_signee", "modification signée"
    MODIFICATION_PUBLIEE = "evolutions.modification_publiee", "modification publiée dans les DECP"
    AVIS_ENREGISTRE = "evolutions.avis_enregistre", "avis enregistré sur une modification"
    CLAUSE_CREEE = "evolutions.clause_creee", "clause d'évolution créée"
    CLAUSE_ACTIVEE = "evolutions.clause_activee", "clause d'évolution activée"
    CLAUSE_RATTACHEE = "evolutions.clause_rattachee", "clause d'évolution rattachée à une fiche visa"
    CLAUSE_DETACHEE = "evolutions.clause_detachee", "clause d'évolution détachée d'une fiche visa"
    NEGOCIATION_CREEE = "evolutions.negociation_creee", "négociation responsable ouverte"
    QUESTIONS_ENVOYEES = "evolutions.questions_envoyees", "questions d'impact envoyées à tous les soumissionnaires"
    ALLEGATION_SAISIE = "evolutions.allegation_saisie", "allégation d'impact d'un soumissionnaire saisie"
    ENGAGEMENT_RETENU = "evolutions.engagement_retenu", "engagement retenu en clause d'exécution"
    ENGAGEMENT_MESURE = "evolutions.engagement_mesure", "réalisation d'un engagement mesurée"
    SEANCE_OUVERTE = "evolutions.seance_ouverte", "séance du théâtre des négociations ouverte"
    PROPOSITION_SEANCE = "evolutions.proposition_seance", "proposition mise sur la table en séance"
    NOTE_SEANCE = "evolutions.note_seance", "note ajoutée au compte rendu de séance"
    LIEN_CONSIGNE = "evolutions.lien_consigne", "lien de consigne privée remis à un joueur invité"
