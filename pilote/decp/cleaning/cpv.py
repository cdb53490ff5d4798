"""CPV code rule: `NNNNNNNN-C` check digit verified then removed, whitespace removed, 7-digit codes whose leading
zero was lost restored only when the 8-digit code exists in the CPV 2008 list, unknown or malformed codes flagged.

Lookups are vectorised `replace_strict` against the 9,454-code list (pilote.decp.refdata).
"""

import polars as pl

from pilote.decp.cleaning.base import Cleaned, Stages, blank_to_null, changed_string
from pilote.decp.refdata import cpv_series


def clean_cpv(raw: pl.Expr) -> Cleaned:
    """Clean codeCPV into 8 digits without check digit (null when malformed)."""
    codes, keys = cpv_series()
    st = Stages(raw)
    s, compact = st.add(s=blank_to_null(raw), compact=blank_to_null(raw).str.replace_all(r"\s", ""))
    (parts,) = st.add(parts=compact.str.extract_groups(r"^(\d{7,8})(?:-(\d))?$"))
    digits, given_key = st.add(digits=parts.struct.field("1"), given_key=parts.struct.field("2"))
    (restore,) = st.add(restore=(digits.str.len_chars() == 7) & (pl.lit("0") + digits).is_in(codes.implode()))
    (code,) = st.add(
        code=pl.when(restore)
        .then(pl.lit("0") + digits)
        .when(digits.str.len_chars() == 8)
        .then(digits)
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    (true_key,) = st.add(true_key=code.replace_strict(codes, keys, default=None, return_dtype=pl.String))
    return st.done(
        code,
        changed_string(code, s),
        [
            ("cpv_espaces", s.is_not_null() & (compact != s)),
            ("cpv_cle_retiree", given_key.is_not_null() & (given_key == true_key)),
            ("cpv_cle_invalide", given_key.is_not_null() & true_key.is_not_null() & (given_key != true_key)),
            ("cpv_zero_perdu", restore),
            # a 7-digit code whose padded form is not in the list: the lost digit is not known, do not guess
            ("cpv_invalide", s.is_not_null() & code.is_null()),
            ("cpv_inconnu", code.is_not_null() & true_key.is_null()),
        ],
    )
