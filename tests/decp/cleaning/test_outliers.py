"""Statistical amount outliers against peers (log-MAD per CPV division × nature)."""

import random

import polars as pl

from pilote.decp.cleaning import flag_amount_outliers
from pilote.decp.cleaning.outliers import segment_expr


def _frame(amounts, cpv="45214200", nature="Marché", qualite=None):
    n = len(amounts)
    return pl.DataFrame(
        {
            "montant": amounts,
            "code_cpv": [cpv] * n,
            "nature": [nature] * n,
            "type_contrat": ["marche"] * n,
            "qualite": qualite or [[] for _ in range(n)],
        },
        schema={
            "montant": pl.Float64,
            "code_cpv": pl.String,
            "nature": pl.String,
            "type_contrat": pl.String,
            "qualite": pl.List(pl.String),
        },
    )


def test_amount_thousand_times_its_peers_is_flagged():
    rng = random.Random(1)
    amounts = [round(10 ** rng.gauss(5, 0.5), 2) for _ in range(200)]  # works around 100 k€
    amounts[10] = amounts[10] * 1000
    out = flag_amount_outliers(_frame(amounts))
    flagged = [i for i, q in enumerate(out["qualite"].to_list()) if "montant_atypique" in q]
    assert 10 in flagged
    assert len(flagged) <= 3  # a normal spread is not flagged
    assert out["montant"].to_list() == amounts  # never changed


def test_small_groups_fall_back_to_the_segment_then_to_nothing():
    amounts = [1e5] * 10 + [1e9]
    out = flag_amount_outliers(_frame(amounts))
    assert all("montant_atypique" not in q for q in out["qualite"].to_list())  # 11 < 30: no reference


def test_already_flagged_amounts_are_not_flagged_twice():
    amounts = [1e5 + i for i in range(50)] + [999999999.0]
    qualite = [[] for _ in range(50)] + [["montant_sentinelle"]]
    out = flag_amount_outliers(_frame(amounts, qualite=qualite))
    assert out["qualite"][-1].to_list() == ["montant_sentinelle"]


def test_segments():
    df = pl.DataFrame({"c": ["45214200", "30192000", "48000000", "79100000", None]})
    assert df.select(segment_expr(pl.col("c")).alias("s"))["s"].to_list() == [
        "Travaux",
        "Fournitures",
        "Fournitures",
        "Services",
        None,
    ]


def test_a_unit_slip_is_proven_by_another_copy_or_a_modification_and_the_atypical_side_is_the_wrong_one():
    from pilote.decp.cleaning import flag_thousand_slips

    contrats = pl.DataFrame(
        {
            "contrat_uid": ["a", "b", "c", "d", "e"],
            "montant": [250_000_000.0, 250_000.0, 180.0, 90_000_000.0, 70_000_000.0],
            "qualite": [["montant_atypique"], [], ["montant_faible"], ["montant_atypique"], ["montant_atypique"]],
        }
    )
    evidence = pl.DataFrame(
        {
            "contrat_uid": ["a", "b", "c", "d", "e"],
            "autre": [250_000.0, 250_000_000.0, 200_000.0, 80_000.0, 500_000.0],
            "preuve": ["copie", "copie", "modification", "copie", "modification"],
        }
    )
    out = dict(flag_thousand_slips(contrats, evidence).select("contrat_uid", "qualite").iter_rows())
    assert out["a"] == ["montant_erreur_mille"]  # ×1000 of its other copy, and atypical: the slip
    assert out["b"] == []  # the proven side of the same pair (its copy is the slip): kept, counted
    assert out["c"] == ["montant_erreur_mille"]  # a thousandth of a modification's new total (+11 %)
    assert out["d"] == ["montant_atypique"]  # a copy 1,125 times smaller is not the same amount: no proof
    assert out["e"] == ["montant_atypique"]  # 140 times a modification: no proof, still à vérifier


def test_two_other_states_agreeing_at_a_thousandth_prove_the_slip_without_the_statistical_flag():
    from pilote.decp.cleaning import flag_thousand_slips

    contrats = pl.DataFrame(
        {
            "contrat_uid": ["a", "b", "c", "d"],
            "montant": [250_000_000.0, 80_000_000.0, 300_000_000.0, 45.0],
            "qualite": [[], [], [], []],  # none of them atypical among its peers
        }
    )
    evidence = pl.DataFrame(
        {
            "contrat_uid": ["a", "a", "b", "b", "b", "c", "d", "d", "d"],
            "autre": [
                250_000.0, 280_000.0, 80_000.0, 88_000.0, 85_000_000.0, 300_000.0, 50_000.0, 52_000.0, 45.0,
            ],
            "preuve": [
                "copie", "modification", "modification", "modification", "modification", "modification",
                "modification", "modification", "copie",
            ],
        }
    )  # fmt: skip
    out = dict(flag_thousand_slips(contrats, evidence).select("contrat_uid", "qualite").iter_rows())
    assert out["a"] == ["montant_erreur_mille"]  # a copy and a modification agree, 1000 times below
    assert out["b"] == []  # two modifications at a thousandth, but a third one agrees with the amount
    assert out["c"] == []  # one other state only, and the amount is not unusual: one word against another
    # 1000 times below both modifications' new totals; its copy at 45 € is the same record published again
    assert out["d"] == ["montant_erreur_mille"]


def test_no_real_contract_is_a_slip_by_its_own_modifications_alone():
    # the real 2019 files: every record with its modifications' new totals as the other states (the copies of
    # the real files never disagree by 1000: a full import of them flags no `montant_erreur_mille`)
    from pilote.decp.cleaning import clean_contrats, clean_modifications, flag_thousand_slips
    from tests.decp.cleaning.helpers import REAL, TODAY, read_raw

    with_two = 0
    for path in sorted((REAL / "decp-rama-2019").glob("*.json")):
        raw = read_raw(path)
        contrats = clean_contrats(raw["contrats"], today=TODAY).with_columns(
            raw["contrats"]["record_key"].cast(pl.String).alias("contrat_uid"),
            pl.lit([], pl.List(pl.String)).alias("qualite"),
        )
        mods = clean_modifications(raw["modifications"], today=TODAY).filter(pl.col("montant").is_not_null())
        evidence = mods.select(
            pl.col("record_key").cast(pl.String).alias("contrat_uid"),
            pl.col("montant").alias("autre"),
            pl.lit("modification").alias("preuve"),
        )
        with_two += evidence.group_by("contrat_uid").len().filter(pl.col("len") >= 2).height
        out = flag_thousand_slips(contrats.select("contrat_uid", "montant", "qualite"), evidence)
        assert not any("montant_erreur_mille" in q for q in out["qualite"].to_list()), path.name
    assert with_two >= 4  # the files do hold contracts with two modifications or more
