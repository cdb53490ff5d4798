"""All of contract identity, in one module (documented in docs/decp-pipeline.md, "Identity and deduplication").

Used by the read-and-clean step (`identity_columns`, per batch) and by the identify step (`assign_identity`, over
every copy of the store): how a copy's key columns are normalised, how copies group into one contract, how
`contrat_uid` is written, and which copy is retained.

Identity. The official `id` is not unique per buyer (distinct contracts reuse an (acheteur, id) pair), so a
contract is identified by the composite key
    (type_contrat, acheteur SIRET, id, date de notification)
with the SIRET's whitespace removed, the id exactly as cleaning left it (whitespace removed, case and "/" kept)
and the date as cleaned. Two spellings of one id (case, "/", a lot suffix "-LOT02…": `spelling_key`) of the same
buyer, type and date are one contract only when the content shows it (`merge_spellings`: the same first
titulaire or the same amount, and neither contradicts); otherwise they are distinct contracts (2024SH2 and
2024sh2, same day, different titulaires and amounts). A copy whose notification date is missing or unreadable joins its (type, acheteur, id) group
when that group has a single known date; otherwise it stays on its own ("?" date).
For 2019-format records, the trailing 2-digit modification sequence of the id is removed first (see
`identity_columns`). `contrat_uid` is that key written out ("m|<siret>|<id>|<date>"), stable across imports. A tabular extract's
rows of one id that are distinct lots (readers.tabular) add their lot ("…|lot <initial amount>").

A copy whose buyer SIRET fails the Luhn check (a typo by one channel) is attached to the contract with the same
type, id and notification date when exactly one buyer with a valid SIRET has such a contract: channels that
republish a contract sometimes mistype the buyer, and keeping it apart would count the contract twice. When such
a copy is retained, the contract's row states the valid buyer (`attach_to_identified_buyer`).

Which copy wins: a national copy over an organisation's own publication (`provenance`, pilote.decp.provenance:
an organisation never overrides the national source), then a dated copy over an undated one that joined its contract (an undated copy never overrides
a dated contract), then the latest publication — the most recent of the record's publication date and its
modifications' publication dates — then the one with more modifications (a later state), then, among copies of
the same state, one whose amount can be the true amount (not 0/1 €, a sentinel…: `montant_inutilisable`), then
the most recent import run, then the later position. Every copy keeps its provenance in the `copies` table.
"""

import polars as pl

from pilote.decp.cleaning.identifiers import siret_luhn_expr
from pilote.decp.cleaning.rules import amount_unknowable_codes


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
    "montant_inutilisable",
    "cle_lot",
    "cle_montant",
    "cle_titulaire",
]


def _date_expr(col):
    """First 10 chars as an ISO date, lenient: identity columns only, cleaning does the real date work."""
    return pl.col(col).cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def identity_columns(contrats, raw_contrats, modifications, titulaires=None):
    """The key columns of one batch's copies (`cle_*`, `date_derniere_publication`, `nb_modifications`), computed
    on the cleaned contracts (raw values where cleaning did not type the column), their modifications and their
    titulaires (the content columns `cle_montant`, `cle_titulaire` that `merge_spellings` compares)."""
    cid = contrats["id"] if contrats.schema.get("id") == pl.String else raw_contrats["id"]
    notif = contrats["date_notification"] if contrats.schema.get("date_notification") == pl.Date else None
    pub = contrats["date_publication_donnees"] if contrats.schema.get("date_publication_donnees") == pl.Date else None
    keys = raw_contrats.select(
        "record_key",
        pl.col("acheteur_id").str.replace_all(r"\s", "").str.to_uppercase().alias("cle_acheteur"),
        cid.alias("_id").str.replace_all(r"\s", "").alias("cle_id"),
        (notif.alias("cle_date_notification") if notif is not None else _date_expr("date_notification")).alias(
            "cle_date_notification"
        ),
        (pub.alias("_pub") if pub is not None else _date_expr("date_publication_donnees")).alias("_pub"),
    )
    mods = modifications.group_by("record_key").agg(
        pl.len().cast(pl.Int32).alias("nb_modifications"),
        _date_expr("date_publication_donnees_modification").max().alias("_pub_mod"),
    )
    keys = keys.join(mods, on="record_key", how="left").with_columns(
        pl.col("nb_modifications").fill_null(0),
        pl.max_horizontal("_pub", "_pub_mod").alias("date_derniere_publication"),
    )
    # DECP 2019 (schema 1.5.0): the id ends with the 2-digit modification sequence ("…00", "…01"), so each
    # republication after a modification has another id. Strip it when it matches the record's modification
    # count, so that every state of the contract has the same identity.
    seq = pl.col("nb_modifications").cast(pl.String).str.zfill(2)
    is_2019 = pl.Series(raw_contrats["format"] == "decp-2019-json")
    keys = keys.with_columns(
        pl.when(is_2019 & (pl.col("cle_id").str.len_chars() > 6) & pl.col("cle_id").str.ends_with(seq))
        .then(pl.col("cle_id").str.slice(0, pl.col("cle_id").str.len_chars() - 2))
        .otherwise(pl.col("cle_id"))
        .alias("cle_id")
    )
    if "qualite" in contrats.columns:
        codes = list(amount_unknowable_codes())
        unusable = contrats.select(
            "record_key",
            pl.col("qualite")
            .list.set_intersection(codes)
            .list.len()
            .gt(0)
            .fill_null(False)
            .alias("montant_inutilisable"),
        )
        keys = keys.join(unusable, on="record_key", how="left")
    else:
        keys = keys.with_columns(pl.lit(False).alias("montant_inutilisable"))
    lot = raw_contrats["lot_tabulaire"] if "lot_tabulaire" in raw_contrats.columns else None
    keys = keys.with_columns(lot.alias("cle_lot") if lot is not None else pl.lit(None, pl.String).alias("cle_lot"))
    return _with_content(keys, contrats, titulaires).drop("_pub", "_pub_mod")


