"""The themes the gap analysis crosses with targets and territories: the nine Aides-territoires themes (derived
list in /work/shared/data/territoire/aides-territoires). Neither the national scheme schema nor the Fonds vert
export carries a theme, so a scheme's themes are guessed from words of its title and description (a plain keyword
table, shown as "thème déduit" and editable later); an actor's themes come from its import."""

import csv
import re
from functools import cache
from pathlib import Path

from pilote.core.text import fold


THEMES = {
    "culture": "Culture et identité collective / patrimoine / sports",
    "economie": "Développement économique / production et consommation",
    "eau": "Eau et milieux aquatiques",
    "energie": "Énergies / Déchets",
    "mobilite": "Mobilité / transports",
    "nature": "Nature / environnement",
    "solidarites": "Solidarités / lien social",
    "urbanisme": "Urbanisme / logement / aménagement",
}

KEYWORDS = {
    "culture": ("culture", "patrimoine", "sport", "musique", "theatre"),
    "economie": ("entreprise", "industri", "commerce", "economie circulaire", "export", "innovation", "numerique"),
    "eau": (r"eau\b", "eaux", "assainissement", "aquatique", "inondation", "littoral"),
    "energie": ("energie", "energetique", "decarbonation", "chaleur", "dechet", "eclairage", "solaire", "recyclage"),
    "mobilite": ("mobilite", "transport", "velo", "covoiturage", "logistique"),
    "nature": (
        "biodiversite",
        r"air\b",
        "pollution",
        "nature",
        "renaturation",
        "foret",
        "arbre",
        "ecologique",
        "environnement",
    ),
    "solidarites": ("insertion", "inclusion", "solidar", "emploi", "social", "handicap"),
    "urbanisme": ("urbanis", "friche", "foncier", "logement", "amenagement", "batiment", "renovation"),
}


_PATTERNS = {code: re.compile(r"\b(?:" + "|".join(w for w in words) + ")") for code, words in KEYWORDS.items()}


def guess_themes(*texts: str) -> list[str]:
    """Themes whose keywords start a word of the texts ("culture" does not match "agriculture", nor "sport"
    "transport")."""
    text = fold(" ".join(t or "" for t in texts))
    return [code for code, pattern in _PATTERNS.items() if pattern.search(text)]


def label(code: str) -> str:
    return THEMES.get(code, code)


INCLUSION_MAPPING = Path(__file__).parent / "data" / "thematiques_inclusion_vers_carte.csv"


@cache
def inclusion_mapping() -> dict[str, list[str]]:
    """data·inclusion theme category → the map's themes. A table of Pilote's own (data/SOURCES.md): every
    data·inclusion theme is a service of social inclusion, so each category is at least "solidarites"."""
    with open(INCLUSION_MAPPING, encoding="utf-8") as handle:
        return {row["categorie_data_inclusion"]: row["themes_carte"].split("|") for row in csv.DictReader(handle)}


def from_inclusion(values: list[str]) -> tuple[list[str], list[str]]:
    """The map's themes of data·inclusion themes ("famille--garde-denfants" is read by its category "famille");
    a value that is already one of the map's themes is kept. Returns (themes, values not understood)."""
    themes, unknown = set(), []
    for value in values:
        code = value.strip().lower()
        if code in THEMES:
            themes.add(code)
        elif code.split("--")[0] in inclusion_mapping():
            themes.update(inclusion_mapping()[code.split("--")[0]])
        else:
            unknown.append(value)
    return sorted(themes), unknown
