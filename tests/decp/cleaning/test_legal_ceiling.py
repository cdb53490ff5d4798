"""A ×1000 slip proven by the legal ceiling of the procédure adaptée (pilote.decp.cleaning.legal_ceiling)."""

import datetime as dt

import polars as pl

from pilote.decp.cleaning import RULES, clean_contrats, flag_amount_outliers
from pilote.decp.cleaning.legal_ceiling import CODE, FACTOR, ceiling_expr, mapa_thousand_slip_expr
from pilote.decp.cleaning.rules import amount_unknowable_codes
from pilote.reglementation import seuils
from tests.decp.cleaning.helpers import TODAY, raw_contrats


MAPA = "Procédure adaptée"


def _flags(rows):
    """mapa_thousand_slip_expr on rows of (montant, procedure, nature, code_cpv, date, type_contrat)."""
    df = pl.DataFrame(
        rows,
        schema={"m": pl.Float64, "p": pl.String, "n": pl.String, "cpv": pl.String, "d": pl.Date, "t": pl.String},
        orient="row",
    )
    c = pl.col
    return df.select(mapa_thousand_slip_expr(c("m"), c("p"), c("n"), c("cpv"), c("d"), c("t")).alias("f"))[
        "f"
    ].to_list()


def test_a_mapa_far_above_the_legal_ceiling_is_a_thousand_slip_and_a_mislabel_is_not():
    day = dt.date(2024, 6, 1)
    assert _flags(
        [
            (45_000_000.0, MAPA, "Marché", "72000000", day, "marche"),  # software services: 45 000 € meant
            (3_510_088.9, MAPA, "Marché", "31682000", day, "marche"),  # real 2019 electricity, 8× : a mislabel
            (45_000_000.0, "Appel d'offres ouvert", "Marché", "72000000", day, "marche"),  # no ceiling
            (200_000_000.0, MAPA, "Marché", "45233140", day, "marche"),  # works, 36 × 5.538 M€
            (100_000_000.0, MAPA, "Marché", "45233140", day, "marche"),  # works, 18 ×: spared
            (45_000_000.0, MAPA, "Marché de défense ou de sécurité", "35100000", day, "marche"),
            (45_000_000.0, MAPA, "Concession de service", "72000000", day, "concession"),
            # ÷1000 = 5 M€, above the threshold but what a mislabelled MAPA can be (11 ×): typed in thousands
            (5_000_000_000.0, MAPA, "Marché", "72000000", day, "marche"),
            (45_000_000.0, MAPA, "Marché", None, day, "marche"),  # nature unknown
            (None, MAPA, "Marché", "72000000", day, "marche"),
            (999_999_999.0, MAPA, "Marché", "45233140", day, "marche"),  # a placeholder, not a slip
        ]
    ) == [True, False, False, True, False, True, False, True, False, False, False]


def test_services_a_mapa_may_buy_at_any_amount_are_never_flagged():
    # R. 2123-1 3° (social and other specific services) and 4° (legal services): a MAPA at any amount is lawful
    day = dt.date(2025, 3, 1)
    cpvs = ["85310000", "79714000", "55523100", "80500000", "79110000", "92000000", "75200000", "98000000"]
    assert _flags([(90_000_000.0, MAPA, "Marché", cpv, day, "marche") for cpv in cpvs]) == [False] * len(cpvs)


def test_the_ceiling_is_the_one_in_force_at_the_notification_date_and_the_highest_when_unknown():
    days = [dt.date(2024, 6, 1), dt.date(2026, 6, 1), dt.date(2019, 3, 1), None]
    df = pl.DataFrame({"d": days}, schema={"d": pl.Date})
    fs = df.select(ceiling_expr(pl.col("d"), works=False).alias("c"))["c"].to_list()
    works = df.select(ceiling_expr(pl.col("d"), works=True).alias("c"))["c"].to_list()
    assert fs[:2] == [float(seuils.value("ue_entites_adjudicatrices", d)) for d in days[:2]]
    assert works[:2] == [float(seuils.value("ue_travaux", d)) for d in days[:2]]
    highest = max(float(s.amount) for s in seuils.SEUILS if s.code == "ue_entites_adjudicatrices")
    assert fs[2:] == [highest, highest]  # before the listed periods, or no date: never a lower ceiling
    # 13 M€ of supplies: above 30 × 432 k€ (2026) but not 30 × 443 k€ (2024)
    assert _flags(
        [(13_000_000.0, MAPA, "Marché", "30192000", d, "marche") for d in (dt.date(2026, 6, 1), dt.date(2024, 6, 1))]
    ) == [True, False]


def test_the_cleaning_flags_the_copy_keeps_its_amount_and_leaves_it_out_of_sums():
    base = {"procedure": MAPA, "nature": "Marché", "date_notification": "2024-05-02"}
    raw = raw_contrats(
        [
            {**base, "code_cpv": "72000000", "montant": "45000000"},
            {**base, "code_cpv": "72000000", "montant": "45000"},
            {**base, "code_cpv": "85310000", "montant": "45000000"},
        ]
    )
    out = clean_contrats(raw, today=TODAY)
    assert [CODE in q for q in out["qualite"].to_list()] == [True, False, False]
    assert out["montant"].to_list() == [45_000_000.0, 45_000.0, 45_000_000.0]  # never changed
    assert CODE in amount_unknowable_codes()  # the copy loses to a clean one, the amount is out of sums
    assert f"{FACTOR} fois le seuil européen" in RULES[CODE].label  # the label says the factor the code uses


def test_a_proven_slip_is_not_also_said_to_be_reviewed():
    amounts = [50_000.0 + 100 * i for i in range(60)] + [45_000_000.0]
    frame = pl.DataFrame(
        {
            "montant": amounts,
            "code_cpv": ["72000000"] * 61,
            "nature": ["Marché"] * 61,
            "type_contrat": ["marche"] * 61,
            "qualite": [[] for _ in range(60)] + [[CODE]],
        }
    )
    assert flag_amount_outliers(frame)["qualite"][-1].to_list() == [CODE]
