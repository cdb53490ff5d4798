import datetime as dt
from decimal import Decimal

import pytest

from pilote.communs import rules


START = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("unit", "delta", "expected"),
    [
        ("heure", dt.timedelta(minutes=30), 1),
        ("heure", dt.timedelta(hours=2, minutes=1), 3),
        ("jour", dt.timedelta(hours=5), 1),
        ("jour", dt.timedelta(days=2, seconds=1), 3),
    ],
)
def test_booking_units(unit, delta, expected):
    assert rules.booking_units(unit, START, START + delta) == expected


def test_booking_units_refuse_an_empty_slot():
    with pytest.raises(ValueError):
        rules.booking_units("heure", START, START)


def test_overlaps_are_half_open():
    hour = dt.timedelta(hours=1)
    assert rules.overlaps(START, START + 2 * hour, START + hour, START + 3 * hour)
    assert not rules.overlaps(START, START + hour, START + hour, START + 2 * hour)


@pytest.mark.parametrize(
    ("cpv", "expected"),
    [
        ("42924720-5", "outillage"),
        ("34110000", "vehicules"),
        ("32320000", "audiovisuel"),
        ("39110000", "mobilier"),
        ("30213100", "informatique"),
        ("45000000", None),
        ("", None),
    ],
)
def test_share_class_of_cpv(cpv, expected):
    assert rules.share_class_of_cpv(cpv) == expected


def test_value_and_threshold():
    assert rules.value_eur(3, Decimal("25.5")) == Decimal("76.50")
    with pytest.raises(ValueError):
        rules.value_eur(3, None)
    assert not rules.agreement_needed(Decimal("20000"), Decimal("3000"))
    assert rules.agreement_needed(Decimal("20000"), Decimal("3000.01"))


def test_shared_purchases_indicator():
    items = [
        {"purchase_value_eur": Decimal("450"), "bookings": 4, "initiatives": 2},
        {"purchase_value_eur": Decimal("1000"), "bookings": 0, "initiatives": 0},
        {"purchase_value_eur": None, "bookings": 9, "initiatives": 3},  # lent by an initiative, not bought
    ]
    assert rules.shared_purchases(items) == {
        "bought": 2,
        "shared": 1,
        "bookings_per_item": 2.0,
        "avoided_eur": Decimal("900"),
    }
