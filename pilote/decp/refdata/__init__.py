"""Reference data of the DECP pipeline (CPV 2008 list), shipped as files next to this module, with loaders.

Loaded once per process (lru_cache): cleaning joins against these small frames instead of calling Python per value.
"""

from functools import lru_cache
from pathlib import Path

import polars as pl


REFDATA_DIR = Path(__file__).resolve().parent
CPV_PATH = REFDATA_DIR / "cpv_2008.csv"


@lru_cache(maxsize=1)
def cpv_codes() -> pl.DataFrame:
    """The CPV 2008 list: `code` (8 digits), `cle` (check digit, 1 char), `libelle` (French label)."""
    raw = pl.read_csv(CPV_PATH, schema={"CODE": pl.String, "FR": pl.String})
    return raw.select(
        pl.col("CODE").str.slice(0, 8).alias("code"),
        pl.col("CODE").str.slice(9, 1).alias("cle"),
        pl.col("FR").alias("libelle"),
    )


@lru_cache(maxsize=1)
def cpv_check_digits() -> dict[str, str]:
    """8-digit CPV code -> its check digit, for the vectorised `replace_strict` lookups of cleaning."""
    df = cpv_codes()
    return dict(zip(df["code"].to_list(), df["cle"].to_list(), strict=True))


@lru_cache(maxsize=1)
def cpv_series() -> tuple[pl.Series, pl.Series]:
    """(codes, check digits) as Series: passing Series to `replace_strict` / `is_in` avoids converting the
    9,454-entry dict on every call (cleaning runs once per batch)."""
    df = cpv_codes()
    return df["code"], df["cle"]
