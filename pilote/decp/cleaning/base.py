"""Building blocks of the DECP cleaning rules: the `Cleaned` result of a rule and the helpers that turn it into
columns (typed value, `<col>_brut`, `qualite` codes).

Every rule is a pure function from Polars expressions (the raw column, sometimes other raw columns) to a
`Cleaned`: the cleaned value, whether it differs from the raw one, and the (code, condition) pairs of what the
rule corrected or flagged. Staying in expressions keeps the whole cleaning vectorised (one pass of Polars over
1.6 M rows); Python per value is only used on small pre-filtered subsets (see text.py).
"""

from dataclasses import dataclass, field

import polars as pl


@dataclass(frozen=True)
class Cleaned:
    """Result of a cleaning rule on one column.

    value: the cleaned, typed value. changed: True where the cleaned value is not the raw value read as is
    (a correction, or a value set to null because unknowable) — this is where `<col>_brut` keeps the raw value.
    flags: (rule code, condition) for every rule that corrected or flagged something.
    """

    value: pl.Expr
    changed: pl.Expr
    flags: tuple[tuple[str, pl.Expr], ...] = field(default_factory=tuple)
    # Levels of intermediate columns to compute first (see Stages); value/changed/flags refer to them.
    stages: tuple[tuple[pl.Expr, ...], ...] = field(default_factory=tuple)


def codes_expr(flags: list[tuple[str, pl.Expr]]) -> pl.Expr:
    """List of the codes whose condition holds (an empty list when none does)."""
    if not flags:
        return pl.lit([], dtype=pl.List(pl.String))
    parts = [
        pl.when(cond.fill_null(False)).then(pl.lit(code)).otherwise(pl.lit(None, dtype=pl.String))
        for code, cond in flags
    ]
    return pl.concat_list(parts).list.drop_nulls()


def raw_as_string(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The raw value as a String for `<col>_brut`: lists are joined with " | " (the separator is not used in
    DECP enumerations), scalars are already strings."""
    if isinstance(dtype, pl.List):
        return raw.list.join(" | ")
    return raw


def changed_string(value: pl.Expr, raw: pl.Expr) -> pl.Expr:
    """For String columns: changed where the value differs from the raw one (null-aware)."""
    return value.ne_missing(raw)


def nulled(value: pl.Expr, raw: pl.Expr) -> pl.Expr:
    """The cleaned value is null while something was written (unknowable value set to null)."""
    return value.is_null() & raw.is_not_null()


def blank_to_null(raw: pl.Expr) -> pl.Expr:
    """Empty or whitespace-only strings mean "absent" in every DECP format (XML empty elements, CSV cells)."""
    return pl.when(raw.str.strip_chars().str.len_bytes() == 0).then(None).otherwise(raw)


class Stages:
    """Intermediate columns of a rule, materialised level by level before the final expressions.

    Polars does not share repeated sub-expressions in eager mode: a rule that uses its cleaned value in five
    flags, or a Luhn check over 14 digit slices of an already-cleaned id, would recompute whole trees. Each
    `add` call is one `with_columns` pass; later levels and the final expressions refer to the columns by name.
    """

    def __init__(self, raw: pl.Expr, tag: str | None = None):
        self.prefix = f"__{tag or raw.meta.output_name()}__"
        self.levels: list[list[pl.Expr]] = []

    def add(self, **exprs: pl.Expr) -> list[pl.Expr]:
        self.levels.append([e.alias(self.prefix + k) for k, e in exprs.items()])
        return [pl.col(self.prefix + k) for k in exprs]

    def done(self, value: pl.Expr, changed: pl.Expr, flags) -> Cleaned:
        return Cleaned(value=value, changed=changed, flags=tuple(flags), stages=tuple(tuple(lv) for lv in self.levels))
