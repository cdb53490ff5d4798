"""Audit verbs of the fiche visa (registered in FichesConfig.ready). A fiche's own history (FicheEvent) keeps
the short form of the same verbs ("creee", "soumettre"…): `FicheVerb.short`."""

from django.db import models


class FicheVerb(models.TextChoices):
    CREEE = "fiche.creee", "fiche visa créée"
    MODIFIEE = "fiche.modifiee", "fiche visa modifiée"
    # One member per workflow transition (pilote.fiches.workflow.TRANSITIONS), value "fiche.<transition name>".
    SOUMETTRE = "fiche.soumettre", "fiche visa soumise"
    INSTRUIRE = "fiche.instruire", "fiche visa prise en instruction"
    DEMANDER_REPRISE = "fiche.demander_reprise", "compléments demandés"
    VISER = "fiche.viser", "fiche visa visée"
    VISER_RESERVES = "fiche.viser_reserves", "fiche visa visée avec réserves"
    REFUSER = "fiche.refuser", "fiche visa refusée"
    ROUVRIR = "fiche.rouvrir", "fiche visa rouverte par le service d'appui"
    INSTRUCTEUR = "fiche.instructeur", "instructeur de la fiche désigné"
    COMMENTEE = "fiche.commentee", "commentaire ajouté"
    PIECE_AJOUTEE = "fiche.piece_ajoutee", "pièce jointe ajoutée"
    RATTACHEE = "fiche.rattachee", "fiche rattachée à un marché notifié"
    RELANCE = "fiche.relance", "relance des fiches en retard d'instruction"
    EVALUATION_CREEE = "evaluation.creee", "évaluation de marché enregistrée"

    @classmethod
    def for_transition(cls, name: str) -> "FicheVerb":
        """The verb of a workflow transition (ValueError for a transition without one: add the member)."""
        return cls(f"fiche.{name}")

    @property
    def short(self) -> str:
        """The verb as a fiche's history stores it."""
        return self.value.removeprefix("fiche.")
