"""An amount proven too low by an acte de sous-traitance worth more than the whole contract (L. 2193-3)."""

import polars as pl

from pilote.decp.cleaning import RULES, clean_actes, clean_contrats, clean_modifications, subcontract_exceeds
from pilote.decp.cleaning.rules import amount_unknowable_codes
from pilote.decp.cleaning.subcontracting import CODE
from pilote.decp.ingest import real_cleaner
from pilote.decp.schema import RAW_ACTE_SOUS_TRAITANCE, RAW_MODIFICATION
from tests.decp.cleaning.helpers import REAL, TODAY, raw_contrats, read_raw


def _contrats(amounts, qualite=None):
    n = len(amounts)
    return pl.DataFrame(
        {
            "record_key": list(range(n)),
            "type_contrat": ["marche"] * n,
            "montant": amounts,
            "qualite": qualite or [[] for _ in range(n)],
        },
        schema={
            "record_key": pl.Int64,
            "type_contrat": pl.String,
            "montant": pl.Float64,
            "qualite": pl.List(pl.String),
        },
    )


def _children(rows, schema_amount="montant"):
    return pl.DataFrame(
        [{"record_key": k, schema_amount: m} for k, m in rows],
        schema={"record_key": pl.Int64, schema_amount: pl.Float64},
    )


def test_an_act_worth_more_than_the_whole_contract_proves_its_amount_too_low():
    contrats = _contrats([45.0, 45_000.0, 10_000.0, 50_000.0, 0.0, 45.0])
    actes = _children([(0, 12_000.0), (1, 12_000.0), (2, 11_000.0), (3, 150_000.0), (4, 5_000.0), (5, 12_000.0)])
    mods = _children([(3, 70_000.0)])
    out = subcontract_exceeds(contrats, mods, actes)
    assert [CODE in q for q in out["qualite"].to_list()] == [
        True,  # 45 € with a 12,000 € sous-traitant: typed in thousands of euros
        False,  # a part of the contract: lawful
        False,  # 1.1 times: VAT against a price without it, or an estimate, not a proof
        True,  # 150,000 € against 50,000 € raised to 70,000 € by a modification: twice the whole and more
        False,  # 0 €: already a symbolic amount, said by its own rule
        True,
    ]
    assert out["montant"].to_list() == contrats["montant"].to_list()  # never changed


def test_a_modification_that_raised_the_amount_covers_the_act():
    out = subcontract_exceeds(_contrats([40_000.0]), _children([(0, 60_000.0)]), _children([(0, 90_000.0)]))
    assert out["qualite"].to_list() == [[]]  # 90,000 € is less than twice the modified 60,000 €


def test_the_cleaner_flags_the_record_and_the_amount_leaves_sums():
    raw = {
        "contrats": raw_contrats([{"montant": "45.5"}, {"montant": "45500"}]),
        "titulaires": pl.DataFrame(schema={"record_key": pl.Int64, "rang": pl.Int32, "titulaire_id": pl.String}),
        "modifications": pl.DataFrame(schema=RAW_MODIFICATION),
        "actes_sous_traitance": pl.DataFrame(
            [{"record_key": k, "rang": 0, "acte_id": "1", "montant": "9000"} for k in (0, 1)],
            schema=RAW_ACTE_SOUS_TRAITANCE,
        ),
    }
    from pilote.decp.schema import RAW_TITULAIRE

    raw["titulaires"] = pl.DataFrame(schema=RAW_TITULAIRE)
    raw["contrats"] = raw["contrats"].with_columns(pl.Series("record_key", [0, 1], dtype=pl.Int64))
    out = real_cleaner(raw, today=TODAY)["contrats"]
    assert [CODE in q for q in out["qualite"].to_list()] == [True, False]
    assert "montant_faible" not in out["qualite"][0]  # known wrong, no longer said "à vérifier"
    assert CODE in amount_unknowable_codes()  # out of sums, and a clean copy of the contract wins over it
    assert "L. 2193-3" in RULES[CODE].label


def test_no_real_record_has_an_act_above_its_contract():
    # the 2022 files (Megalis) hold actes de sous-traitance, without amounts; the 2019 format has none: the rule
    # must leave them alone (it could not be tried on real act amounts)
    files = sorted((REAL / "megalis-2024").glob("*.json")) + sorted((REAL / "eclaireur-public").glob("*.json"))
    acts = 0
    for path in files:
        raw = read_raw(path)
        contrats = clean_contrats(raw["contrats"], today=TODAY)
        if "record_key" not in contrats.columns:
            contrats = contrats.with_columns(raw["contrats"]["record_key"])
        actes = clean_actes(raw["actes_sous_traitance"], today=TODAY)
        acts += actes.height
        out = subcontract_exceeds(contrats, clean_modifications(raw["modifications"], today=TODAY), actes)
        assert not any(CODE in q for q in out["qualite"].to_list()), path.name
    assert acts > 0  # the files do hold acts (if one day with amounts, this test checks them too)
