"""clean_identifiant computes Luhn on integers (identifiers.luhn_int_expr): its flags and the integer form
agree with the plain-Python Luhn check."""

import polars as pl
from hypothesis import given, settings, strategies as st
from polars.testing import assert_frame_equal

from pilote.decp.cleaning.frame import Group, apply_groups
from pilote.decp.cleaning.identifiers import (
    LA_POSTE_SIREN,
    clean_identifiant,
    luhn_int_expr,
    luhn_ok,
)


# ASCII digits mostly, some Arabic-Indic / fullwidth digits, spaces, letters, signs; La Poste prefixes
ident = st.one_of(
    st.text(alphabet="0123456789", min_size=12, max_size=15),
    st.text(alphabet="0123456789 ٣０+-A", min_size=0, max_size=16),
    st.text(alphabet="0123456789", min_size=5, max_size=5).map(lambda t: LA_POSTE_SIREN + t),
    st.text(alphabet="0123456789٣", min_size=5, max_size=5).map(lambda t: LA_POSTE_SIREN + t),
    st.text(alphabet="0123456789", min_size=9, max_size=9).map(lambda t: t + "٣1234"),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(ident, min_size=1, max_size=30))
def test_integer_luhn_flags_agree_with_the_plain_python_check(values):
    """siren_invalide / siret_invalide on 14 ASCII digits exactly when the plain-Python Luhn check (SIREN and
    SIRET) fails, La Poste establishments excepted."""
    raw = pl.DataFrame({"i": values}, schema={"i": pl.String})
    out = apply_groups(raw, [Group({"i": clean_identifiant(pl.col("i"))})])
    for value, codes in zip(out["i"].to_list(), out["qualite"].to_list(), strict=True):
        flagged = "siret_invalide" in codes or "siren_invalide" in codes
        if value is not None and len(value) == 14 and value.isascii() and value.isdigit():
            la_poste = value.startswith(LA_POSTE_SIREN) and sum(map(int, value)) % 5 == 0
            assert flagged == (not la_poste and not (luhn_ok(value[:9]) and luhn_ok(value))), value


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="0123456789", min_size=14, max_size=14), min_size=1, max_size=20))
def test_luhn_int_matches_python(values):
    frame = pl.DataFrame({"s": values})
    for n in (9, 14):
        got = frame.select(luhn_int_expr(pl.col("s").str.slice(0, n).str.to_integer(), n).alias("ok"))
        assert got["ok"].to_list() == [luhn_ok(v[:n]) for v in values]


def test_cached_group_expressions_follow_the_raw_schema():
    """A Group keeps its output expressions per raw schema (frame._group_exprs): reusing it on a frame whose
    column has another dtype, or another column set, gives what a fresh Group gives."""
    from pilote.decp.cleaning.enums import clean_enum_list

    def group():
        return Group({"v": clean_enum_list(pl.col("v"), ("Sans objet", "Accord-cadre"))})

    cached = group()
    frames = [
        pl.DataFrame({"v": [["sans objet"], None, ["x", "Accord-cadre"]]}),
        pl.DataFrame({"v": [["Sans objet"]], "autre": [1]}),
        pl.DataFrame({"v": [["accord-cadre", "sans objet"], []]}),
    ]
    for _ in range(2):
        for raw in frames:
            assert_frame_equal(apply_groups(raw, [cached]), apply_groups(raw, [group()]), check_exact=True)
