from django.apps import AppConfig


class UiConfig(AppConfig):
    """The bottom layer: layout, template components and the navigation registry (`pilote.ui.navigation`).
    It imports no other app of the project; each app registers its own menu entries in its AppConfig.ready."""

    name = "pilote.ui"
    label = "ui"
    verbose_name = "interface"
