"""Date rules: ISO dates with a timezone or time suffix (`2019-04-25+02:00`, `…T00:00:00Z`), English dates
(`September, 16 2021 00:00:00`), `DD/MM/YYYY`, impossible years (0224, 2924), dates after `today`, unreadable
dates, and publication before notification.

Everything is vectorised: regex extraction into year/month/day, then a strict `pl.date` build (invalid days
become null instead of raising).
"""

import datetime

import polars as pl

from pilote.decp.cleaning.base import Cleaned, Stages, blank_to_null


MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
MIN_YEAR = 1990  # no DECP contract was notified before; older years are typos (0224, 0024)
_ISO = r"^(\d{4})-(\d{2})-(\d{2})((?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?)$"
_DMY = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
_EN = r"^([A-Za-z]+),?\s+(\d{1,2}),?\s+(\d{4})(?:\s+[\d:]+)?$"


def parse_date(raw: pl.Expr, *, today: datetime.date, future_allowed: bool = False) -> Cleaned:
    """Parse a DECP date written in any of the known forms.

    future_allowed: dateDebutExecution of a concession may legitimately be after today; notification and
    publication dates may not (a contract published before it happens is a typo).
    """
    st = Stages(raw)
    (s,) = st.add(s=blank_to_null(raw).str.strip_chars())
    iso, dmy, en = st.add(iso=s.str.extract_groups(_ISO), dmy=s.str.extract_groups(_DMY), en=s.str.extract_groups(_EN))
    en_month_expr = (
        en.struct.field("1").str.to_lowercase().replace_strict(MONTHS_EN, default=None, return_dtype=pl.Int32)
    )
    is_iso, is_dmy, en_month, suffix = st.add(
        is_iso=iso.struct.field("1").is_not_null(),
        is_dmy=dmy.struct.field("1").is_not_null(),
        en_month=en_month_expr,
        suffix=iso.struct.field("4").str.len_chars() > 0,
    )
    year, month, day = st.add(
        year=pl.coalesce(iso.struct.field("1"), dmy.struct.field("3"), en.struct.field("3")).cast(
            pl.Int32, strict=False
        ),
        month=pl.coalesce(
            iso.struct.field("2").cast(pl.Int32, strict=False),
            dmy.struct.field("2").cast(pl.Int32, strict=False),
            en_month,
        ),
        day=pl.coalesce(iso.struct.field("3"), dmy.struct.field("1"), en.struct.field("2")).cast(
            pl.Int32, strict=False
        ),
    )
    # Month/day ranges are checked before building the date; invalid days (02-30) give null with strict=False.
    text = pl.concat_str(
        year.cast(pl.String).str.zfill(4),
        month.cast(pl.String).str.zfill(2),
        day.cast(pl.String).str.zfill(2),
        separator="-",
    )
    (parsed,) = st.add(
        parsed=pl.when(month.is_between(1, 12) & day.is_between(1, 31))
        .then(text)
        .str.to_date("%Y-%m-%d", strict=False)
    )
    is_en = en_month.is_not_null()
    impossible = parsed.is_not_null() & ~year.is_between(MIN_YEAR, today.year + 5)
    future = pl.lit(False) if future_allowed else parsed.is_not_null() & ~impossible & (parsed > pl.lit(today))
    impossible_c, future_c = st.add(impossible=impossible, future=future)
    (value,) = st.add(value=pl.when(impossible_c | future_c).then(pl.lit(None, dtype=pl.Date)).otherwise(parsed))
    return st.done(
        value,
        (is_iso & suffix) | is_dmy | is_en | (s.is_not_null() & value.is_null()),
        [
            ("date_fuseau", is_iso & suffix & value.is_not_null()),
            ("date_jj_mm_aaaa", is_dmy & value.is_not_null()),
            ("date_anglaise", is_en & value.is_not_null()),
            ("date_impossible", impossible_c),
            ("date_future", future_c),
            ("date_illisible", s.is_not_null() & parsed.is_null()),
        ],
    )


def publication_before_notification(publication: pl.Expr, notification: pl.Expr) -> pl.Expr:
    """Data published before the contract was notified: one of the two dates is wrong (both kept, flagged)."""
    return (publication < notification).fill_null(False)
