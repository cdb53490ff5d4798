"""Each indicator on the hand-computed fixture (tests/analytics/store.py).

Organisation A (SIRET S1) has c1-c4; c3's amount (1 €) is flagged "montant_symbolique"; c5 belongs to B.
"""

import pytest

from pilote.analytics import cockpit
from pilote.contracts import figures, indicators
from pilote.contracts.filters import parse_filters


pytestmark = pytest.mark.django_db


@pytest.fixture
def values(fixture_store, commune_a):
    filters, _ = parse_filters({}, commune_a)
    return figures.overview(filters, commune_a)["values"]


def test_volume_excludes_amount_anomalies(values):
    assert values["nb_contrats"].valeur == 4
    total = values["montant_total"]
    assert total.valeur == 450000  # c1 + c2 + c4; c3's 1 € is an anomaly
    assert (total.renseignes, total.exclus) == (3, 1)
    assert values["montant_median"].valeur == 100000


def test_responsible_purchasing_shares_over_filled_fields(values):
    social = values["part_consideration_sociale"]
    # c3 has no considérations: unknown, left out of the denominator.
    assert (social.valeur, social.renseignes, social.total) == (pytest.approx(2 / 3), 3, 4)
    assert social.couverture == pytest.approx(3 / 4)
    assert values["part_consideration_sociale_montant"].valeur == pytest.approx(150000 / 450000)
    assert values["part_consideration_environnementale"].valeur == pytest.approx(1 / 3)
    assert values["part_clause_sociale"].valeur == pytest.approx(1 / 3)
    assert values["part_critere_social"].valeur == pytest.approx(1 / 3)
    assert values["part_marche_reserve"].valeur == pytest.approx(1 / 3)
    assert values["part_critere_environnemental"].valeur == pytest.approx(1 / 3)
    assert values["part_innovant"].valeur == pytest.approx(1 / 3)


def test_obligations(values):
    # c4 notified after 22 August 2026 without environmental consideration.
    assert (values["nb_art35_a_verifier"].valeur, values["nb_art35_a_verifier"].renseignes) == (1, 1)
    # c2: 300 k€ ≥ 221 k€ (local authorities' EU threshold in 2024) and "Pas de considération sociale".
    assert values["nb_ue_sans_social"].valeur == 1
    # c2 published 3.5 months after notification.
    assert values["part_publication_tardive"].valeur == pytest.approx(1 / 4)


def test_competition_and_access(values):
    assert values["nb_offres_moyen"].valeur == pytest.approx(2.0)
    assert values["taux_offre_unique"].valeur == pytest.approx(1 / 3)
    assert indicators.couleur_offre_unique(values["taux_offre_unique"].valeur) == "rouge"
    assert values["part_sans_publicite"].valeur == pytest.approx(1 / 4)
    assert values["part_procedure_adaptee"].valeur == pytest.approx(1 / 4)
    assert values["part_groupement"].valeur == pytest.approx(1 / 3)
    assert values["part_sous_traitance"].valeur == pytest.approx(1 / 3)
    assert values["part_avance"].valeur == pytest.approx(1 / 3)


def test_evolution_and_quality(values, commune_a):
    assert values["part_modifies"].valeur == pytest.approx(1 / 4)
    assert values["part_signalement"].valeur == pytest.approx(1 / 4)
    filters, _ = parse_filters({}, commune_a)
    evolution = figures.evolution(filters, 4)
    # c1: 100 k€ → 120 k€ after its last modification: +20 % > 15 % (works).
    assert evolution["hausse"].valeur == pytest.approx(0.2)
    assert evolution["n_a_verifier"] == 1
    assert [r["id"] for r in evolution["a_verifier"]] == ["c1"]


def test_concentration(fixture_store, commune_a):
    filters, _ = parse_filters({}, commune_a)
    suppliers = figures.suppliers(filters)
    # First titulaires: T1 on c1, c3 (amount excluded), c4 = 150 k€; T2 on c2 = 300 k€.
    assert [(r["titulaire_id"], r["n"], r["montant"]) for r in suppliers["top"]] == [
        ("22222222222222", 1, 300000),
        ("11111111111111", 3, 150000),
    ]
    assert suppliers["hhi_montant"] == pytest.approx(10000 * ((2 / 3) ** 2 + (1 / 3) ** 2))
    assert suppliers["hhi_nombre"] == pytest.approx(10000 * (0.75**2 + 0.25**2))
    assert suppliers["hhi_label"] == "forte"


def test_filters_narrow_the_figures(fixture_store, commune_a):
    def count(params):
        filters, _ = parse_filters(params, commune_a)
        return figures.overview(filters, commune_a)["values"]["nb_contrats"].valeur

    assert count({"annee": "2024"}) == 2
    assert count({"annee": "2024", "trimestre": "2"}) == 1
    assert count({"cpv": "45"}) == 2
    assert count({"titulaire": "propreté 100%"}) == 1
    assert count({"titulaire": "11111111111111"}) == 3
    assert count({"montant_min": "60000", "montant_max": "400000"}) == 2
    assert count({"procedure": "Appel d'offres ouvert"}) == 2
    assert count({"perimetre": "national"}) == 5
    assert count({"perimetre": "acheteur", "acheteur": "20005340300057"}) == 1


def test_peers_rank_and_national_reference(fixture_store, commune_a, commune_b, monkeypatch):
    filters, _ = parse_filters({}, commune_a)
    default = cockpit.peers(filters, commune_a)
    social = next(r for r in default["table"] if r["code"] == "part_consideration_sociale")
    # 3 declared contracts: below the minimum base, the share is neither shown nor ranked
    assert (social["insuffisant"], social["valeur"], social["rang"], social["base"]) == (True, None, None, 3)
    monkeypatch.setattr(indicators, "MIN_BASE", 1)  # the ranking itself, on the hand-computed fixture
    peers = cockpit.peers(filters, commune_a)
    social = next(r for r in peers["table"] if r["code"] == "part_consideration_sociale")
    # A: 2/3, B: 1/1 → A is second of two, at the 50th percentile; France: 3 of 4 filled.
    assert (social["rang"], social["sur"], social["percentile"]) == (2, 2, 50)
    assert social["national"] == pytest.approx(3 / 4)
    # every catalogue indicator is compared; sizes (counts, amounts) are shown without a rank
    assert [r["code"] for r in peers["table"]] == [code for code, *_ in indicators.CATALOGUE]
    volume = next(r for r in peers["table"] if r["code"] == "nb_contrats")
    assert (volume["valeur"], volume["rang"], volume["mediane_pairs"], volume["national"]) == (4, None, 4, 5)
    single = next(r for r in peers["table"] if r["code"] == "taux_offre_unique")
    assert single["rang"] is not None
    assert single["unite"] == "part"


def test_pure_helpers():
    assert indicators.hhi([0.5, 0.5]) == pytest.approx(5000)
    assert indicators.hhi([]) is None
    assert indicators.hhi_label(1499) == "faible"
    assert indicators.hhi_label(2000) == "modérée"
    assert indicators.couleur_offre_unique(0.10) == "vert"
    assert indicators.couleur_offre_unique(0.15) == "orange"
    assert indicators.couleur_offre_unique(None) == "inconnu"
    assert indicators.progression(0.15, 0.30) == pytest.approx(0.5)
    assert indicators.progression(0.5, 0.30) == 1.0
    assert indicators.rank_and_percentile(0.1, [0.1, 0.2, 0.3], higher_is_better=False) == (1, 100.0)
    assert indicators.part_premiers([5, 3, 2], 10, k=2) == pytest.approx(0.8)
