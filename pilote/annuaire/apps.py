from django.apps import AppConfig


class AnnuaireConfig(AppConfig):
    name = "pilote.annuaire"
    label = "annuaire"
