"""Template helpers of the fiches app."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import number_format

from pilote.fiches import obligations
from pilote.fiches.models import Fiche


register = template.Library()


@register.filter
def fiche_field_label(name: str) -> str:
    """French label of a fiche field, for the history's field-level diff (stored with the field's code name)."""
    try:
        return str(Fiche._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an old event may name a field that no longer exists
        return name


@register.filter
def clause_meets(clause) -> str:
    """Space-separated obligations a clause meets, for the decision screen's live list (decision.js)."""
    return " ".join(obligations.meets(clause)) if clause is not None else ""


def _euros(value) -> str:
    try:
        amount = Decimal(str(value))  # "3E+5" (older history rows) and "300000.50" alike
    except InvalidOperation:
        return str(value)
    places = 0 if amount == amount.to_integral() else 2
    return number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True) + " €"


@register.filter
def fiche_value(value, name: str) -> str:
    """A fiche value as a French reader expects it, from the model value or the history's stored form:
    "300 000,50 €", "01/12/2026", "oui"/"non", a choice's label, a segment's name; "" for an empty value."""
    if value is None or value == "" or value == []:
        return ""
    try:
        field = Fiche._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if isinstance(field, models.DecimalField):
        return _euros(value)
    if isinstance(field, models.BooleanField):
        return "oui" if value in (True, "True", "true") else "non"
    if isinstance(field, models.DateField):
        parsed = value if isinstance(value, date) else _iso_date(value)
        return f"{parsed:%d/%m/%Y}" if parsed else str(value)
    if isinstance(field, models.ForeignKey):
        found = field.related_model.objects.filter(pk=getattr(value, "pk", value)).first()
        return str(found) if found else str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, list):
        return " ; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return " ; ".join(f"{key} : {item}" for key, item in value.items())
    return str(value)


def _iso_date(value):
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
