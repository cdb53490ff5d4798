"""CPV rule on real codes of the 2019 files and the CPV 2008 list."""

import pytest

from pilote.decp.cleaning.cpv import clean_cpv
from pilote.decp.refdata import cpv_check_digits, cpv_codes
from tests.decp.cleaning.helpers import one


def test_reference_list_is_complete():
    codes = cpv_codes()
    assert codes.height == 9454
    assert codes["code"].str.contains(r"^\d{8}$").all()
    assert cpv_check_digits()["45214200"] == "2"  # 45214200-2 Travaux de construction de bâtiments scolaires


def test_plain_code_is_kept():
    assert one(clean_cpv, "79100000") == {"v": "79100000", "v_brut": None, "qualite": []}


def test_check_digit_verified_and_removed():
    assert one(clean_cpv, "45214200-2") == {"v": "45214200", "v_brut": "45214200-2", "qualite": ["cpv_cle_retiree"]}
    wrong = one(clean_cpv, "45214200-5")
    assert wrong["v"] == "45214200"
    assert wrong["qualite"] == ["cpv_cle_invalide"]


@pytest.mark.parametrize(("written", "restored"), [("9132100", "09132100"), ("9310000", "09310000")])
def test_real_seven_digit_codes_get_their_leading_zero_back(written, restored):
    # real AIFE 2019 values (fuel, 09132100 Essence sans plomb; 09310000 Électricité)
    assert one(clean_cpv, written) == {"v": restored, "v_brut": written, "qualite": ["cpv_zero_perdu"]}


def test_seven_digit_code_not_in_the_list_is_not_guessed():
    # right-padding (what some pipelines do) would invent 45214200; left-padding gives a code that does not exist
    row = one(clean_cpv, "4521420")
    assert row == {"v": None, "v_brut": "4521420", "qualite": ["cpv_invalide"]}


@pytest.mark.parametrize("written", ["0", "031210005", "CPV", "4521-4200"])
def test_malformed_codes_are_nulled_and_flagged(written):
    # "0" and "031210005" are real values of the 2019 files
    assert one(clean_cpv, written) == {"v": None, "v_brut": written, "qualite": ["cpv_invalide"]}


def test_spaces_removed():
    assert one(clean_cpv, "45 21 42 00") == {"v": "45214200", "v_brut": "45 21 42 00", "qualite": ["cpv_espaces"]}


def test_unknown_well_formed_code_is_kept_and_flagged():
    assert one(clean_cpv, "45214299") == {"v": "45214299", "v_brut": None, "qualite": ["cpv_inconnu"]}


def test_absent_code_is_not_a_cpv_rule_alone():
    # absence is a record-level rule (cpv_absent, marchés only), see test_contrats
    assert one(clean_cpv, None) == {"v": None, "v_brut": None, "qualite": []}
