"""The `copies` table of a new generation, written merge-on-read by the identify step (pilote.decp.tables).

The identify step recomputes the copies of the contracts that the new file's identity partitions hold (`again`:
their contrat_uid in the previous generation) together with the new copies (`fresh`); every other copy keeps its
row. So the new generation shares the previous main part by hard link, masks `again` (with the previous mask) in
`copies.masque.parquet`, and writes a delta part: the previous delta's copies of other contracts, then `fresh`.
A whole write (a compaction) happens when the delta or the mask would pass delta_tables.MAX_SHARE of the main
part, or when the columns changed.
"""

import polars as pl

from pilote.decp import tables
from pilote.decp.steps import delta_tables
from pilote.decp.steps.table_sink import conform, relaxed_schema


ROW_GROUP_SIZE = 100_000


def write(out, old_dir, fresh: pl.DataFrame, again: pl.Series) -> None:
    """Write the `copies` table of `out` from the previous generation's (`old_dir`) and the recomputed copies."""
    schema = tables.schema(old_dir, "copies")
    small = delta_tables.within_share(old_dir, "copies", fresh.height, again.len())
    if small and relaxed_schema([schema, fresh.schema]) == schema:
        _write_parts(out, old_dir, fresh, again, schema)
    else:
        kept = tables.scan(old_dir, "copies").filter(~pl.col("contrat_uid").is_in(again.implode())).collect()
        whole = pl.concat([conform(kept, schema), fresh], how="diagonal_relaxed")
        whole.write_parquet(tables.main_path(out, "copies"), compression="zstd", row_group_size=ROW_GROUP_SIZE)


def _write_parts(out, old_dir, fresh, again, schema):
    old = tables.parts(old_dir, "copies")
    delta_tables.link(old.main, tables.main_path(out, "copies"))
    frames = [conform(fresh, schema)]
    if old.delta is not None:
        previous = pl.scan_parquet(old.delta).filter(~pl.col("contrat_uid").is_in(again.implode())).collect()
        frames.insert(0, previous)
    pl.concat(frames).write_parquet(
        tables.delta_path(out, "copies"), compression="zstd", row_group_size=ROW_GROUP_SIZE
    )
    delta_tables.write_mask(out, old_dir, "copies", again)
