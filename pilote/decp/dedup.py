"""Contract identity and deduplication of the copies read (documented in docs/decp-pipeline.md).

Identity. The official `id` is not unique per buyer (distinct contracts reuse an (acheteur, id) pair), so a
contract is identified by the composite key
    (type_contrat, acheteur SIRET, id, date de notification)
with the SIRET and id normalised (whitespace and "/" removed, upper case; id as repaired by cleaning) and the
date as cleaned. A copy whose notification date is missing or unreadable joins its (type, acheteur, id) group
when that group has a single known date; otherwise it stays on its own ("?" date).
For 2019-format records, the trailing 2-digit modification sequence of the id is removed first (see
ingest.identity_columns). `contrat_uid` is that key written out ("m|<siret>|<id>|<date>"), stable across imports.

A copy whose buyer SIRET fails the Luhn check (a typo by one channel) is attached to the contract with the same
type, id and notification date when exactly one buyer with a valid SIRET has such a contract: channels that
republish a contract sometimes mistype the buyer, and keeping it apart would count the contract twice.

Which copy wins: the latest publication — the most recent of the record's publication date and its
modifications' publication dates — then the one with more modifications (a later state), then the most recent
import run, then the later position. Every copy keeps its provenance in the `copies` table.
"""

import polars as pl


KEY_COLUMNS = [
    "import_run",
    "record_key",
    "source",
    "fichier",
    "fichier_sha256",
    "position",
    "tableau",
    "format",
    "type_contrat",
    "cle_acheteur",
    "cle_id",
    "cle_date_notification",
    "date_derniere_publication",
    "nb_modifications",
]


def luhn_ok(col):
    """Vectorised Luhn check of a 14-digit SIRET column (False for anything else)."""
    digits = [col.str.slice(i, 1).cast(pl.Int32, strict=False) for i in range(14)]
    # from the right, every second digit is doubled (positions 12, 10, … from the left for 14 digits)
    terms = [
        (pl.when(d * 2 > 9).then(d * 2 - 9).otherwise(d * 2) if (13 - i) % 2 else d) for i, d in enumerate(digits)
    ]
    total = pl.sum_horizontal(terms)
    return (col.str.len_chars() == 14) & col.str.contains(r"^[0-9]{14}$") & (total % 10 == 0)


def repair_buyer(copies):
    """Attach copies with an invalid buyer SIRET to the single valid buyer having the same (type, id, date)."""
    c = pl.col
    key = ["type_contrat", "cle_id", "cle_date_notification"]
    valid = copies.with_columns(luhn_ok(c("cle_acheteur")).alias("_ok"))
    candidates = (
        valid.filter(c("_ok") & c("cle_date_notification").is_not_null())
        .group_by(key)
        .agg(c("cle_acheteur").n_unique().alias("_n"), c("cle_acheteur").first().alias("_acheteur"))
        .filter(c("_n") == 1)
        .drop("_n")
    )
    return (
        valid.join(candidates, on=key, how="left", nulls_equal=False)
        .with_columns(
            pl.when(~c("_ok") & c("_acheteur").is_not_null())
            .then(c("_acheteur"))
            .otherwise(c("cle_acheteur"))
            .alias("cle_acheteur")
        )
        .drop("_ok", "_acheteur")
    )


def assign_identity(copies):
    """Add `contrat_uid` and `retenue` (True for the winning copy of each contract) to a lazy copies frame."""
    c = pl.col
    copies = repair_buyer(copies)
    group = [c("type_contrat"), c("cle_acheteur"), c("cle_id")]
    dates = c("cle_date_notification")
    known = dates.drop_nulls().n_unique().over(group)
    only = dates.drop_nulls().first().over(group)
    effective = pl.coalesce(dates, pl.when(known == 1).then(only)).cast(pl.String).fill_null("?")
    uid = pl.concat_str(
        [
            pl.when(c("type_contrat") == "concession").then(pl.lit("c")).otherwise(pl.lit("m")),
            c("cle_acheteur").fill_null(""),
            c("cle_id").fill_null(""),
            effective,
        ],
        separator="|",
    )
    with_uid = copies.with_columns(uid.alias("contrat_uid"))
    order = with_uid.sort(
        ["contrat_uid", "date_derniere_publication", "nb_modifications", "import_run", "record_key"],
        descending=[False, True, True, True, True],
        nulls_last=True,
    )
    return order.with_columns((pl.int_range(pl.len()).over("contrat_uid") == 0).alias("retenue"))
