"""Contract identity (pilote.decp.identity): key columns of a batch, buyer typo repair, undated copies, uid, and
which copy is retained."""

import datetime

import polars as pl

from pilote.decp.cleaning.identifiers import siret_luhn_expr
from pilote.decp.identity import KEY_COLUMNS, assign_identity, identity_columns


D = datetime.date


def copies(rows):
    """A lazy copies frame: (record_key, cle_acheteur, cle_id, cle_date_notification, date_derniere_publication)."""
    keys = ["record_key", "cle_acheteur", "cle_id", "cle_date_notification", "date_derniere_publication"]
    frame = pl.DataFrame(rows, schema=keys, orient="row")
    return frame.with_columns(
        pl.lit("r").alias("import_run"),
        pl.lit("marche").alias("type_contrat"),
        pl.lit(0, pl.Int32).alias("nb_modifications"),
    ).lazy()


def test_luhn_and_buyer_typo_repair():
    frame = pl.DataFrame({"s": ["55204599900869", "55204599900868", "12", None]})
    assert frame.select(siret_luhn_expr(pl.col("s")))["s"].to_list() == [True, False, False, None]
    copies = pl.LazyFrame(
        {
            "import_run": ["r"] * 4,
            "record_key": [1, 2, 3, 4],
            "type_contrat": ["marche"] * 4,
            "cle_acheteur": ["21350238800019", "21350238800018", "21350238800019", "99999999999999"],
            "cle_id": ["A1", "A1", "B2", "C3"],
            "cle_date_notification": [datetime.date(2024, 1, 1)] * 4,
            "date_derniere_publication": [datetime.date(2024, 1, 5), datetime.date(2024, 1, 9), None, None],
            "nb_modifications": [0, 0, 0, 0],
        }
    )
    ident = assign_identity(copies).collect().sort("record_key")
    uids = ident["contrat_uid"].to_list()
    assert uids[0] == uids[1] == "m|21350238800019|A1|2024-01-01"  # typo'd SIRET joins the valid buyer
    assert uids[2] != uids[0]
    assert uids[3] == "m|99999999999999|C3|2024-01-01"  # invalid, no candidate: kept as written
    assert ident["retenue"].to_list() == [False, True, True, True]  # latest publication wins


def test_an_undated_copy_joins_its_group_only_when_the_group_has_one_date():
    buyer = "21350238800019"
    ident = (
        assign_identity(
            copies(
                [
                    (1, buyer, "A", D(2024, 1, 1), D(2024, 1, 2)),
                    (2, buyer, "A", None, D(2024, 1, 3)),  # one known date in group A: joins it
                    (3, buyer, "B", D(2024, 1, 1), None),
                    (4, buyer, "B", D(2025, 1, 1), None),
                    (5, buyer, "B", None, None),  # two dates in group B: stays apart
                ]
            )
        )
        .collect()
        .sort("record_key")
    )
    assert ident["contrat_uid"].to_list() == [
        f"m|{buyer}|A|2024-01-01",
        f"m|{buyer}|A|2024-01-01",
        f"m|{buyer}|B|2024-01-01",
        f"m|{buyer}|B|2025-01-01",
        f"m|{buyer}|B|?",
    ]
    assert ident["retenue"].to_list() == [True, False, True, True, True]  # the undated copy never wins


def test_identity_columns_normalise_and_strip_the_2019_sequence():
    raw = pl.DataFrame(
        {
            "record_key": [1, 2, 3],
            "acheteur_id": [" 213 502 388 00019", "21350238800019", "21350238800019"],
            "id": ["2019 voirie/0101", "2019VOIRIE0100", "2024-AB01"],
            "date_notification": ["2019-03-01T00:00:00", "2019-03-01", "pas une date"],
            "date_publication_donnees": ["2019-03-05", None, "2024-02-01"],
            "format": ["decp-2019-json", "decp-2019-json", "decp-2022-json"],
        }
    )
    modifications = pl.DataFrame(
        {"record_key": [1], "date_publication_donnees_modification": ["2019-06-03"]},
        schema={"record_key": pl.Int64, "date_publication_donnees_modification": pl.String},
    )
    keys = identity_columns(raw, raw, modifications).sort("record_key")
    assert keys["cle_acheteur"].to_list() == ["21350238800019"] * 3
    # 2019 ids lose the sequence equal to their modification count; a 2022 id ending in "01" keeps it
    # the id is kept as written (whitespace aside): case and "/" are compared by merge_spellings, on the content
    assert keys["cle_id"].to_list() == ["2019voirie/01", "2019VOIRIE01", "2024-AB01"]
    assert keys["cle_date_notification"].to_list() == [D(2019, 3, 1), D(2019, 3, 1), None]
    assert keys["nb_modifications"].to_list() == [1, 0, 0]
    assert keys["date_derniere_publication"].to_list() == [D(2019, 6, 3), None, D(2024, 2, 1)]
    assert set(keys.columns) <= set(KEY_COLUMNS)


def test_an_undated_copy_never_overrides_the_dated_contract():
    out = assign_identity(
        copies(
            [
                (1, "21350238800019", "A1", D(2024, 1, 1), D(2024, 1, 5)),
                (2, "21350238800019", "A1", None, D(2024, 6, 1)),
            ]
        )
    ).collect()
    assert out["contrat_uid"].n_unique() == 1  # the undated copy joins the contract's single date
    assert out.filter("retenue")["record_key"].to_list() == [1]  # but the later, undated publication does not win


def _spellings(rows):
    """Copies of one buyer and day: (record_key, cle_id, cle_montant, cle_titulaire)."""
    frame = pl.DataFrame(rows, schema=["record_key", "cle_id", "cle_montant", "cle_titulaire"], orient="row")
    return frame.with_columns(
        pl.lit("r").alias("import_run"),
        pl.lit("marche").alias("type_contrat"),
        pl.lit("21350238800019").alias("cle_acheteur"),
        pl.lit(D(2024, 7, 3)).alias("cle_date_notification"),
        pl.lit(None, pl.Date).alias("date_derniere_publication"),
        pl.lit(0, pl.Int32).alias("nb_modifications"),
        pl.lit(False).alias("montant_inutilisable"),
    ).lazy()


def test_two_spellings_of_an_id_are_one_contract_only_when_the_content_agrees():
    tit_a, tit_b = "44306184100047", "38012986600010"
    ident = assign_identity(
        _spellings(
            [
                (1, "2024SH2", 425000.0, tit_a),
                (2, "2024sh2", 38720.0, tit_b),  # same day, other titulaire and amount: another contract
                (3, "2024/SH3", 61000.0, tit_a),
                (4, "2024SH3", 61000.0, tit_a),  # same content: one contract
                (5, "2024SH3", 61000.0, tit_a),
                (6, "2024SH3-LOT02-2024", 61000.0, None),  # a lot suffix, same amount, titulaire unknown
                (7, "2024SH4", 10000.0, tit_a),
                (8, "2024SH4-LOT01", 52000.0, tit_a),  # same titulaire but another amount: a real lot
                (9, "2024SH5", None, None),
                (10, "2024sh5", None, None),  # nothing to compare: kept apart
            ]
        )
    )
    uid = dict(ident.select("record_key", "contrat_uid").collect().iter_rows())
    assert uid[1] != uid[2]
    assert uid[3] == uid[4] == uid[5] == uid[6] == "m|21350238800019|2024SH3|2024-07-03"  # the most copies
    assert uid[7] != uid[8]
    assert uid[9] != uid[10]
    assert ident.collect()["contrat_uid"].n_unique() == 7
