"""French number formatting for the cockpit's figures (shares, euros, counts, coverage)."""

from django import template
from django.utils.html import format_html

from pilote.contracts import figures, indicators
from pilote.contracts.indicators import MIN_BASE
from pilote.ui import formats


register = template.Library()
NBSP = "\u202f"


# The number filters are pilote.ui.formats' (one set of rules for every page), under the cockpit's names.
@register.filter
def nombre(value, decimals=0):
    return formats.nombre(value, int(decimals))


@register.filter
def pourcent(value, decimals=1):
    """0.123 → « 12,3 % »."""
    return formats.pourcent(value, int(decimals))


@register.filter
def euros(value):
    """« 18 364 € », « 12,3 M€ », « 4,4 Md€ »."""
    return formats.euros(value)


INSUFFISANT = "échantillon insuffisant"


@register.filter
def valeur(v):
    """A Valeur formatted by its unit; a share below the minimum base reads "échantillon insuffisant"."""
    if v is None or v.valeur is None:
        return "—"
    if v.insuffisant:
        return INSUFFISANT
    if v.unite == "part":
        return pourcent(v.valeur)
    if v.unite == "euros":
        return euros(v.valeur)
    if v.unite == "nombre" and isinstance(v.valeur, float) and not v.valeur.is_integer():
        return nombre(v.valeur, 1)
    return nombre(v.valeur)


@register.filter
def base(v):
    """The base of a share: « 2 contrats sur 55 renseignés » (or « sur 55 contrats renseignés » for a share of
    amounts), "" for other values."""
    if v is None or v.unite != "part":
        return ""
    plural = "s" if v.renseignes > 1 else ""
    if v.numerateur is None:
        return f"sur {nombre(v.renseignes)} contrat{plural} renseigné{plural}"
    counted = "s" if v.numerateur > 1 else ""
    return f"{nombre(v.numerateur)} contrat{counted} sur {nombre(v.renseignes)} renseigné{plural}"


@register.filter
def intervalle(v):
    """The Wilson 95 % interval of a share: « 0,6 – 12,3 % », "" when it has none."""
    bounds = getattr(v, "intervalle", None)
    if not bounds:
        return ""
    low, high = bounds
    return f"{formats.nombre(100 * low, 1)} – {formats.nombre(100 * high, 1)}{NBSP}%"


@register.filter
def precision(v):
    """Base and interval of a share in one phrase, with the minimum base when it is insufficient; for a total,
    the part of it flagged for review."""
    if v is not None and v.unite == "euros":
        parts = []
        if v.n_a_verifier:
            plural = "s" if v.n_a_verifier > 1 else ""
            parts.append(
                f"dont {euros(v.a_verifier)} à vérifier ({nombre(v.n_a_verifier)} montant{plural} "
                f"inhabituel{plural}, compté{plural})"
            )
        if v.n_subsequents:
            parts.append(
                f"hors {euros(v.subsequents)} de marchés subséquents d'accords-cadres, déjà comptés dans le "
                "montant de leur accord-cadre"
            )
        return " · ".join(parts)
    text = base(v)
    if not text:
        return ""
    bounds = intervalle(v)
    if bounds:
        text += f" · intervalle de confiance à 95 % : {bounds}"
    if v.insuffisant:
        text += f" · moins de {MIN_BASE} contrats renseignés : part non affichée"
    return text


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


@register.simple_tag
def part_cell(row, key):
    """One share cell of a breakdown table: « 12,3 % (2 contrats sur 55 renseignés ; intervalle à 95 % : …) »,
    the share `key` of the row (figures.BREAKDOWN_SHARES: part_soc, part_env, taux_offre_unique) as a Valeur.
    A tag rather than an included template: an organisation's cockpit renders ~210 of them, and the include cost
    ~70 µs each (15 of the page's ~45 ms of rendering, measured at 1.6 M)."""
    num, base_key = next((n, b) for k, n, b in figures.BREAKDOWN_SHARES if k == key)
    v = indicators.part_ligne(row, num, base_key)
    bounds = intervalle(v)
    detail = f"{base(v)} ; intervalle à 95 % : {bounds}" if bounds else base(v)
    return format_html('{} <span class="muted">({})</span>', valeur(v), detail)
