"""French number formatting for the cockpit's figures (shares, euros, counts, coverage)."""

from django import template


register = template.Library()
NBSP = "\u202f"


def _group(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


@register.filter
def nombre(value, decimals=0):
    if value is None or value == "":
        return "—"
    return _group(float(value), int(decimals))


@register.filter
def pourcent(value, decimals=1):
    """0.123 → « 12,3 % »."""
    if value is None:
        return "—"
    return f"{_group(100 * float(value), int(decimals))}{NBSP}%"


@register.filter
def euros(value):
    if value is None:
        return "—"
    value = float(value)
    if abs(value) >= 1_000_000:
        return f"{_group(value / 1_000_000, 1)}{NBSP}M€"
    return f"{_group(value)}{NBSP}€"


@register.filter
def valeur(v):
    """A Valeur formatted by its unit."""
    if v is None or v.valeur is None:
        return "—"
    if v.unite == "part":
        return pourcent(v.valeur)
    if v.unite == "euros":
        return euros(v.valeur)
    if v.unite == "nombre" and isinstance(v.valeur, float) and not v.valeur.is_integer():
        return nombre(v.valeur, 1)
    return nombre(v.valeur)


@register.filter
def selon_unite(value, unite):
    """A plain number formatted by a unit name ("part", "euros", "nombre")."""
    if unite == "part":
        return pourcent(value)
    if unite == "euros":
        return euros(value)
    if isinstance(value, float) and not value.is_integer():
        return nombre(value, 1)
    return nombre(value)


@register.filter
def liste(value):
    if not value:
        return ""
    return ", ".join(str(v) for v in value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None
