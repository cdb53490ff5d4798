"""The themes the gap analysis crosses with targets and territories: the nine Aides-territoires themes (derived
list in /work/shared/data/territoire/aides-territoires). Neither the national scheme schema nor the Fonds vert
export carries a theme, so a scheme's themes are guessed from words of its title and description (a plain keyword
table, shown as "thème déduit" and editable later); an actor's themes come from its import."""

import re

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
