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


def _former_siret_problem_is_none(siret: str) -> bool:
    """The accepted set before python-stdnum (hand-written Luhn, La Poste by digit sum only)."""

    def luhn(digits):
        total = 0
        for index, char in enumerate(reversed(digits)):
            value = int(char) * (2 if index % 2 else 1)
            total += value - 9 if value > 9 else value
        return total % 10 == 0

    if siret.startswith("356000000"):
        return sum(map(int, siret)) % 5 == 0
    return luhn(siret[:9]) and luhn(siret)


def test_la_poste_accepted_set_is_the_former_one_plus_the_head_office():
    # stdnum accepts La Poste's head office 35600000000048 (it passes Luhn, its digit sum is 26): the former
    # check refused it although INSEE lists it (and the DECP cleaning rules accept it). Nothing else changes.
    changed = [
        siret
        for siret in (f"356000000{nic:05d}" for nic in range(100_000))
        if (siret_problem(siret) is None) != _former_siret_problem_is_none(siret)
    ]
    assert changed == ["35600000000048"]
    assert siret_problem("35600000000048") is None


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_accepted_set_is_unchanged_outside_la_poste(siret):
    if not siret.startswith("356000000"):
        assert (siret_problem(siret) is None) == _former_siret_problem_is_none(siret)


def test_luhn_refuses_non_ascii_digits():
    assert not luhn_ok("٣")
    assert not luhn_ok("")
