"""Step 3, identify: every copy of the store (the current generation's copies and this run's new ones) gets its
contract (`contrat_uid`) and whether it is the retained copy (pilote.decp.identity). The report's counts are
taken here, and the `copies` table is written here, so that the copies frame (one row per copy: 1.6 M at
national scale) is freed before the next steps load their own data.

Dedup runs on key columns only (a few hundred bytes per copy): the wide contract rows are never grouped.
"""

import logging

import polars as pl

from pilote.decp import report, tables
from pilote.decp.identity import IDENTIFIED, KEY_COLUMNS, assign_identity, touched_identity
from pilote.decp.steps import copies_table
from pilote.decp.steps.staging import scan_parts


logger = logging.getLogger("pilote.decp")

# Low-cardinality provenance as Categorical: the copies frame of a national store stays small in memory.
CATEGORICAL = ["import_run", "source", "fichier", "fichier_sha256", "tableau", "format", "type_contrat", "provenance"]


def identify(parts, old_dir, run_id, out, *, read, rejected, provenance="national", full=False):
    """Writes the `copies` table of `out`; returns (winners, report counts). Winners: one row per retained copy
    with import_run, record_key, contrat_uid, nb_copies, autres_montants. Raises ImportFailed when a record is
    unaccounted for.

    Identity is recomputed only for the partitions this run's copies touch (`_identify_touched`); `full`
    (`decp rebuild`) recomputes it over every copy of the store and writes `copies` whole."""
    stored = _stored(old_dir)
    new = _new_copies(parts, provenance)
    if (
        full
        or stored is None
        or new is None
        or not {*KEY_COLUMNS, *IDENTIFIED} <= set(stored.collect_schema().names())
    ):
        ident = assign_identity(_copies(parts, old_dir, provenance)).collect()
        counts = report.copy_counts(ident, run_id, read=read, rejected=rejected)
        counts["sans_ligne"] = rowless(ident, _retained(stored), run_id)
        _write_whole(ident, out)
        return _winners(ident), counts
    return _identify_touched(new, old_dir, run_id, out, read=read, rejected=rejected)


def _identify_touched(new, old_dir, run_id, out, *, read, rejected):
    """Identity of the new copies and of the stored copies of the partitions they touch
    (identity.touched_identity: equal to the full path); the other contracts keep their copies, retained copy and
    copy count as stored. `copies` is written merge-on-read with the recomputed contracts (`again`) masked
    (copies_table), and the winners of the others are the previous `contrats` rows."""
    cats = [pl.col(c).cast(pl.Categorical) for c in CATEGORICAL]
    stored = tables.scan(old_dir, "copies")
    fresh, again, retained = touched_identity(new.with_columns(cats), stored.with_columns(cats))
    counts = report.copy_counts(fresh, run_id, read=read, rejected=rejected)
    counts["sans_ligne"] = rowless(fresh, retained, run_id)
    fresh = fresh.with_columns(pl.col(c).cast(pl.String) for c in CATEGORICAL)
    copies_table.write(out, old_dir, fresh, again)
    kept = pl.col("contrat_uid").is_in(again.implode()).not_()
    winners = pl.concat(
        [
            _winners(fresh),
            tables.scan(old_dir, "contrats")
            .filter(kept)
            .select("import_run", "record_key", "contrat_uid", "nb_copies")
            .join(_other_amounts(stored.filter(kept)).lazy(), on="contrat_uid", how="left")
            .collect(),
        ],
        how="vertical_relaxed",
    )
    return winners, counts


def rowless(ident, retained, run_id) -> list[str]:
    """contrat_uid of the contracts whose retained copy is a stored copy that was not retained before, sorted.

    The store keeps the rows of retained copies only (the contract tables), so such a contract has none: it is in
    `copies` but not in `contrats`. It happens when identity splits a stored contract and the part that leaves it
    holds no copy with a row: an undated duplicate whose group gains a second date, or a spelling of the id that
    no longer agrees with its contract once a later copy states another amount and titulaire. Rare (none in the
    1.6 M synthetic corpus' monthly update), but a contract must not disappear silently: the import reports them
    (`contrats_sans_ligne`) and logs them. `ident`: the copies identified by this run; `retained`: import_run and
    record_key of the stored copies that were retained before (None: no previous generation)."""
    if retained is None:
        return []
    promoted = (
        ident.filter(pl.col("retenue") & (pl.col("import_run").cast(pl.String) != run_id))
        .select(pl.col("import_run").cast(pl.String), "record_key", "contrat_uid")
        .join(retained, on=["import_run", "record_key"], how="anti")
    )
    uids = sorted(promoted["contrat_uid"].to_list())
    if uids:
        logger.warning("contrats sans ligne", extra={"n": len(uids), "exemples": uids[:20]})
    return uids


