"""Formatting filters of the explorer's pages (French number and date formats)."""

from django import template
from django.urls import reverse

from pilote.explorer.labels import directory_url


register = template.Library()
NNBSP = "\u202f"


@register.filter
def euros(value):
    """12345.6 -> "12 346 €"; empty when unknown."""
    if value is None or value == "":
        return ""
    return f"{round(float(value)):,} €".replace(",", NNBSP)


@register.filter
def nombre(value, digits=0):
    if value is None or value == "":
        return ""
    return f"{float(value):,.{int(digits)}f}".replace(",", NNBSP).replace(".", ",")


@register.filter
def pct(value):
    """0.256 -> "25,6 %"; "non connu" when there is no base."""
    if value is None:
        return "non connu"
    return f"{float(value) * 100:.1f} %".replace(".", ",")


@register.filter
def annuaire(siret):
    return directory_url(siret) or ""


@register.simple_tag
def contract_url(slug, uid):
    return reverse("explorer:contract", kwargs={"slug": slug, "uid": uid})
