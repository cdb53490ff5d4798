"""Validation of French company identifiers (SIREN/SIRET) used for buyer entities.

The checks are python-stdnum's (`stdnum.fr.siret`, `stdnum.fr.siren`, `stdnum.luhn`); these functions only
add the French explanation people read. Pure functions.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import luhn
from stdnum.fr import siren as stdnum_siren, siret as stdnum_siret


LA_POSTE_SIREN = "356000000"
_DIGITS14 = re.compile(r"^[0-9]{14}$")


def luhn_ok(digits: str) -> bool:
    """Luhn checksum over a string of ASCII digits (SIREN and SIRET use it)."""
    return digits.isascii() and luhn.is_valid(digits)


def normalize_siret(value: str) -> str:
    """Remove the spaces people type or paste inside a SIRET ("213 105 554 00017")."""
    return re.sub(r"\s+", "", value or "")


def siret_problem(value: str) -> str | None:
    """Return a French explanation of what is wrong with a SIRET, or None when it is valid.

    La Poste's establishments share SIREN 356000000 and cannot all satisfy Luhn: INSEE validates them by
    a digit sum divisible by 5 instead, except the head office 35600000000048 which satisfies Luhn (stdnum
    knows both rules).
    """
    siret = normalize_siret(value)
    if not _DIGITS14.match(siret):
        return f"« {value} » n'est pas un SIRET : il faut exactement 14 chiffres."
    if stdnum_siret.is_valid(siret):
        return None
    if siret.startswith(LA_POSTE_SIREN):
        return f"« {value} » n'est pas un SIRET valide de La Poste (somme des chiffres non multiple de 5)."
    if not stdnum_siren.is_valid(siret[:9]):
        return f"« {value} » n'est pas un SIRET valide : le SIREN (9 premiers chiffres) a une clé de contrôle fausse."
    return f"« {value} » n'est pas un SIRET valide : la clé de contrôle (algorithme de Luhn) est fausse."


def validate_siret(value: str) -> None:
    problem = siret_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_siret")