def _retained(stored):
    """import_run and record_key of the stored copies that were retained (None without a previous generation or
    for copies written before the flag)."""
    if stored is None or "retenue" not in stored.collect_schema().names():
        return None
    return stored.filter(pl.col("retenue")).select(pl.col("import_run").cast(pl.String), "record_key").collect()


def _write_whole(ident, out):
    # streamed: the provenance columns become strings a slice at a time (cast whole, they were ~200 MB more at 1.6 M)
    ident.lazy().with_columns(pl.col(c).cast(pl.String) for c in CATEGORICAL).sink_parquet(
        tables.main_path(out, "copies"), compression="zstd", row_group_size=100_000
    )


def _winners(ident):
    """One row per retained copy of `ident` (import_run, record_key, contrat_uid, nb_copies, autres_montants).

    assign_identity sorts the copies by contract, the retained one first, so a contract's copies are the rows from
    its retained one to the next contract's: counted by run-length, without hashing 1.6 M uids (that hash set the
    national import's peak). Another order is sorted so first."""
    if not ident["contrat_uid"].is_sorted():
        ident = ident.sort(["contrat_uid", "retenue"], descending=[False, True])
    starts = ident.select(pl.arg_where("retenue"))["retenue"]
    nb_copies = starts.append(pl.Series([ident.height], dtype=starts.dtype)).diff().slice(1).cast(pl.Int32)
    winners = (
        ident.filter("retenue")
        .select(pl.col("import_run").cast(pl.String), "record_key", "contrat_uid")
        .with_columns(nb_copies.alias("nb_copies"))
    )
    return winners.join(_other_amounts(ident), on="contrat_uid", how="left")


def _other_amounts(ident):
    """The usable amounts the other copies of a contract state (`autres_montants`): evidence for the unit-slip
    rule of the quality step (cleaning.flag_thousand_slips). `ident`: a frame or a lazy frame of copies."""
    c = pl.col
    amounts = (
        ident.filter(~c("retenue") & c("cle_montant").is_not_null() & ~c("montant_inutilisable").fill_null(False))
        .group_by("contrat_uid")
        .agg(c("cle_montant").unique().alias("autres_montants"))
    )
    return amounts.collect() if isinstance(amounts, pl.LazyFrame) else amounts


def _new_copies(parts, provenance):
    new_c = scan_parts(parts, "contrats")
    return None if new_c is None else new_c.select(KEY_COLUMNS).with_columns(pl.lit(provenance).alias("provenance"))


def _stored(old_dir):
    return None if old_dir is None else tables.scan(old_dir, "copies")


def _copies(parts, old_dir, provenance="national"):
    """Key columns of every copy: this run's parts and the current generation's `copies` table; `provenance`
    (pilote.decp.provenance) is this run's for its copies, « national » for copies stored before the column."""
    frames = []
    new_c = _new_copies(parts, provenance)
    if new_c is not None:
        frames.append(new_c)
    if old_dir is not None:
        old = _stored(old_dir)
        if "montant_inutilisable" not in old.collect_schema():  # generations written before the column
            old = old.with_columns(pl.lit(False).alias("montant_inutilisable"))
        for name, dtype in (("cle_lot", pl.String), ("cle_montant", pl.Float64), ("cle_titulaire", pl.String)):
            if name not in old.collect_schema():  # generations written before the column
                old = old.with_columns(pl.lit(None, dtype).alias(name))
        if "provenance" not in old.collect_schema():
            old = old.with_columns(pl.lit("national").alias("provenance"))
        frames.append(old.select(*KEY_COLUMNS, "provenance"))
    narrow = pl.concat(frames, how="diagonal_relaxed") if frames else _empty_copies()
    return narrow.with_columns(pl.col(c).cast(pl.Categorical) for c in CATEGORICAL)


def _empty_copies():
    schema = dict.fromkeys([*KEY_COLUMNS, "provenance"], pl.String)
    schema.update(
        {
            "record_key": pl.Int64,
            "position": pl.Int64,
            "cle_date_notification": pl.Date,
            "date_derniere_publication": pl.Date,
            "nb_modifications": pl.Int32,
            "montant_inutilisable": pl.Boolean,
            "cle_lot": pl.String,
            "cle_montant": pl.Float64,
        }
    )
    return pl.LazyFrame(schema=schema)
