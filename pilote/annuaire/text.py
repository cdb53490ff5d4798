"""Text helpers of the knowledge network: accent- and case-free search keys (the same on SQLite and
PostgreSQL, without a database extension), comma-separated lists and the charter's checklist syntax."""

import re

from pilote.core.text import fold


CHECKLIST_LINE = re.compile(r"^\s*[-*]\s*\[[ xX]?\]\s*(?P<item>.+?)\s*$")


# « Énergie Renouvelable » → « energie renouvelable »: what users type is compared with this form (core.text).
normalize = fold


def split_list(text: str) -> list[str]:
    """Comma-, semicolon- or line-separated values, trimmed, without duplicates (compared without accents)."""
    values, seen = [], set()
    for raw in re.split(r"[,;\n]", text or ""):
        value = raw.strip()
        if value and normalize(value) not in seen:
            seen.add(normalize(value))
            values.append(value)
    return values


def checklist_items(text: str) -> list[str]:
    """Lines written « - [ ] Vérifier ... » in the charter: the checklist used by the fiche visa."""
    return [m.group("item") for line in (text or "").splitlines() if (m := CHECKLIST_LINE.match(line))]
