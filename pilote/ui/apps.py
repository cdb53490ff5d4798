from django.apps import AppConfig


class UiConfig(AppConfig):
    verbose_name = "interface"
    name = "pilote.ui"
    label = "ui"
