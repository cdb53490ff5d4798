from django.apps import AppConfig


class DecpConfig(AppConfig):
    name = "pilote.decp"
    label = "decp"
