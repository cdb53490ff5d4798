"""Date rules on real date forms (PES `+01:00` suffix, years 0218 of the 2019 files) and known defects."""

import datetime

import pytest

from pilote.decp.cleaning.dates import parse_date
from tests.decp.cleaning.helpers import TODAY, one


D = datetime.date


def parse(value, **kw):
    return one(parse_date, value, today=TODAY, **kw)


def test_plain_iso_date():
    assert parse("2024-05-30") == {"v": D(2024, 5, 30), "v_brut": None, "qualite": []}


@pytest.mark.parametrize(
    "written",
    ["2018-12-17+01:00", "2019-04-25+02:00", "2018-12-17Z", "2018-12-17T00:00:00", "2018-12-17T10:15:00+01:00"],
)
def test_timezone_or_time_suffix(written):
    # 2018-12-17+01:00 is a real dateNotification of the PES 2019 file
    row = parse(written)
    assert row["v"] == D.fromisoformat(written[:10])
    assert row["v_brut"] == written
    assert row["qualite"] == ["date_fuseau"]


def test_english_and_french_forms():
    assert parse("September, 16 2021 00:00:00") == {
        "v": D(2021, 9, 16), "v_brut": "September, 16 2021 00:00:00", "qualite": ["date_anglaise"],
    }  # fmt: skip
    assert parse("16/09/2021") == {"v": D(2021, 9, 16), "v_brut": "16/09/2021", "qualite": ["date_jj_mm_aaaa"]}


@pytest.mark.parametrize("written", ["0218-03-01", "0224-05-02", "2924-05-02", "5024-05-02", "0024-05-02"])
def test_impossible_years_are_nulled(written):
    # 0218 is a real year of the 2019 files, the others are the typos the synthetic corpus injects
    assert parse(written) == {"v": None, "v_brut": written, "qualite": ["date_impossible"]}


def test_future_dates():
    assert parse("2027-01-15") == {"v": None, "v_brut": "2027-01-15", "qualite": ["date_future"]}
    # the start of execution of a concession may be in the future
    assert parse("2027-01-15", future_allowed=True) == {"v": D(2027, 1, 15), "v_brut": None, "qualite": []}


@pytest.mark.parametrize("written", ["2024-02-30", "hier", "2024-13-01", "31/02/2024"])
def test_unreadable_dates(written):
    assert parse(written) == {"v": None, "v_brut": written, "qualite": ["date_illisible"]}


def test_absent_date_is_not_an_error_of_the_date_rule():
    assert parse(None) == {"v": None, "v_brut": None, "qualite": []}
    assert parse("  ") == {"v": None, "v_brut": None, "qualite": []}
