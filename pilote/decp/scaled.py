"""A national-scale store for benchmarks, written from the current generation: every table replicated `copies`
times (new contrat_uid per copy; buyers renamed in every copy but one in `keep_every`, so that one buyer keeps a
realistic volume). Used by `manage.py cockpit_bench`; synthetic by construction, never presented as real data."""

import polars as pl

from pilote.decp import store as decp_store, tables


def write_scaled_generation(source, target, copies: int, keep_every: int) -> tuple[int, str]:
    """Write the scaled generation under `target` (once: an existing one is reused); returns its number of
    contracts and the busiest buyer SIRET of the source."""
    gen_id = f"banc-{copies}"
    out = decp_store.decp_dir(target) / "generations" / gen_id
    contrats = tables.scan(source, "contrats").collect()
    buyer = contrats.group_by("acheteur_id").len().sort("len", descending=True).drop_nulls()["acheteur_id"][0]
    if not (out / "manifest.json").exists():
        out.mkdir(parents=True, exist_ok=True)
        frames = {t: tables.scan(source, t).collect() for t in decp_store.TABLES}
        scaled = {t: [] for t in decp_store.TABLES}
        for i in range(copies):
            suffix = pl.lit(f"#{i}")
            for table, frame in frames.items():
                if "contrat_uid" not in frame.columns or frame.is_empty():
                    continue
                piece = frame.with_columns(pl.col("contrat_uid") + suffix)
                if table == "contrats" and i % keep_every:
                    # Other copies belong to other (invented) buyers: same shape, another SIRET.
                    piece = piece.with_columns(
                        (pl.lit(f"{i:03d}") + pl.col("acheteur_id").str.slice(3)).alias("acheteur_id")
                    )
                scaled[table].append(piece)
        counts = {}
        for table in decp_store.TABLES:
            frame = pl.concat(scaled[table]) if scaled[table] else frames[table]
            frame.write_parquet(out / f"{table}.parquet", row_group_size=122_880)
            counts[table] = frame.height
        (out / "manifest.json").write_text(f'{{"generation": "{gen_id}", "counts": {counts}}}'.replace("'", '"'))
        (decp_store.decp_dir(target) / "CURRENT").write_text(gen_id + "\n")
    n = pl.scan_parquet(out / "contrats.parquet").select(pl.len()).collect().item()
    return n, buyer
