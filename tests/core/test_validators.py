"""SIRET validation on real identifiers (from the bundled DECP files) and generated ones."""

import pytest
from hypothesis import given, strategies as st

from pilote.core.validators import luhn_ok, siret_problem
from tests.core.factories import REAL_SIRETS


@pytest.mark.parametrize("siret", REAL_SIRETS)
def test_real_buyer_sirets_are_valid(siret):
    assert siret_problem(siret) is None


def test_spaces_are_tolerated():
    assert siret_problem(" 216 901 231 00011 ") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2169012310001", "14 chiffres"),
        ("2169012310001A", "14 chiffres"),
        ("21690123100012", "clé de contrôle"),
        ("21690123200011", "SIREN"),
    ],
)
def test_invalid_sirets_are_explained(value, expected):
    assert expected in siret_problem(value)


def test_la_poste_exception():
    # La Poste establishments: SIREN 356000000, valid when the digit sum is a multiple of 5 (not Luhn).
    assert siret_problem("35600000000001") is None  # digit sum 15
    assert not luhn_ok("35600000000001")
    assert "La Poste" in siret_problem("35600000000002")  # digit sum 16


def luhn_complete(digits13: str) -> str:
    for last in "0123456789":
        if luhn_ok(digits13 + last):
            return digits13 + last
    raise AssertionError


@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_generated_valid_sirets_are_accepted(siren8, nic4):
    siren = luhn_complete(siren8)
    if siren.startswith("356000000"):
        return
    siret = luhn_complete(siren + nic4)
    assert siret_problem(siret) is None
    # Changing one digit always breaks the Luhn key.
    broken = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    assert siret_problem(broken) is not None
