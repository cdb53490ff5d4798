"""Template helpers of the fiches app."""

from django import template
from django.core.exceptions import FieldDoesNotExist

from pilote.fiches.models import Fiche


register = template.Library()


@register.filter
def fiche_field_label(name: str) -> str:
    """French label of a fiche field, for the history's field-level diff (stored with the field's code name)."""
    try:
        return str(Fiche._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an old event may name a field that no longer exists
        return name
