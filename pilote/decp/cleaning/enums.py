"""Closed enumerations of DECP: the official 2.0.3 strings, the variants mapped to them (1.4 labels, case,
typographic apostrophes, missing accents, hyphens), and the 2019 values that moved to other fields.

Matching is on a normalised key (lower case, accents and ligatures folded, apostrophes and hyphens unified,
spaces collapsed), computed with vectorised `str.replace_many` and looked up with `replace_strict`.
Official strings: schema_decp_v2.0.3.json (139bercy/format-commande-publique), see README-format §2.
"""

import polars as pl

from pilote.decp.cleaning.base import Cleaned, Stages, blank_to_null


NATURES = (
    "Marché",
    "Marché de partenariat",
    "Marché de défense ou de sécurité",
    "Concession de travaux",
    "Concession de service",
    "Concession de service public",
    "Délégation de service public",
)
PROCEDURES = (
    "Procédure adaptée",
    "Appel d'offres ouvert",
    "Appel d'offres restreint",
    "Procédure avec négociation",
    "Marché passé sans publicité ni mise en concurrence préalable",
    "Dialogue compétitif",
    "Procédure négociée ouverte",
    "Procédure non négociée ouverte",
    "Procédure négociée restreinte",
    "Procédure non négociée restreinte",
)
# Labels of schema 1.4 still found in 2019 data and in tabular extracts.
PROCEDURES_1_4 = {
    "Procédure concurrentielle avec négociation": "Procédure avec négociation",
    "Procédure négociée avec mise en concurrence préalable": "Procédure avec négociation",
    "Marché négocié sans publicité ni mise en concurrence préalable": (
        "Marché passé sans publicité ni mise en concurrence préalable"
    ),
    "Marché public négocié sans publicité ni mise en concurrence préalable": (
        "Marché passé sans publicité ni mise en concurrence préalable"
    ),
}
TECHNIQUES = (
    "Accord-cadre",
    "Concours",
    "Système de qualification",
    "Système d'acquisition dynamique",
    "Catalogue électronique",
    "Enchère électronique",
    "Sans objet",
)
MODALITES = ("Tranches", "Bons de commande", "Marchés subséquents", "Sans objet")
CCAG = (
    "Travaux",
    "Maitrise d'œuvre",
    "Fournitures courantes et services",
    "Marchés industriels",
    "Prestations intellectuelles",
    "Techniques de l'information et de la communication",
    "Pas de CCAG",
)
GROUPEMENTS = ("Conjoint", "Solidaire", "Pas de groupement")
TYPES_CODE_LIEU = (
    "Code postal",
    "Code commune",
    "Code arrondissement",
    "Code canton",
    "Code département",
    "Code région",
    "Code pays",
)
TYPES_PRIX = ("Définitif ferme", "Définitif actualisable", "Définitif révisable", "Provisoire")
# 2019 formePrix values, which the reader puts in types_prix (they describe price revision, like typesPrix).
PRIX_2019 = {
    "Ferme": "Définitif ferme",
    "Ferme et actualisable": "Définitif actualisable",
    "Actualisable": "Définitif actualisable",
    "Révisable": "Définitif révisable",
}
FORMES_PRIX = ("Unitaire", "Forfaitaire", "Mixte")
PAS_SOCIALE = "Pas de considération sociale"
PAS_ENVIRONNEMENTALE = "Pas de considération environnementale"
CONSIDERATIONS_SOCIALES = ("Clause sociale", "Critère social", "Marché réservé", "Concession réservée", PAS_SOCIALE)
CONSIDERATIONS_ENVIRONNEMENTALES = ("Clause environnementale", "Critère environnemental", PAS_ENVIRONNEMENTALE)
VARIATIONS_PRIX = ("Ferme", "Actualisable", "Révisable")

# 2019 natures that are techniques / modalities in 2022 (README-format §3).
NATURE_ACCORD_CADRE = "accord cadre"
NATURE_SUBSEQUENT = "marche subsequent"

NC_VALUES = ("NC", "N/C", "nc", "Nc", "NON COMMUNIQUE", "Non communiqué")

_FOLD_FROM = [
    "é",
    "è",
    "ê",
    "ë",
    "à",
    "â",
    "ä",
    "î",
    "ï",
    "ô",
    "ö",
    "û",
    "ù",
    "ü",
    "ç",
    "œ",
    "æ",
    "’",
    "‘",
    "`",
    "´",
    "-",
    "\u00a0",
]
_FOLD_TO = [
    "e",
    "e",
    "e",
    "e",
    "a",
    "a",
    "a",
    "i",
    "i",
    "o",
    "o",
    "u",
    "u",
    "u",
    "c",
    "oe",
    "ae",
    "'",
    "'",
    "'",
    "'",
    " ",
    " ",
]


