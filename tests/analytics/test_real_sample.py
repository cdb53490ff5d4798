"""A real sample file, imported by the DECP pipeline, gives the same headline figures as plain Python over the
parsed file (independent recomputation: no DuckDB, no cleaning code)."""

import json
from pathlib import Path
from statistics import mean, median

import pytest

from pilote.contracts import figures
from pilote.contracts.filters import parse_filters
from pilote.decp.importer import run_import


SAMPLE = Path(__file__).parent / "data" / "decp-59920013600241-2024-07-09-01.json"


def _plain_python_figures():
    records = json.loads(SAMPLE.read_text(encoding="utf-8"))["marches"]["marche"]
    amounts = [float(r["montant"]) for r in records]
    offers = [int(r["offresRecues"]) for r in records if r.get("offresRecues") is not None]
    social = [r["considerationsSociales"]["considerationSociale"] for r in records]
    env = [r["considerationsEnvironnementales"]["considerationEnvironnementale"] for r in records]
    return {
        "nb_contrats": len(records),
        "montant_total": sum(amounts),
        "montant_median": median(amounts),
        "nb_offres_moyen": mean(offers),
        "taux_offre_unique": sum(1 for o in offers if o == 1) / len(offers),
        "part_consideration_sociale": sum(1 for s in social if set(s) - {"Pas de considération sociale"})
        / len(social),
        "part_consideration_environnementale": sum(
            1 for e in env if set(e) - {"Pas de considération environnementale"}
        )
        / len(env),
        "part_publication_tardive": 0.0,  # notified 2024-05-30, published 2024-07-09: within two months
    }


@pytest.mark.django_db
def test_headline_figures_match_an_independent_recomputation(settings):
    run_import([str(SAMPLE)], data_dir=settings.PILOTE_DATA_DIR)
    filters, _ = parse_filters({"perimetre": "acheteur", "acheteur": "59920013600241"})
    values = figures.overview(filters)["values"]
    assert values["montant_total"].exclus == 0  # no amount of this sample is flagged by the pipeline
    for code, expected in _plain_python_figures().items():
        assert values[code].valeur == pytest.approx(expected), code
        assert values[code].couverture == pytest.approx(1.0), code
