"""CPV 2008 lookup and a local suggestion from the text of the need (used when the explorer's
`suggest_cpv`, which also uses national contract history, is unavailable). The nomenclature file is the
DECP pipeline's copy (pilote/decp/refdata/cpv_2008.csv, see its SOURCES.md)."""

import csv
import re
from functools import lru_cache
from pathlib import Path

import pilote.decp
from pilote.core.text import fold_words


CPV_FILE = Path(pilote.decp.__file__).parent / "refdata" / "cpv_2008.csv"
STOPWORDS = {
    "des",
    "pour",
    "aux",
    "une",
    "sur",
    "par",
    "dans",
    "avec",
    "sans",
    "autre",
    "service",
    "produit",
    "travaux",
    "fourniture",
    "marche",
    "prestation",
}


def tokens(text: str) -> set[str]:
    # Crude French stemming (plural "s"/"x") so that "repas" / "repas" and "vehicules" / "vehicule" meet.
    stems = {w.rstrip("sx") if len(w) > 4 else w for w in fold_words(text).split() if len(w) > 2}
    return stems - STOPWORDS


@lru_cache(maxsize=1)
def cpv_table() -> dict[str, str]:
    """8-digit code (no check digit) -> French label."""
    table = {}
    with open(CPV_FILE, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            table[row["CODE"].split("-")[0]] = row["FR"]
    return table


@lru_cache(maxsize=1)
def _index() -> list[tuple[str, str, set[str]]]:
    return [(code, label, tokens(label)) for code, label in cpv_table().items()]


def clean_code(code: str) -> str:
    return re.sub(r"\D", "", (code or "").split("-")[0])[:8]


def cpv_label(code: str) -> str | None:
    return cpv_table().get(clean_code(code))


def suggest_local(text: str, limit: int = 5) -> list[dict]:
    """Codes whose label shares the most words with the text; more specific codes win ties."""
    words = tokens(text)
    if not words:
        return []
    scored = []
    for code, label, label_words in _index():
        common = words & label_words
        if common:
            score = len(common) / (len(label_words) ** 0.5)
            scored.append((score, len(code.rstrip("0")), code, label))
    scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
    return [{"code": c, "label": lbl, "score": round(s, 2)} for s, _, c, lbl in scored[:limit]]
