"""Audit verbs of the contract reference data (registered in ContractsConfig.ready)."""

from django.db import models


class ContractsVerb(models.TextChoices):
    # the value keeps the explorer's prefix: rows written before the SIRENE extracts moved here stay readable
    SIRENE_IMPORT = "explorer.sirene_import", "extrait SIRENE importé"
    INCLUSION_IMPORT = "contracts.inclusion_import", "liste de structures inclusives importée"