def fold(s: str) -> str:
    """Plain-Python version of `key_expr` (builds the lookup tables)."""
    s = s.lower()
    for a, b in zip(_FOLD_FROM, _FOLD_TO, strict=True):
        s = s.replace(a, b)
    return " ".join(s.split())


def key_expr(e: pl.Expr) -> pl.Expr:
    """Normalised matching key of an enumeration value."""
    return e.str.to_lowercase().str.replace_many(_FOLD_FROM, _FOLD_TO).str.replace_all(r"\s+", " ").str.strip_chars()


def _table(official: tuple[str, ...], aliases: dict[str, str] | None = None) -> dict[str, str]:
    table = {fold(o): o for o in official}
    for alias, target in (aliases or {}).items():
        table[fold(alias)] = target
    return table


def _alias_keys(aliases: dict[str, str] | None) -> list[str]:
    return [fold(a) for a in (aliases or {})]


def clean_enum(
    raw: pl.Expr,
    official: tuple[str, ...],
    aliases: dict[str, str] | None = None,
    alias_code: str = "libelle_variante",
    tag: str | None = None,
) -> Cleaned:
    """Map a single enumeration value to its official string.

    Variants (case, accents, apostrophes, hyphens) -> `libelle_variante`; aliases (old labels) -> alias_code;
    "NC" -> null with `non_communique`; anything else -> null with `libelle_inconnu` (raw kept in `_brut`).
    """
    st = Stages(raw, tag)
    s, key = st.add(s=blank_to_null(raw), key=key_expr(blank_to_null(raw)))
    value, is_nc, via_alias = st.add(
        value=key.replace_strict(_table(official, aliases), default=None, return_dtype=pl.String),
        is_nc=s.str.strip_chars().is_in(NC_VALUES),
        via_alias=key.is_in(_alias_keys(aliases)),
    )
    return st.done(
        value,
        value.ne_missing(s),
        [
            ("libelle_variante", value.is_not_null() & (value != s) & ~via_alias),
            (alias_code, value.is_not_null() & via_alias),
            ("non_communique", is_nc),
            ("libelle_inconnu", s.is_not_null() & value.is_null() & ~is_nc),
        ],
    )


def clean_enum_list(
    raw: pl.Expr,
    official: tuple[str, ...],
    aliases: dict[str, str] | None = None,
    alias_code: str = "libelle_variante",
) -> Cleaned:
    """Same as clean_enum for a list of values: unknown elements are dropped (flagged), a list that is only
    "NC" becomes null (`non_communique`), an empty result becomes null."""
    table = _table(official, aliases)
    alias_keys = _alias_keys(aliases)
    elem = pl.element()
    st = Stages(raw)
    (keys,) = st.add(keys=raw.list.eval(key_expr(elem)))
    mapped, is_nc, by_alias, n_written = st.add(
        mapped=keys.list.eval(elem.replace_strict(table, default=None, return_dtype=pl.String)),
        is_nc=raw.list.eval(elem.str.strip_chars().is_in(NC_VALUES)).list.any(),
        by_alias=keys.list.eval(elem.is_in(alias_keys)).list.any(),
        n_written=raw.list.eval(elem.is_not_null() & ~elem.str.strip_chars().is_in(NC_VALUES)).list.sum(),
    )
    (kept,) = st.add(kept=mapped.list.drop_nulls())
    (value,) = st.add(
        value=pl.when(is_nc | (kept.list.len() == 0)).then(pl.lit(None, dtype=pl.List(pl.String))).otherwise(kept)
    )
    (changed, unknown) = st.add(
        changed=value.ne_missing(raw) & (raw.list.len() > 0).fill_null(False),
        unknown=(n_written > kept.list.len()) & ~is_nc,
    )
    return st.done(
        value,
        changed,
        [
            ("libelle_variante", changed & ~is_nc & ~unknown & ~by_alias),
            (alias_code, by_alias),
            ("non_communique", is_nc),
            ("libelle_inconnu", unknown),
        ],
    )


def considerations_conflict(value: pl.Expr, pas: str) -> pl.Expr:
    """'Pas de considération …' together with an actual consideration: contradictory, flagged (kept as is)."""
    return value.list.contains(pl.lit(pas)) & (value.list.len() > 1)
