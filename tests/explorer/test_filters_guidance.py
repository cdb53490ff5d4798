"""The explorer applies the cockpit's filters exactly like the cockpit (to_where over DuckDB), and the guidance
interface used by the fiche visa answers from the store."""

import polars as pl
import pytest

from pilote.contracts import db as duck
from pilote.contracts.filters import parse_filters, to_polars, to_where
from pilote.contracts.search import guidance, query as queries
from tests.explorer.conftest import BUYER_LILLE, BUYER_ROUEN, SUPPLIER_NOUVEAU, SUPPLIER_REPAS, SUPPLIER_ROUTES


@pytest.mark.parametrize(
    "params",
    [
        {"perimetre": "national"},
        {"perimetre": "acheteur", "acheteur": BUYER_ROUEN},
        {"perimetre": "acheteur", "acheteur": BUYER_LILLE[:9]},
        {"perimetre": "national", "annee": "2024", "trimestre": "1"},
        {"perimetre": "national", "cpv": "4523", "montant_min": "210000"},
        {"perimetre": "national", "montant_max": "90000", "procedure": "Appel d'offres ouvert"},
        {"perimetre": "national", "titulaire": SUPPLIER_ROUTES},
        {"perimetre": "national", "nature": "Marché", "annee": "2023"},
    ],
)
def test_explorer_filters_select_the_same_contracts_as_the_cockpit(ix, params):
    filters, form = parse_filters(params)
    assert not form.errors
    where, args = to_where(filters)
    cockpit = {r["contrat_uid"] for r in duck.fetch_all(f"SELECT contrat_uid FROM contrats WHERE {where}", args)}
    explorer = set(ix.docs.filter(to_polars(filters))["contrat_uid"].to_list())
    assert explorer == cockpit
    assert queries.search(ix, q="", filters=filters).total == len(cockpit)


def test_suggest_cpv_from_labels_and_history(ix):
    suggestions = guidance.suggest_cpv("restauration scolaire")
    assert suggestions[0]["code"] == "55523100"
    assert suggestions[0]["label"] == "Services de restauration scolaire"
    assert 0 < suggestions[0]["score"] <= 1
    assert guidance.suggest_cpv("le la les") == []


def test_similar_contracts_rank_text_cpv_amount_and_place(ix):
    found = guidance.similar_contracts(objet="restauration scolaire", montant=120000, departement="76", limit=4)
    assert [f["objet"] for f in found[:2]] == [
        "Restauration Scolaire",
        "Fourniture de repas pour la restauration scolaire",
    ]
    first = found[0]
    assert first["acheteur"]["siret"] == BUYER_ROUEN
    assert first["titulaires"][0]["siret"] == SUPPLIER_REPAS
    assert first["considerations"] == ["Clause sociale"]
    assert first["offres_recues"] == 3
    scores = [f["score"] for f in found]
    assert scores == sorted(scores, reverse=True)
    # A CPV code alone (no known word) still finds the class.
    by_code = guidance.similar_contracts(objet="zzz", code_cpv="45233140-2")
    assert {f["objet"] for f in by_code} == {
        "Travaux de voirie",
        "Entretien de la voirie communale",
        "Réfection des chaussées et trottoirs",
    }


def test_price_reference_excludes_anomalies_and_counts(ix):
    ref = guidance.price_reference(objet="restauration scolaire", code_cpv="55523100", duree_mois=30)
    assert ref["excluded"] == 1  # the 1 € contract (montant_symbolique)
    assert ref["count"] >= 3
    assert ref["quartiles"]["min"] >= 80000
    bands = {b["band"]: b for b in ref["bands"]}
    assert bands["25-48"]["count"] == 2
    assert ref["duree_band"] == "25-48"
    assert sum(b["count"] for b in ref["bands"]) == ref["count"]


def test_potential_suppliers_by_place(ix):
    in_76 = guidance.potential_suppliers(code_cpv="55523100", departement="76")
    # Only 2 suppliers in Seine-Maritime (76), no other in Normandie: widened to France, which has no other one
    # either; each keeps the nearest zone where it won, and its wins there.
    assert {s["siret"] for s in in_76} == {SUPPLIER_REPAS, SUPPLIER_NOUVEAU}
    assert {s["zone"] for s in in_76} == {"département"}
    repas = next(s for s in in_76 if s["siret"] == SUPPLIER_REPAS)
    assert repas["wins"] == 1
    assert repas["typical_amounts"]["median"] == 120000
    national = guidance.potential_suppliers(code_cpv="55523100")
    assert next(s for s in national if s["siret"] == SUPPLIER_REPAS)["wins"] == 2
    assert guidance.potential_suppliers(code_cpv="99999999") == []


def test_segment_facts(ix):
    facts = guidance.segment_facts(cpv_prefixes=["5552"], sirets=[BUYER_ROUEN], peer_sirets=[BUYER_LILLE])
    national = facts["national"]
    assert national["count"] == 5
    assert national["social_share"] == pytest.approx(1 / 5)
    assert national["single_bid_rate"] == pytest.approx(1 / 5)
    assert national["average_offers"] == pytest.approx((3 + 1 + 2 + 4 + 2) / 5)
    assert facts["organisation"]["count"] == 2
    assert facts["peers"]["count"] == 1
    assert pl.Series([facts["national"]["environmental_share"]]).item() == 0


def test_potential_suppliers_nationally_for_a_division_code(ix):
    national = guidance.potential_suppliers(code_cpv="55000000")
    assert {s["zone"] for s in national} == {"France"}
    assert national[0]["siret"] == SUPPLIER_REPAS  # 3 restauration contracts won
