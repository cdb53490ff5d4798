"""Formatting filters of the explorer's pages (French number and date formats)."""

from django import template
from django.urls import reverse

from pilote.explorer.labels import directory_url
from pilote.ui import formats


register = template.Library()


# Numbers follow pilote.ui.formats (one set of rules for every page); a contract's amount is exact.
@register.filter
def euros(value):
    """12345.6 -> "12 346 €"; empty when unknown."""
    return "" if value is None or value == "" else formats.euros(value, exact=True)


@register.filter
def nombre(value, digits=0):
    return "" if value is None or value == "" else formats.nombre(value, int(digits))


@register.filter
def pct(value):
    """0.256 -> "25,6 %"; "non connu" when there is no base."""
    return "non connu" if value is None else formats.pourcent(value)


@register.filter
def annuaire(siret):
    return directory_url(siret) or ""


@register.simple_tag
def contract_url(slug, uid):
    return reverse("explorer:contract", kwargs={"slug": slug, "uid": uid})
