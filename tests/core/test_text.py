"""Accent folding written once (pilote.core.text) and what its former copies relied on."""

import pytest

from pilote.annuaire.text import normalize
from pilote.core.text import fold, fold_words
from pilote.fiches.cpv import tokens
from pilote.recensement import values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Énergie Renouvelable", "energie renouvelable"),
        ("  Maître   d'œuvre ", "maitre d'oeuvre"),
        ("ÆSCHYLE", "æschyle"),  # ligatures are spelled out before casefold: stored keys stay valid
        ("Straße", "strasse"),
        ("Ça\tva\nbien", "ca va bien"),
        ("", ""),
        (None, ""),
        (2027, "2027"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Montant estimé (€ HT)", "montant estime ht"),
        ("Date de fin du contrat", "date de fin du contrat"),
        ("Maîtrise d'œuvre", "maitrise d oeuvre"),
        ("N° 12 — lot A", "n 12 lot a"),
        (None, ""),
    ],
)
def test_fold_words(text, expected):
    assert fold_words(text) == expected


def test_former_copies_are_the_core_helpers():
    assert normalize is fold  # knowledge network: stored Skill.key / search_text keep their form
    assert values.fold is fold_words  # census headers, services, duplicate keys
    assert tokens("Véhicules électriques") == {"vehicule", "electrique"}
