"""The run's staging directory (decp/tmp/<run>/): `work/` holds the materialised inputs, `parts/<table>/` the
cleaned Parquet parts written by read_and_clean, one per batch of records."""

import polars as pl


def part_files(parts, table):
    """The Parquet parts of one table under `parts` (the staged batches, or write_tables' chunks), in name order."""
    return sorted((parts / table).glob("*.parquet")) if (parts / table).exists() else []


def scan_parts(parts, table):
    """Lazy frame over the parts of one table, or None when no part was written."""
    files = part_files(parts, table)
    return pl.scan_parquet(files) if files else None
