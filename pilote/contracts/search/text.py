"""French text normalisation for the explorer's full-text index: tokens, Snowball stems, accent folding.

The same function turns contract objects (at index time) and user queries (at search time) into terms, so that
"Restauration Scolaire", "restaurations scolaires" and "RESTAURATION SCOLAIRE" all become `restaur scolair`.
Order matters: the French Snowball stemmer expects accented words, so we lowercase, stem, *then* fold accents
("écoles" → "écol" → "ecol"; a query typed without accents, "ecoles", reaches the same "ecol").
See docs/decisions/0003-recherche-plein-texte.md.
"""

import re
import threading
from functools import lru_cache

from pilote.core.text import fold


# Words that carry no meaning for a search on contract objects (French articles, prepositions, conjunctions,
# pronouns; Snowball's French stop list, trimmed). Compared after lowercasing and accent folding.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "l",
        "m",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "c",
        "j",
        "ete",
        "etre",
        "ayant",
        "avoir",
        "est",
        "sont",
        "selon",
        "sans",
        "sous",
        "chez",
        "entre",
        "vers",
        "afin",
        "ainsi",
    ]
)

# A token: letters (any script, accents kept) or digits, glued by apostrophes/hyphens removed beforehand.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
# A Snowball stemmer keeps the word being stemmed in its own attributes: one stemmer shared by the threads of a
# web worker mixes their words (IndexError, wrong stems). One stemmer per thread.
_STEMMERS = threading.local()


def _stemmer():
    stemmer = getattr(_STEMMERS, "french", None)
    if stemmer is None:
        # PyStemmer: the Snowball project's C stemmers, the same French algorithm as the pure-Python
        # `snowballstemmer` it replaced (no stem differed on the 72,352 distinct words of the real DECP files in
        # ../shared/data, nor on the 30,424 of the synthetic 1.6 M corpus), ~40x faster: 0.12 s against 4.6 s for
        # those 72,352 words, which a whole index build stems one by one (session 23). Imported here: every
        # command imports this module through the apps' registrations without stemming a word.
        import Stemmer

        stemmer = _STEMMERS.french = Stemmer.Stemmer("french")
    return stemmer


@lru_cache(maxsize=200_000)
def term(word: str) -> str | None:
    """The index term of one lowercase word, or None for a stop word or a token too short to mean anything."""
    folded = fold(word)
    if folded in STOP_WORDS or len(folded) < 2:
        return None
    if folded.isdigit():
        return folded
    return fold(_stemmer().stemWord(word))


def words(text: str | None) -> list[str]:
    """Lowercase words of a text (apostrophes split: "l'école" → ["l", "école"])."""
    if not text:
        return []
    return _TOKEN.findall(text.lower())


def terms(text: str | None) -> list[str]:
    """Index terms of a text, in order, stop words removed (duplicates kept: they count as term frequency)."""
    out = []
    for word in words(text):
        t = term(word)
        if t is not None:
            out.append(t)
    return out


def query_terms(text: str | None) -> list[str]:
    """Distinct terms of a query, in the order typed."""
    return list(dict.fromkeys(terms(text)))
