"""Contract identity and deduplication of the copies read (documented in docs/decp-pipeline.md).

Identity. The official `id` is not unique per buyer (distinct contracts reuse an (acheteur, id) pair), so a
contract is identified by the composite key
    (type_contrat, acheteur SIRET, id, date de notification)
with the SIRET and id normalised (whitespace and "/" removed, upper case; id as repaired by cleaning) and the
date as cleaned. A copy whose notification date is missing or unreadable joins its (type, acheteur, id) group
when that group has a single known date; otherwise it stays on its own ("?" date).
`contrat_uid` is that key written out ("m|<siret>|<id>|<date>"), stable across imports.

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


def assign_identity(copies):
    """Add `contrat_uid` and `retenue` (True for the winning copy of each contract) to a lazy copies frame."""
    c = pl.col
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