def _with_content(keys, contrats, titulaires):
    """`cle_montant` (the cleaned amount) and `cle_titulaire` (the first titulaire's id) of each copy."""
    if contrats.schema.get("montant") == pl.Float64:
        amounts = contrats.select("record_key", pl.col("montant").alias("cle_montant"))
        keys = keys.join(amounts, on="record_key", how="left")
    else:
        keys = keys.with_columns(pl.lit(None, pl.Float64).alias("cle_montant"))
    if titulaires is not None and {"record_key", "rang", "titulaire_id"} <= set(titulaires.columns):
        first = (
            titulaires.filter(pl.col("titulaire_id").is_not_null())
            .sort("record_key", "rang")
            .group_by("record_key", maintain_order=True)
            .agg(pl.col("titulaire_id").first().cast(pl.String).alias("cle_titulaire"))
        )
        return keys.join(first, on="record_key", how="left")
    return keys.with_columns(pl.lit(None, pl.String).alias("cle_titulaire"))


def with_identity_columns(contrats, raw_contrats, modifications, titulaires=None):
    """The cleaned contracts of one batch with their key columns (replacing any column of the same name)."""
    ids = identity_columns(contrats, raw_contrats, modifications, titulaires)
    contrats = contrats.drop([c for c in ids.columns if c != "record_key" and c in contrats.columns])
    return contrats.join(ids, on="record_key", how="left")


def repair_buyer(copies):
    """Attach copies with an invalid buyer SIRET to the single valid buyer having the same (type, id, date).

    Only the few copies with an invalid SIRET, and the copies sharing their (type, id, date), take part in the
    grouping: grouping all 1.6 M copies by (type, id, date) tripled the import's memory (measured: +650 MB)."""
    c = pl.col
    key = ["type_contrat", "cle_id", "cle_date_notification"]
    # Luhn on the distinct buyers only (tens of thousands for 1.6 M copies): 14 digit slices per row cost seconds.
    buyers = copies.select("cle_acheteur").unique().with_columns(siret_luhn_expr(c("cle_acheteur")).alias("_ok"))
    bad_buyers = buyers.filter(~c("_ok")).select("cle_acheteur")
    bad_keys = (
        copies.filter(c("cle_date_notification").is_not_null())
        .join(bad_buyers, on="cle_acheteur", how="semi", nulls_equal=True)
        .select(key)
        .unique()
    )
    candidates = (
        copies.select("cle_acheteur", *key)
        .join(bad_keys, on=key, how="semi")
        .join(buyers.filter(c("_ok")).select("cle_acheteur"), on="cle_acheteur", how="semi")
        .group_by(key)
        .agg(c("cle_acheteur").n_unique().alias("_n"), c("cle_acheteur").first().alias("_acheteur"))
        .filter(c("_n") == 1)
        .drop("_n")
    )
    # the repair applies to the copies whose buyer is invalid (the bad buyer is part of the join key)
    fixes = (
        copies.select("cle_acheteur", *key)
        .join(bad_buyers, on="cle_acheteur", how="semi", nulls_equal=True)
        .unique()
        .join(candidates, on=key)
    )
    return (
        copies.join(fixes, on=["cle_acheteur", *key], how="left", nulls_equal=False)
        .with_columns(pl.coalesce(c("_acheteur"), c("cle_acheteur")).alias("cle_acheteur"))
        .drop("_acheteur")
    )


