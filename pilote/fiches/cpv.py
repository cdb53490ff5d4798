"""A local CPV suggestion from the text of the need (used when the national history of contracts has nothing
to say). Labels and normalisation are the read layer's (pilote.contracts.semantics), from the DECP pipeline's
copy of the nomenclature (pilote/decp/refdata/cpv_2008.csv, see its SOURCES.md)."""

from functools import lru_cache

from pilote.contracts.semantics import cpv_digits, cpv_labels
from pilote.core.text import fold_words


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
def _index() -> list[tuple[str, str, set[str]]]:
    return [(code, label, tokens(label)) for code, label in cpv_labels().items()]


def cpv_label(code: str) -> str | None:
    """The label of a full 8-digit code as typed (a partial code has none here: the census asks for a code)."""
    return cpv_labels().get(cpv_digits(code))


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
