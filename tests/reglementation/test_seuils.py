from datetime import date
from decimal import Decimal
from itertools import pairwise

import pytest

from pilote.reglementation import seuils


def test_2026_thresholds_of_the_brief():
    on = date(2026, 11, 22)
    assert seuils.eu_threshold("etat", "services", on) == Decimal("140000")
    assert seuils.eu_threshold("region", "fournitures", on) == Decimal("216000")
    assert seuils.eu_threshold("commune", "services", on, utility=True) == Decimal("432000")
    assert seuils.eu_threshold("commune", "travaux", on) == Decimal("5404000")
    assert seuils.procedure_threshold("services", on) == Decimal("60000")
    assert seuils.procedure_threshold("travaux", on) == Decimal("100000")
    assert seuils.value("publication_decp", on) == Decimal("40000")


def test_a_contract_is_judged_with_the_thresholds_of_its_date():
    assert seuils.eu_threshold("commune", "services", date(2025, 6, 1)) == Decimal("221000")
    assert seuils.eu_threshold("commune", "services", date(2023, 6, 1)) == Decimal("215000")
    assert seuils.procedure_threshold("services", date(2019, 6, 1)) == Decimal("25000")


def test_eu_thresholds_before_2020_are_known():
    """The DECP hold contracts from 2016: their EU thresholds (règlements délégués 2015/2340-2342, 2017/2364-2366)."""
    assert seuils.eu_threshold("commune", "services", date(2016, 6, 1)) == Decimal("209000")
    assert seuils.eu_threshold("etat", "fournitures", date(2017, 12, 31)) == Decimal("135000")
    assert seuils.eu_threshold("commune", "services", date(2018, 1, 1)) == Decimal("221000")
    assert seuils.eu_threshold("etat", "services", date(2019, 6, 1)) == Decimal("144000")
    assert seuils.eu_threshold("commune", "services", date(2019, 6, 1), utility=True) == Decimal("443000")
    assert seuils.eu_threshold("commune", "travaux", date(2019, 12, 31)) == Decimal("5548000")
    assert seuils.eu_threshold("commune", "travaux", date(2016, 1, 1)) == Decimal("5225000")
    assert seuils.value("publication_decp", date(2018, 10, 1)) == Decimal("25000")
    with pytest.raises(seuils.UnknownThreshold):
        seuils.value("publication_decp", date(2018, 9, 30))


def test_each_code_has_no_overlapping_periods():
    by_code = {}
    for entry in seuils.SEUILS:
        by_code.setdefault(entry.code, []).append(entry)
    for entries in by_code.values():
        entries.sort(key=lambda e: e.valid_from)
        for earlier, later in pairwise(entries):
            assert earlier.valid_to is not None
            assert earlier.valid_to < later.valid_from


def test_unknown_date_is_explained():
    with pytest.raises(seuils.UnknownThreshold, match="Aucun seuil « ue_etat » en vigueur le 01/01/2010"):
        seuils.value("ue_etat", date(2010, 1, 1))


@pytest.mark.parametrize(
    ("cpv", "nature"),
    [
        ("45233140", "travaux"),
        ("09310000", "fournitures"),
        ("48000000", "fournitures"),
        ("90910000", "services"),
        (None, "services"),
    ],
)
def test_nature_from_cpv(cpv, nature):
    assert seuils.nature_from_cpv(cpv) == nature
