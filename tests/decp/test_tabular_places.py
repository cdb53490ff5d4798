"""The consolidated tabular format's département and company-category columns reach the store (nullable: the
JSON and XML formats have none), with the real cleaning rules."""

import polars as pl
import pytest

from pilote.decp import store
from pilote.decp.demo import DATA_DIR
from pilote.decp.importer import run_import
from tests.decp.conftest import LOCAL
from tests.decp.test_readers import read


REAL_2024 = DATA_DIR / "decp_2024H2_travaux_cpv4521_filtered.csv.gz"
CONSOLIDATED = """uid,id,acheteur_id,montant,codeCPV,dateNotification,titulaire_typeIdentifiant,titulaire_id,titulaire_nom,titulaire_categorie,titulaire_departement_code,acheteur_departement_code,modification_id
2169012310001124A,24A,21690123100011,1000,45000000,2024-03-01,SIRET,55210055400013,ACME,GE,92,69,0
2169012310001124A,24A,21690123100011,1000,45000000,2024-03-01,SIRET,44306184100047,BETA,PME,69,69,0
2169012310001124B,24B,21690123100011,2000,45000000,2024-03-02,SIRET,44306184100047,BETA,,,,0
"""


def test_real_2024_extract_keeps_both_departements(tmp_path):
    _result, parts = read(REAL_2024, tmp_path, cleaner="real")
    contrats, titulaires = parts["contrats"], parts["titulaires"]
    assert contrats["acheteur_departement_code"].null_count() < contrats.height
    assert titulaires["titulaire_departement_code"].null_count() < titulaires.height
    assert titulaires["titulaire_categorie"].null_count() == titulaires.height  # not in this extract
    assert {"69", "972"} <= set(contrats["acheteur_departement_code"].drop_nulls())  # as written, overseas too


def test_consolidated_columns_per_titulaire(tmp_path):
    path = tmp_path / "decp.csv"
    path.write_text(CONSOLIDATED, encoding="utf-8")
    _result, parts = read(path, tmp_path, cleaner="real")
    tits = parts["titulaires"].sort("record_key", "rang")
    assert tits.select("titulaire_id", "titulaire_categorie", "titulaire_departement_code").rows() == [
        ("55210055400013", "GE", "92"),
        ("44306184100047", "PME", "69"),
        ("44306184100047", None, None),
    ]
    assert parts["contrats"].sort("record_key")["acheteur_departement_code"].to_list() == ["69", None]


@pytest.mark.django_db
def test_json_and_tabular_in_one_store(settings, tmp_path):
    path = tmp_path / "decp.csv"
    path.write_text(CONSOLIDATED, encoding="utf-8")
    run_import([str(LOCAL / "decp_test_2022.json"), str(path)], data_dir=settings.PILOTE_DATA_DIR)
    gen = store.current_generation_dir(settings.PILOTE_DATA_DIR)
    contrats = pl.read_parquet(gen / "contrats.parquet")
    titulaires = pl.read_parquet(gen / "titulaires.parquet")
    assert contrats.filter(pl.col("acheteur_departement_code") == "69").height == 1
    assert contrats["acheteur_departement_code"].null_count() == contrats.height - 1  # JSON records: unknown
    assert titulaires.filter(pl.col("titulaire_categorie") == "PME").height == 1
