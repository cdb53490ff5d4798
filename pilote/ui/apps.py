from django.apps import AppConfig
from django.core import checks


class UiConfig(AppConfig):
    """The bottom layer: layout, template components and the navigation registry (`pilote.ui.navigation`).
    It imports no other app of the project; each app registers its own menu entries in its AppConfig.ready."""

    name = "pilote.ui"
    label = "ui"
    verbose_name = "interface"

    def ready(self):
        checks.register(check_ui_theme)


def check_ui_theme(app_configs=None, **kwargs):
    """UI_THEME names a theme of pilote.ui.themes: a typo fails at start-up, not at the first page."""
    from django.conf import settings

    from pilote.ui.themes import THEMES

    if settings.UI_THEME in THEMES:
        return []
    return [
        checks.Error(
            f"UI_THEME={settings.UI_THEME!r} est inconnu.",
            hint=f"Valeurs possibles : {', '.join(THEMES)}.",
            id="ui.E001",
        )
    ]
