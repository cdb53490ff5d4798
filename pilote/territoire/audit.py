"""Audit verbs of the territory app (registered in TerritoireConfig.ready)."""

from django.db import models


class TerritoireVerb(models.TextChoices):
    IMPORT = "territoire.import", "import de données du territoire"
    ACTEURS_FUSIONNES = "territoire.acteurs_fusionnes", "acteurs fusionnés"
    FONDS_CREE = "territoire.fonds_cree", "fonds créé"
    APPORT = "territoire.apport", "apport au fonds"
    APPEL_OUVERT = "territoire.appel_ouvert", "appel à initiatives ouvert"
    CANDIDATURE = "territoire.candidature", "candidature déposée"
    FORUM = "territoire.forum", "forum des initiatives locales"
    MEMBRE_COMITE = "territoire.membre_comite", "membre du comité et liens déclarés"
    NOTE = "territoire.note", "note du comité"
    DECISION = "territoire.decision", "décision sur une initiative"
    JALON = "territoire.jalon", "jalon de suivi"
    ACTEUR_SAISI = "territoire.acteur_saisi", "acteur saisi à la main"
    JALON_SUIVI = "territoire.jalon_suivi", "compte rendu ou atteinte d'un jalon"
