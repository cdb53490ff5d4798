"""Template components. Templates outside ui/ use only these tags and the neutral classes, never a design
system's own classes: the theme chosen by UI_THEME (pilote.ui.themes) renders each component in one place."""

from django import forms, template
from django.core.exceptions import FieldDoesNotExist
from django.forms import BoundField
from django.utils.safestring import mark_safe

from pilote.ui import formats, navigation
from pilote.ui.labels import code_with_label
from pilote.ui.markdown import render_markdown
from pilote.ui.themes import Theme, current_theme


register = template.Library()


@register.simple_tag
def ui_field(field: BoundField, hint: str = ""):
    """A labelled form field with its help text and errors linked by aria-describedby."""
    widget = field.field.widget
    describedby = []
    if field.help_text or hint:
        describedby.append(f"{field.auto_id}-aide")
    if field.errors:
        describedby.append(f"{field.auto_id}-erreurs")
    attrs = {}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required:
        attrs["required"] = True
    input_type = getattr(widget, "input_type", "")
    kind = "checkbox" if input_type == "checkbox" else "field"
    theme = current_theme()
    theme_class = _widget_class(theme, widget, input_type)
    if theme_class:
        attrs["class"] = f"{widget.attrs.get('class', '')} {theme_class}".strip()
    context = {"field": field, "widget_html": field.as_widget(attrs=attrs), "hint": hint or field.help_text}
    return theme.component("field").render({**context, "kind": kind})


def _widget_class(theme: Theme, widget, input_type: str) -> str:
    """The theme's class for a text input, a select or a text area (none for check boxes and radio buttons)."""
    if input_type in {"checkbox", "radio", "hidden", "file"}:
        return ""
    if isinstance(widget, forms.Select):
        return theme.select_class
    return theme.input_class


@register.simple_tag
def ui_form_errors(form):
    return current_theme().component("form_errors").render({"form": form})


@register.simple_tag
def ui_badge(text: str, tone: str = "neutre"):
    return current_theme().component("badge").render({"text": text, "tone": tone})


@register.simple_tag
def ui_role_labels(roles) -> str:
    return ", ".join(sorted(role.label for role in roles))


# French numbers (pilote.ui.formats): the one set of number filters for every template.
@register.filter
def fr_nombre(value, decimals=0):
    return formats.nombre(value, int(decimals))


@register.filter
def fr_euros(value):
    return formats.euros(value)


@register.filter
def fr_pourcent(value, decimals=1):
    return formats.pourcent(value, int(decimals))


@register.filter
def fr_compte(count, nouns):
    """{{ fiches|length|fr_compte:"fiche" }} → « 0 fiche », « 3 fiches »."""
    return formats.compte(count, nouns)


@register.filter
def ui_field_labels(names, instance) -> str:
    """Field names (a history's changed fields) as the French labels of `instance`'s model: « enjeux du segment,
    pièges à éviter » instead of « summary, pitfalls ». A name the model no longer has stays as it is."""
    labels = []
    for name in names or ():
        try:
            labels.append(str(instance._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(str(name).replace("_", " "))
    return ", ".join(labels)


@register.filter
def ui_markdown(text) -> str:
    """User Markdown rendered and sanitised (pilote.ui.markdown)."""
    return mark_safe(render_markdown(str(text or "")))  # sanitised by nh3 with an allow-list


@register.filter
def ui_code_label(code, kind) -> str:
    """{{ "45"|ui_code_label:"cpv" }} → « 45 — Travaux de construction » (pilote.ui.labels)."""
    return code_with_label(code, kind)


@register.filter
def ui_can_open(url, roles) -> bool:
    """{% if grouping_url|ui_can_open:current_roles %}: a section menu shows only the pages the role may open."""
    return navigation.can_open(str(url), roles or ())


@register.filter(is_safe=False)
def pluralize(value, arg="s"):
    """Django's `pluralize` with the French rule: 0 and 1 are singular (« 0 fiche », « 1 fiche », « 2 fiches »).
    This library is a builtin loaded after Django's own filters, so every template of the project gets it."""
    if "," not in arg:
        arg = "," + arg
    bits = arg.split(",")
    if len(bits) > 2:
        return ""
    singular_suffix, plural_suffix = bits[:2]
    try:
        return singular_suffix if abs(float(value)) < 2 else plural_suffix
    except ValueError:
        return ""
    except TypeError:
        try:
            return singular_suffix if len(value) < 2 else plural_suffix
        except TypeError:
            return ""
