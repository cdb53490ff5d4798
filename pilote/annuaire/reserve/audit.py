"""Audit verbs of the reserve of public procurement (registered in AnnuaireConfig.ready)."""

from django.db import models


class ReserveVerb(models.TextChoices):
    DEMANDE_POSTEE = "reserve.demande_postee", "demande de réserviste postée"
    DEMANDE_ACCEPTEE = "reserve.demande_acceptee", "demande de réserviste acceptée"
    SUIVI = "reserve.suivi", "note de suivi d'une mission"
    DEMANDE_CLOSE = "reserve.demande_close", "demande de réserviste close"
