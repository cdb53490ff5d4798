"""The run's staging directory (decp/tmp/<run>/): `work/` holds the materialised inputs, `parts/<table>/` the
cleaned Parquet parts written by read_and_clean, one per batch of records."""

import polars as pl


def scan_parts(parts, table):
    """Lazy frame over the parts of one table, or None when no part was written."""
    files = sorted((parts / table).glob("*.parquet")) if (parts / table).exists() else []
    return pl.scan_parquet(files) if files else None
