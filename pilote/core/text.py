"""Accent folding, written once for every app.

`fold` is the comparison form of a text (what users type is compared with it): lowercase (`casefold`), accents
removed (NFKD, combining marks dropped), the French ligatures œ/æ spelled out, runs of whitespace as one space.
Punctuation is kept. `fold_words` goes one step further for matching headers, CPV labels or census keys: only
the ASCII letters and digits remain, every other run of characters becomes one space.

Stored keys depend on `fold` (the knowledge network's `Skill.key` and `search_text`, the full-text index's
terms, pilote.contracts.search.text): changing its rules means recomputing them (the index's INDEX_VERSION).
The DECP cleaning rules keep their own matching key (`decp.cleaning.enums.key_expr`): a Polars expression over
millions of values, with its plain-Python mirror for building lookup tables."""

import re
import unicodedata


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})
_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def fold(text) -> str:
    """« Maître d'œuvre  Énergie-Renouvelable » → « maitre d'oeuvre energie-renouvelable ». None gives ""."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Ligatures before casefold, as the knowledge network always did: its stored keys stay valid (a capital Œ
    # therefore stays « œ »; fold_words drops it).
    return _SPACES.sub(" ", without_accents.translate(_LIGATURES).casefold()).strip()


def fold_words(text) -> str:
    """« Montant estimé (€ HT) » → « montant estime ht »: `fold`, then only ASCII letters and digits, as words."""
    return _NOT_WORD.sub(" ", fold(text)).strip()
