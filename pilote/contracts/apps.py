from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "pilote.contracts"
    label = "contracts"
    verbose_name = "Données des contrats"
