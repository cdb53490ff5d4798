"""Gaps and duplicates of the territory's schemes, money per commune: pure functions with their evidence."""

from decimal import Decimal

from pilote.territoire import analysis


def scheme(titre, themes, cibles, geographie, types=("financement",)):
    return {"titre": titre, "themes": list(themes), "cibles": list(cibles), "geographie": list(geographie),
            "types_aides": list(types)}  # fmt: skip


def test_gap_cells_and_their_evidence():
    schemes = [scheme("Rénovation des écoles", ["urbanisme"], ["secteur public"], ["DEP-14"])]
    found = analysis.gaps(schemes, ("14", "50"), themes=("urbanisme",), targets=("secteur public", "associations"))
    cells = {(f["cible"], f["departement"]) for f in found}
    assert cells == {("associations", "14"), ("secteur public", "50"), ("associations", "50")}
    evidence = next(f for f in found if f["cible"] == "associations" and f["departement"] == "14")["explication"]
    assert "Rénovation des écoles" in evidence


def test_duplicates_are_scored_and_explained():
    a = scheme("Diagnostic énergie", ["energie"], ["professionnels"], ["PAYS-99100"], ["étude"])
    b = scheme("Audit énergétique régional", ["energie"], ["professionnels"], ["REG-28"], ["étude", "financement"])
    c = scheme("Prêt vert", ["economie"], ["professionnels"], ["PAYS-99100"], ["prêt"])
    found = analysis.duplicates([a, b, c], threshold=0.5)
    assert [(f["a"], f["b"]) for f in found] == [("Diagnostic énergie", "Audit énergétique régional")]
    # words {diagnostic, energie} and {audit, energetique, regional}: none shared
    assert found[0]["score"] == round(0.2 + 0.15 + 0.15 + 0.1 * 0.5, 2)
    assert "recouvrement géographique 100%" in found[0]["explication"]
    d = scheme("Diagnostic énergie des PME", ["energie"], ["professionnels"], ["DEP-14"], ["étude"])
    best = analysis.duplicates([a, b, d])[0]
    assert (best["a"], best["b"]) == ("Diagnostic énergie", "Diagnostic énergie des PME")
    assert best["explication"].startswith("Mots communs : diagnostic, energie")


def test_money_per_commune_and_epci():
    grants = [{"commune_code": "14118", "montant": Decimal(1000)}, {"commune_code": "99999", "montant": Decimal(5)}]
    actors = [{"commune_code": "14118", "siren": "552100554", "themes": []}]
    rows = analysis.money_by_commune(grants, {"14118": Decimal(250), "00000": Decimal(9)}, actors)
    assert rows[0]["code"] == "14118"
    assert rows[0]["total"] == Decimal(1250)
    assert rows[0]["nom"] == "Caen"
    epci = analysis.money_by_epci(rows)
    assert epci[0]["total"] == Decimal(1250)
    assert "Caen" in epci[0]["epci"]
    unfunded = analysis.unfunded_actors([{"name": "X", "siren": "1", "themes": ["nature"]}], set(), "nature")
    assert unfunded
    assert "n'a reçu ni subvention" in unfunded[0]["explication"]
