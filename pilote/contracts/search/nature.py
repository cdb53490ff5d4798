"""Nature of a purchase — travaux, services or fournitures — read from a CPV code and from the words of a need.

The CPV nomenclature is organised by nature: division 45 is works, divisions 03 to 44 and 48 are supplies (48 is
software packages), divisions 50 to 98 are services. A need's words often say its nature before its subject:
"travaux de …", "prestation de …", "fourniture de …". They can also mislead a word-for-word match: "fourniture de
repas pour la restauration scolaire" shares two words with *Fournitures scolaires* (39162110) yet is a catering
service (5552). Reading the nature first and penalising codes of another nature (docs/explorer-ranking.md)
removes that confusion.
"""

import re

import polars as pl

from pilote.core.text import fold_words


TRAVAUX, SERVICES, FOURNITURES = "travaux", "services", "fournitures"
LABELS = {TRAVAUX: "travaux", SERVICES: "services", FOURNITURES: "fournitures"}

# Phrases that say the nature of a need, checked in this order on the folded text (the first family with a match
# wins, an earlier family being more specific: "fourniture de repas" is a service before being a supply).
# Meals, cleaning, maintenance, transport… are services even when the object says "fourniture". "Entretien" says
# nothing alone (of green spaces: a service; of roads: works) and is left to the words that follow it.
_PATTERNS = [
    (
        SERVICES,
        r"\b(fournitures? (et livraison )?(de )?repas|livraison de repas|portage de repas|"
        r"restauration (scolaire|collective|municipale|du personnel|administrative|des eleves|des enfants)|"
        r"prestations?|services?|maintenance|nettoyage|menage|entretien menager|entretien des (locaux|espaces verts)|"
        r"gardiennage|surveillance|"
        r"transports?|collecte|assurances?|formations?|etudes?|mission|assistance|conseil|accompagnement|"
        r"location|traiteur|blanchisserie|hebergement|infogerance|audit|diagnostic|controle|"
        r"maitrise d oeuvre|conception|impression|communication|exploitation|gestion)\b",
    ),
    (
        TRAVAUX,
        r"\b(travaux|construction|reconstruction|rehabilitation|renovation|refection|extension|demolition|"
        r"amenagement|terrassement|voirie|gros oeuvre|maconnerie|charpente|couverture|menuiseries?|"
        r"plomberie|electricite|peinture|carrelage|cloisons?|etancheite|vrd|restructuration)\b",
    ),
    (
        FOURNITURES,
        r"\b(fournitures?|achat|acquisition|approvisionnement|livraison|equipements?|materiels?|"
        r"vehicules?|mobilier|denrees|produits|licences?|logiciels?)\b",
    ),
]
_COMPILED = [(nature, re.compile(pattern)) for nature, pattern in _PATTERNS]
# Only the head of a long object says its nature ("Travaux de … — fourniture et pose de …" is works).
HEAD_CHARS = 60


def cpv_nature(code: str | None) -> str | None:
    """travaux (division 45), fournitures (03-44, 48), services (50-98); None when the code is unknown."""
    digits = (code or "")[:2]
    if len(digits) < 2 or not digits.isdigit():
        return None
    division = int(digits)
    if division == 45:
        return TRAVAUX
    if 3 <= division <= 44 or division == 48:
        return FOURNITURES
    if 50 <= division <= 98:
        return SERVICES
    return None


def cpv_nature_expr(code: pl.Expr) -> pl.Expr:
    """cpv_nature as a Polars expression over a column of CPV codes."""
    division = code.str.slice(0, 2).cast(pl.Int32, strict=False)
    return (
        pl.when(division == 45)
        .then(pl.lit(TRAVAUX))
        .when(division.is_between(3, 44) | (division == 48))
        .then(pl.lit(FOURNITURES))
        .when(division.is_between(50, 98))
        .then(pl.lit(SERVICES))
    )


def text_nature(text: str | None) -> str | None:
    """The nature a need's words say, or None when they say none: the earliest matching phrase of the object's
    head wins ("Travaux de rénovation — maintenance …" is works: its first word says so)."""
    head = fold_words(text)[:HEAD_CHARS]
    best = None
    for nature, pattern in _COMPILED:
        found = pattern.search(head)
        if found and (best is None or found.start() < best[1]):
            best = (nature, found.start())
    # "fourniture de repas" starts where "fourniture" starts: the services family is checked first and kept on ties.
    return best[0] if best else None
