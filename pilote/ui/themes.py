"""The interface themes, chosen once for the whole site by the UI_THEME setting.

`neutre` (the default) is Pilote's own accessible theme. `dsfr` renders the same pages with the State design
system (Système de Design de l'État, vendored under static/vendor/dsfr/): its use is reserved by its terms to
State services, so it is never the default (docs/decisions/0020-theme-dsfr.md).

A theme is a layout (`ui/themes/<name>/base.html`, which `ui/base.html` extends) and, where it differs from the
neutral one, a component template (`ui/themes/<name>/components/<component>.html`, else `ui/components/…`).
Templates outside ui/ use only the neutral classes and the `ui` tags; a theme's stylesheet gives them its look."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import select_template


@dataclass(frozen=True)
class Theme:
    name: str
    label: str
    input_class: str = ""  # added to text inputs, selects and text areas by the field component
    select_class: str = ""

    @property
    def base_template(self) -> str:
        return f"ui/themes/{self.name}/base.html"

    def component(self, component: str):
        return select_template(
            [f"ui/themes/{self.name}/components/{component}.html", f"ui/components/{component}.html"]
        )


THEMES = {
    "neutre": Theme("neutre", "Pilote (neutre)"),
    "dsfr": Theme("dsfr", "Système de Design de l'État", input_class="fr-input", select_class="fr-select"),
}


def current_theme() -> Theme:
    name = getattr(settings, "UI_THEME", "neutre")
    try:
        return THEMES[name]
    except KeyError:
        choices = ", ".join(THEMES)
        raise ImproperlyConfigured(f"UI_THEME={name!r} est inconnu : valeurs possibles {choices}.") from None
