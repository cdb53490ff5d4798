"""Validation of French company identifiers (SIREN/SIRET) used for buyer entities.

Pure functions: they are reused by the DECP cleaning rules' tests as the reference implementation.
"""

import re

from django.core.exceptions import ValidationError


LA_POSTE_SIREN = "356000000"
_DIGITS14 = re.compile(r"^[0-9]{14}$")


def luhn_ok(digits: str) -> bool:
    """Luhn checksum over a string of digits (SIREN and SIRET use it)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalize_siret(value: str) -> str:
    """Remove the spaces people type or paste inside a SIRET ("213 105 554 00017")."""
    return re.sub(r"\s+", "", value or "")


def siret_problem(value: str) -> str | None:
    """Return a French explanation of what is wrong with a SIRET, or None when it is valid.

    La Poste's establishments share SIREN 356000000 and cannot all satisfy Luhn: INSEE validates them by
    a digit sum divisible by 5 instead.
    """
    siret = normalize_siret(value)
    if not _DIGITS14.match(siret):
        return f"« {value} » n'est pas un SIRET : il faut exactement 14 chiffres."
    if siret.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in siret) % 5 == 0:
            return None
        return f"« {value} » n'est pas un SIRET valide de La Poste (somme des chiffres non multiple de 5)."
    if not luhn_ok(siret[:9]):
        return f"« {value} » n'est pas un SIRET valide : le SIREN (9 premiers chiffres) a une clé de contrôle fausse."
    if not luhn_ok(siret):
        return f"« {value} » n'est pas un SIRET valide : la clé de contrôle (algorithme de Luhn) est fausse."
    return None


def validate_siret(value: str) -> None:
    problem = siret_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_siret")
