"""Rows of a previous generation carried into the next one (both ways of writing the tables: whole,
steps/write_tables.py, and merge-on-read, steps/delta_tables.py)."""

import polars as pl

from pilote.decp.identity import attach_to_identified_buyer


# A row of a contract table is keyed by the copy it was read from
COPY_KEY = ["import_run", "record_key"]


def carry(frame: pl.DataFrame, winners: pl.DataFrame) -> pl.DataFrame:
    """Rows of a previous generation's table: those of copies still retained, with what `winners` says of them now
    (the contracts: identity, copy count and quality recomputed at each import; a child table or the versions:
    the identity), in the rows' order."""
    frame = frame.drop([c for c in winners.columns if c not in COPY_KEY], strict=False)
    # the contracts' rows state the buyer identity gives them now (other tables pass through)
    return attach_to_identified_buyer(frame.join(winners, on=COPY_KEY, maintain_order="left"))
