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
