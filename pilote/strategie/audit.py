"""Audit verbs of the strategy app (registered in StrategieConfig.ready)."""

from django.db import models


class StrategieVerb(models.TextChoices):
    OBJECTIF_CREE = "strategie.objectif_cree", "objectif créé"
    INDICATEUR_AJOUTE = "strategie.indicateur_ajoute", "indicateur d'objectif ajouté"
    RESULTAT_SAISI = "strategie.resultat_saisi", "résultat d'indicateur saisi"
    SEANCE_OUVERTE = "strategie.seance_ouverte", "séance de modélisation ouverte"
    PARTICIPANT_ARRIVE = "strategie.participant_arrive", "participant arrivé en séance"
    SCENARIO_MODIFIE = "strategie.scenario_modifie", "scénario créé ou modifié"
    NOTE_AJOUTEE = "strategie.note_ajoutee", "note ajoutée au compte rendu de séance"
    TOUR_CLOS = "strategie.tour_clos", "tour de séance clos"
    VOTE = "strategie.vote", "vote sur un scénario"
    SEANCE_DECIDEE = "strategie.seance_decidee", "scénario retenu par la séance"
    STRATEGIE_ADOPTEE = "strategie.strategie_adoptee", "stratégie adoptée"
    STRATEGIE_MODIFIEE = "strategie.strategie_modifiee", "instrument de stratégie modifié"
    STRATEGIE_REVISEE = "strategie.strategie_revisee", "révision de stratégie publiée"
    STRATEGIE_PUBLIQUE = "strategie.strategie_publique", "publication de la stratégie changée"
    COMMENTAIRE = "strategie.commentaire", "commentaire sur la stratégie"
    JURY_CREE = "strategie.jury_cree", "jury citoyen créé"
    VOLONTAIRE_INSCRIT = "strategie.volontaire_inscrit", "volontaire inscrit"
    VOLONTAIRE_EFFACE = "strategie.volontaire_efface", "données d'un volontaire effacées"
    GRAINE_PUBLIEE = "strategie.graine_publiee", "graine du tirage publiée"
    JURY_TIRE = "strategie.jury_tire", "jury tiré au sort"
    MEMBRE_REMPLACE = "strategie.membre_remplace", "membre du jury remplacé"
    AVIS_PUBLIE = "strategie.avis_publie", "avis du jury publié"