# The buyer segment of a contrat_uid ("m|<buyer>|<id>|<date>…"): the copies' buyer after `repair_buyer`.
_UID_BUYER = r"^[^|]*\|([^|]*)\|"
ATTACHED_CODE = "acheteur_rattache"


def attach_to_identified_buyer(contrats: pl.DataFrame) -> pl.DataFrame:
    """A contract row states the buyer identity gave its contract. When the retained copy's buyer SIRET fails its
    check digit and `repair_buyer` attached the copy to the one valid buyer of the same (type, id, date), the row
    takes that buyer, with the code `acheteur_rattache`; the file's SIRET is kept in `acheteur_id_brut` (when
    cleaning kept nothing there) and its `siret_invalide` / `siren_invalide` code stays. Before, such a contract
    sat under the invalid SIRET, outside its buyer's cockpit: 365 of the 1.44 M contracts of the 1.6 M synthetic
    corpus (session 14).

    The record's own key (`cle_acheteur` of the row) never changes, and a stored copy keeps the buyer it was
    attached to (the `copies` table stores the repaired buyer), so the rule gives the same row whenever it runs (a
    row attached before is left as is): each path that writes a contract row applies it (new rows, carried rows).
    Other tables, without the buyer, pass through."""
    if not {"contrat_uid", "cle_acheteur", "acheteur_id", "acheteur_id_brut", "qualite"} <= set(contrats.columns):
        return contrats
    c = pl.col
    identified = c("contrat_uid").str.extract(_UID_BUYER, 1)
    # only repair_buyer sets a copy's buyer apart from its record's key, and only to a 14-digit valid SIRET
    differs = (identified != c("cle_acheteur")).fill_null(False)
    attached = differs & identified.str.contains(r"^\d{14}$").fill_null(False)
    where = contrats.select(pl.arg_where(attached).cast(pl.UInt32)).to_series()
    if where.len() == 0:
        return contrats
    # the attached rows alone are rebuilt, then put back by position: rebuilding every row's quality list to keep
    # it on a few hundred took 1.05 s of 1.44 M rows on one core, against 0.45 s (session 22)
    fixed = contrats[where].select(
        pl.lit(where).alias("_ligne"),
        pl.coalesce(c("acheteur_id_brut"), c("acheteur_id")).alias("acheteur_id_brut"),
        identified.alias("acheteur_id"),
        pl.coalesce(c("qualite"), pl.lit([], dtype=pl.List(pl.String)))
        .list.concat(pl.lit([ATTACHED_CODE]))
        .list.unique(maintain_order=True)
        .alias("qualite"),
    )
    columns = ["acheteur_id_brut", "acheteur_id", "qualite"]
    # a narrow frame joined (row position and the three columns), not the caller's: it may hold every contract
    merged = (
        contrats.select(columns)
        .with_row_index("_ligne")
        .join(fixed, on="_ligne", how="left", maintain_order="left", suffix="_rattache")
        .select(pl.coalesce(f"{n}_rattache", n).alias(n) for n in columns)
    )
    return contrats.with_columns(merged)


# A lot suffix appended by one channel ("2024-015-LOT02-2024"): the rest of the id is the contract's id.
LOT_SUFFIX = r"[-_.]LOT[-_]?[0-9]+.*$"
AMOUNT_TOLERANCE = 0.005  # two copies' amounts that differ by less than 0.5 % are the same amount


def spelling_key(cle_id):
    """What two spellings of one id share: upper case, without "/" and without a lot suffix."""
    return cle_id.str.to_uppercase().str.replace_all("/", "").str.replace(LOT_SUFFIX, "")


