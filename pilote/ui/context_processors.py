"""The theme of the site for every template: `ui/base.html` extends `ui_base_template` (pilote.ui.themes)."""

from pilote.ui.themes import current_theme


def theme(request):
    chosen = current_theme()
    return {"ui_theme": chosen.name, "ui_base_template": chosen.base_template}
