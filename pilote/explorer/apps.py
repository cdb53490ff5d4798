from django.apps import AppConfig


class ExplorerConfig(AppConfig):
    name = "pilote.explorer"
    label = "explorer"
