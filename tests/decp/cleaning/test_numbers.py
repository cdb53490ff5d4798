"""Amounts (never changed, only flagged), integers, booleans and rates, on real and injected values."""

import pytest
from hypothesis import given, settings, strategies as st

from pilote.decp.cleaning.numbers import clean_booleen, clean_entier, clean_montant, clean_taux
from tests.decp.cleaning.helpers import one


def test_real_amounts_are_kept():
    # real montants of the 2019 files (26130 €, 110000 €) and of the tabular 2024 extract (61100 €)
    for written, value in [("26130", 26130.0), ("110000", 110000.0), ("61100", 61100.0), ("137614.5", 137614.5)]:
        assert one(clean_montant, written) == {"v": value, "v_brut": None, "qualite": []}


@pytest.mark.parametrize(
    ("written", "value"), [("137 614,00", 137614.0), ("137\u00a0614,50", 137614.5), ("1.254.367,89", 1254367.89)]
)
def test_amounts_written_as_french_text_are_read(written, value):
    assert one(clean_montant, written) == {"v": value, "v_brut": written, "qualite": ["montant_texte"]}


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("0", "montant_symbolique"),
        ("1", "montant_symbolique"),
        ("62.5", "montant_faible"),
        ("999999999", "montant_sentinelle"),
        ("99999999999.99", "montant_sentinelle"),
        ("123456789", "montant_sentinelle"),
        ("123456.78", "montant_sentinelle"),
        ("9876543.21", "montant_sentinelle"),
        ("111111.21", "montant_sentinelle"),
        ("1e+17", "montant_excessif"),
    ],
)
def test_absurd_amounts_are_flagged_not_changed(written, code):
    row = one(clean_montant, written)
    assert row["v"] == float(written)
    assert code in row["qualite"]
    assert row["v_brut"] is None


def test_unreadable_amount():
    assert one(clean_montant, "NC") == {"v": None, "v_brut": "NC", "qualite": ["non_communique"]}
    assert one(clean_montant, "beaucoup") == {"v": None, "v_brut": "beaucoup", "qualite": ["montant_illisible"]}


def test_subsidy_may_be_zero():
    assert one(clean_montant, "0", subvention=True) == {"v": 0.0, "v_brut": None, "qualite": []}


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_amounts_are_never_modified(x):
    for written in (repr(x), str(int(x))):
        assert one(clean_montant, written)["v"] == float(written)


def test_integers():
    assert one(clean_entier, "12") == {"v": 12, "v_brut": None, "qualite": []}
    assert one(clean_entier, "12.0") == {"v": 12, "v_brut": None, "qualite": []}
    assert one(clean_entier, "NC", zero_code="duree_invalide") == {
        "v": None,
        "v_brut": "NC",
        "qualite": ["non_communique"],
    }
    assert one(clean_entier, "0", zero_code="offres_recues_zero") == {
        "v": None,
        "v_brut": "0",
        "qualite": ["offres_recues_zero"],
    }
    assert one(clean_entier, "2.5")["qualite"] == ["entier_illisible"]


@pytest.mark.parametrize(
    ("written", "value", "codes"),
    [
        ("true", True, []),
        ("false", False, []),
        ("oui", True, ["booleen_texte"]),
        ("Non", False, ["booleen_texte"]),
        ("1", True, ["booleen_texte"]),
        ("0", False, ["booleen_texte"]),
        ("NC", None, ["non_communique"]),
        ("peut-être", None, ["booleen_illisible"]),
    ],
)
def test_booleans(written, value, codes):
    row = one(clean_booleen, written)
    assert (row["v"], row["qualite"]) == (value, codes)
    assert (row["v_brut"] is not None) == bool(codes)


def test_rates():
    assert one(clean_taux, "0.05", percent_code="taux_avance_pourcentage") == {
        "v": 0.05,
        "v_brut": None,
        "qualite": [],
    }
    assert one(clean_taux, "5.0", percent_code="taux_avance_pourcentage") == {
        "v": 0.05, "v_brut": "5.0", "qualite": ["taux_avance_pourcentage"],
    }  # fmt: skip
    assert one(clean_taux, "0.0", percent_code="taux_avance_pourcentage")["v"] == 0.0  # Megalis 2024 real value
    assert one(clean_taux, "250", percent_code="taux_avance_pourcentage")["qualite"] == ["taux_hors_bornes"]


def test_numbers_written_as_text_keep_their_raw_form():
    assert one(clean_entier, "1,0") == {"v": 1, "v_brut": "1,0", "qualite": ["nombre_texte"]}
    assert one(clean_taux, "0,05", percent_code="taux_avance_pourcentage") == {
        "v": 0.05, "v_brut": "0,05", "qualite": ["nombre_texte"],
    }  # fmt: skip