def merge_spellings(copies):
    """Give the copies whose id is another spelling of an id of the same (type, buyer, date, lot) that id
    (`cle_id_contrat`), when their content agrees: the same first titulaire or the same amount (0.5 %), and no
    contradiction (both known and different). Ids are otherwise compared exactly: 2024SH2 and 2024sh2 with other
    titulaires and amounts stay two contracts. The id a spelling joins is the one with the most copies (then the
    spelling without the lot suffix, then the first in sort order). Only the groups holding two spellings are
    grouped on their columns (a window over every copy costs hundreds of MB at national scale)."""
    c = pl.col
    group = ["type_contrat", "cle_acheteur", "cle_date_notification", "cle_lot", "_orth"]
    keyed = copies.with_columns(spelling_key(c("cle_id")).alias("_orth"))
    # the groups holding two spellings, found on 64-bit hashes (16 bytes a copy; a collision only adds a candidate)
    hashed = keyed.select(pl.struct(group).hash().alias("_h"), c("cle_id").hash().alias("_hid"))
    ambiguous = hashed.group_by("_h").agg(c("_hid").n_unique().alias("_n")).filter(c("_n") > 1).select("_h")
    order = ["date_derniere_publication", "import_run", "record_key"]

    def ranked(keep):
        return [c(col).filter(keep) if col != "import_run" else c(col).cast(pl.String).filter(keep) for col in order]

    latest = ranked(~c("montant_inutilisable") & c("cle_montant").is_not_null())
    latest_t = ranked(c("cle_titulaire").is_not_null())
    variants = (
        keyed.with_columns(pl.struct(group).hash().alias("_h"))
        .join(ambiguous, on="_h", how="semi")
        .drop("_h")
        .group_by([*group, "cle_id"])
        .agg(
            pl.len().alias("_n"),
            # the latest copy's amount and titulaire: "first" in row order made the result depend on the order
            # the copies were read in (an incremental import reads them in another order than a rebuild)
            c("cle_montant")
            .filter(~c("montant_inutilisable") & c("cle_montant").is_not_null())
            .sort_by(latest, descending=[True, True, True], nulls_last=True)
            .first()
            .alias("_m"),
            c("cle_titulaire")
            .filter(c("cle_titulaire").is_not_null())
            .sort_by(latest_t, descending=[True, True, True], nulls_last=True)
            .first()
            .alias("_t"),
        )
        .with_columns(c("cle_id").str.contains(LOT_SUFFIX).alias("_suffixe"))
        .sort([*group, "_n", "_suffixe", "cle_id"], descending=[False] * 5 + [True, False, False], nulls_last=True)
    )
    head = variants.group_by(group, maintain_order=True).agg(
        c("cle_id").first().alias("_cid"), c("_m").first().alias("_cm"), c("_t").first().alias("_ct")
    )
    same_amount = ((c("_m") - c("_cm")).abs() <= AMOUNT_TOLERANCE * c("_cm").abs()).fill_null(False)
    amount_differs = (c("_m").is_not_null() & c("_cm").is_not_null()) & ~same_amount
    same_tit = (c("_t") == c("_ct")).fill_null(False)
    tit_differs = (c("_t").is_not_null() & c("_ct").is_not_null()) & ~same_tit
    joins = (
        variants.join(head, on=group, nulls_equal=True)
        .filter((c("cle_id") != c("_cid")) & (same_amount | same_tit) & ~amount_differs & ~tit_differs)
        .select(*group[:-1], "cle_id", c("_cid").alias("_joint"))
        .collect()  # a few rows: collected once, so the caller's plan does not hold these branches (measured 3x)
        .lazy()
    )
    return (
        copies.join(joins, on=[*group[:-1], "cle_id"], how="left", nulls_equal=True)
        .with_columns(pl.coalesce(c("_joint"), c("cle_id")).alias("cle_id_contrat"))
        .drop("_joint")
    )


def assign_identity(copies):
    """Add `contrat_uid` and `retenue` (True for the winning copy of each contract) to a lazy copies frame."""
    c = pl.col
    schema = copies.collect_schema()
    if "montant_inutilisable" not in schema:
        copies = copies.with_columns(pl.lit(False).alias("montant_inutilisable"))
    for name, dtype in (("cle_lot", pl.String), ("cle_montant", pl.Float64), ("cle_titulaire", pl.String)):
        if name not in schema:
            copies = copies.with_columns(pl.lit(None, dtype).alias(name))
    if "provenance" not in schema:
        copies = copies.with_columns(pl.lit("national").alias("provenance"))
    # The buyer repair first: spellings are compared with the repaired buyer, which is the buyer the `copies`
    # table stores. Spellings first made identity drift at the next import (a repaired copy joined another
    # spelling group when its stored copy was read back), so a rebuild did not give the store it rebuilt.
    copies = merge_spellings(repair_buyer(copies))
    group = ["type_contrat", "cle_acheteur", "cle_id_contrat"]
    # A copy without a date takes its group's date when the group has exactly one: only the groups of undated
    # copies are grouped (windows over every copy cost hundreds of MB at national scale).
    undated = copies.filter(c("cle_date_notification").is_null()).select(group).unique()
    single = (
        copies.filter(c("cle_date_notification").is_not_null())
        .select(*group, "cle_date_notification")
        .join(undated, on=group, how="semi", nulls_equal=True)
        .group_by(group)
        .agg(c("cle_date_notification").n_unique().alias("_n"), c("cle_date_notification").first().alias("_seule"))
        .filter(c("_n") == 1)
        .drop("_n")
    )
    copies = copies.join(single, on=group, how="left", nulls_equal=True)
    effective = pl.coalesce(c("cle_date_notification"), c("_seule")).cast(pl.String).fill_null("?")
    uid = pl.concat_str(
        [
            pl.when(c("type_contrat") == "concession").then(pl.lit("c")).otherwise(pl.lit("m")),
            c("cle_acheteur").fill_null(""),
            c("cle_id_contrat").fill_null(""),
            effective,
        ],
        separator="|",
    ) + pl.when(c("cle_lot").is_not_null()).then(pl.lit("|lot ") + c("cle_lot")).otherwise(pl.lit(""))
    with_uid = copies.with_columns(
        uid.alias("contrat_uid"),
        c("cle_date_notification").is_null().alias("_sans_date"),
        (c("provenance") != "national").fill_null(False).alias("_organisation"),
    ).drop("_seule")
    order = with_uid.sort(
        [
            "contrat_uid",
            "_organisation",
            "_sans_date",
            "date_derniere_publication",
            "nb_modifications",
            "montant_inutilisable",
            "import_run",
            "record_key",
        ],
        descending=[False, False, False, True, True, False, True, True],
        nulls_last=True,
    )
    # sorted by contrat_uid, best copy first: the winner is each uid's first row (a window over 1.6 M rows costs 4x)
    return order.with_columns(c("contrat_uid").is_first_distinct().alias("retenue")).drop(
        "_sans_date", "_organisation"
    )


