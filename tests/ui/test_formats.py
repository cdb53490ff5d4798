"""French number formatting, one place (pilote.ui.formats), reached by the ui filters."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from pilote.ui import formats


N = "\u202f"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [(18364, 0, f"18{N}364"), (Decimal("1234.5"), 1, f"1{N}234,5"), (0, 0, "0"), (-0.01, 0, "0"), (None, 0, "—")],
)
def test_nombre(value, decimals, expected):
    assert formats.nombre(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("180000"), f"180{N}000{N}€"),
        (4_437_000_000, f"4,4{N}Md€"),
        (12_345_678, f"12,3{N}M€"),
        ("pas un nombre", "—"),
    ],
)
def test_euros_take_one_unit_rule(value, expected):
    assert formats.euros(value) == expected


def test_pourcent():
    assert formats.pourcent(0.123) == f"12,3{N}%"


@pytest.mark.parametrize(
    ("count", "nouns", "expected"),
    [
        (0, "fiche", "0 fiche"),
        (1, "fiche", "1 fiche"),
        (2, "fiche", "2 fiches"),
        (2, "besoin déclaré", "2 besoins déclarés"),
        (3, "fiche visa,fiches visa", "3 fiches visa"),
        (18364, "contrat", f"18{N}364 contrats"),
    ],
)
def test_compte_agrees_the_french_way(count, nouns, expected):
    assert formats.compte(count, nouns) == expected


def test_filters_are_builtins_of_every_template():
    html = Template('{{ n|fr_nombre }} · {{ a|fr_euros }} · {{ n|fr_compte:"fiche" }} · {{ p|fr_pourcent }}').render(
        Context({"n": 0, "a": 2500, "p": 0.5})
    )
    assert html == f"0 · 2{N}500{N}€ · 0 fiche · 50,0{N}%"
