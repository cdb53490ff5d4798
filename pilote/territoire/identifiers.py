"""Identifiers of actors as they arrive in open data: SIRET/SIREN (checked by python-stdnum through
pilote.core.validators) and RNA numbers (W + 9 digits). Spaces and stray quotes are removed first (the
Maine-et-Loire publication has "224 900 019 000 15'"); what remains must be valid, or the row is refused."""

import re

from stdnum.fr import siren as stdnum_siren

from pilote.core.validators import luhn_ok, siret_problem


_NOISE = re.compile(r"[\s'\"’.]")
RNA = re.compile(r"^W\d{9}$")


def clean(value) -> str:
    return _NOISE.sub("", str(value or "")).upper()


def company_problem(value: str) -> str | None:
    """French explanation of what is wrong with a SIRET (14 digits) or SIREN (9 digits), or None."""
    ident = clean(value)
    if len(ident) == 14:
        return siret_problem(ident)
    if len(ident) == 9 and ident.isdigit():
        return None if stdnum_siren.is_valid(ident) and luhn_ok(ident) else f"« {value} » n'est pas un SIREN valide."
    return f"« {value} » n'est ni un SIRET (14 chiffres) ni un SIREN (9 chiffres)."


def rna_problem(value: str) -> str | None:
    ident = clean(value)
    return None if RNA.match(ident) else f"« {value} » n'est pas un numéro RNA (W suivi de 9 chiffres)."