# What the identify step writes per copy (the `copies` table) besides the key columns.
IDENTIFIED = ["provenance", "cle_id_contrat", "contrat_uid", "retenue"]


def partition_key():
    """The identity partition of a copy: the letter of its uid ("c" concession, "m" otherwise) and the
    `spelling_key` of its id, hashed. Every rule above relates copies of one partition only (spellings are grouped
    on the spelling key; the buyer repair on the exact id; undated copies on `cle_id_contrat`, a spelling of the
    id; the uid is written from a spelling of the id and the letter), so identity can be recomputed for the
    partitions a new file touches and kept as stored for the others (`assign_identity_touched`). A hash collision
    only recomputes one more partition."""
    c = pl.col
    letter = pl.when(c("type_contrat").cast(pl.String) == "concession").then(pl.lit("c")).otherwise(pl.lit("m"))
    return pl.struct(letter.alias("_t"), spelling_key(c("cle_id").cast(pl.String)).alias("_k")).hash()


def touched_identity(new, stored) -> tuple[pl.DataFrame, pl.Series, pl.DataFrame]:
    """(`assign_identity` of the new copies and of the stored copies the new copies' partitions hold, contrat_uid of
    those stored copies, import_run and record_key of those that were retained). `new`: lazy key columns (+
    provenance) of this run's copies; `stored`: the lazy `copies` table of the current generation (key columns +
    IDENTIFIED). A contract's copies all lie in one partition, so
    the stored copies to recompute are those of the contracts a touched partition holds; every other copy keeps
    the uid and retained flag it was given. Only the touched partitions' copies are read whole (tens of
    thousands for a monthly file): both inputs are collected before `assign_identity`, whose plan reads its input
    in several branches (each would scan the stored copies again: 1.8 s at 1.6 M, measured)."""
    columns = new.collect_schema().names()
    touched = new.select(partition_key().alias("_p")).unique().collect()["_p"]
    again = (
        stored.select("contrat_uid", "cle_id", "type_contrat")
        .filter(partition_key().is_in(touched.implode()))
        .select("contrat_uid")
        .unique()
        .collect()["contrat_uid"]
    )
    recomputed = stored.filter(pl.col("contrat_uid").is_in(again.implode())).select(*columns, "retenue").collect()
    retained = recomputed.filter("retenue").select(pl.col("import_run").cast(pl.String), "record_key")
    fresh = assign_identity(pl.concat([new.collect(), recomputed.drop("retenue")], how="diagonal_relaxed").lazy())
    return fresh.collect(), again, retained


def assign_identity_touched(new, stored):
    """`assign_identity` of the new copies and the stored ones, recomputing only the partitions the new copies
    touch (`touched_identity`). Equal, row for row, to `assign_identity` over both (tested against the full path);
    the identify step writes the recomputed copies only (steps/copies_table.py)."""
    fresh, again, _retained = touched_identity(new, stored)
    kept = stored.filter(~pl.col("contrat_uid").is_in(again.implode())).collect().select(fresh.columns)
    return pl.concat([fresh, kept], how="vertical_relaxed").lazy()
