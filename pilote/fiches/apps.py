from django.apps import AppConfig


class FichesConfig(AppConfig):
    name = "pilote.fiches"
    label = "fiches"
