"""Rules on real rows of the 2024 tabular extract (decp-processing format, CSV): old procedure labels, buyer
SIRETs failing Luhn, plain typed values left untouched."""

import csv

import pytest

from pilote.decp.cleaning import clean_contrats
from tests.decp.cleaning.helpers import REAL, TODAY, raw_contrats


CSV = next((REAL / "tabular-2024").rglob("*.csv"), None)


@pytest.fixture(scope="module")
def rows():
    if CSV is None:
        pytest.fail(f"extrait tabulaire réel absent sous {REAL}")
    with open(CSV, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _raw(rows):
    return raw_contrats(
        [
            {
                "id": r["id"], "acheteur_id": r["acheteur_id"], "acheteur_nom": r["acheteur_nom"], "code_cpv": r["codeCPV"],
                "montant": r["montant"], "date_notification": r["dateNotification"], "procedure": r["procedure"],
                "duree_mois": r["dureeMois"], "offres_recues": r["offresRecues"], "tableau": "ligne",
            }
            for r in rows
        ]
    )  # fmt: skip


def test_real_tabular_rows(rows):
    out = clean_contrats(_raw(rows), today=TODAY)
    assert out.height == len(rows)
    old = out.filter(out["procedure_brut"] == "Marché négocié sans publicité ni mise en concurrence préalable")
    assert old.height > 0
    assert (old["procedure"] == "Marché passé sans publicité ni mise en concurrence préalable").all()
    assert old["qualite"].list.contains("libelle_ancien").all()
    # amounts, CPV codes and dates of this extract are clean: nothing to correct
    assert out["montant_brut"].null_count() == out.height
    assert out["code_cpv_brut"].null_count() == out.height
    assert out["date_notification_brut"].null_count() == out.height
    assert out["offres_recues"].min() >= 1


def test_real_invalid_buyer_sirets(rows):
    bad = [r for r in rows if r["acheteur_id"] in ("27110000034000", "64552016400000")]
    assert bad
    out = clean_contrats(_raw(bad), today=TODAY)
    assert all({"siren_invalide", "siret_invalide"} & set(q) for q in out["qualite"].to_list())
    assert out["acheteur_id"].to_list() == [r["acheteur_id"] for r in bad]  # kept
