"""Choices of the core domain (French labels, as shown to users)."""

from django.db import models


class Role(models.TextChoices):
    AGENT = "agent", "Agent (prescripteur)"
    ACHETEUR = "acheteur", "Acheteur"
    APPUI = "appui", "Service d'appui"
    ELU = "elu", "Élu / lecteur"
    ADMIN = "admin", "Administrateur"


class OrganisationKind(models.TextChoices):
    REGION = "region", "Région"
    DEPARTEMENT = "departement", "Département"
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    ETAT = "etat", "État"
    ETABLISSEMENT_PUBLIC = "etablissement_public", "Établissement public"
    AUTRE = "autre", "Autre"
