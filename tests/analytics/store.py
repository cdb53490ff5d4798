"""Builds small DECP store generations for the cockpit tests: Parquet files with the columns of the real
store (pilote.decp.schema CLEAN_CONTRAT + ids), written where pilote.decp.store expects them."""

import datetime as dt
import json

import polars as pl

from pilote.decp import schema, store


CONTRAT_SCHEMA = {
    **schema.CLEAN_CONTRAT,
    "contrat_uid": pl.String,
    "type_contrat": pl.String,
    "nb_modifications": pl.Int32,
    "source": pl.String,  # the publisher of the retained copy, as the write step stores it
}
TITULAIRE_SCHEMA = {
    "contrat_uid": pl.String,
    "rang": pl.Int32,
    "modification_id": pl.String,
    "type_identifiant": pl.String,
    "titulaire_id": pl.String,
    "titulaire_nom": pl.String,
}
MODIFICATION_SCHEMA = {"contrat_uid": pl.String, "rang": pl.Int32, "modification_id": pl.String, "montant": pl.Float64}


def contrat(uid, **values) -> dict:
    row = dict.fromkeys(CONTRAT_SCHEMA)
    row.update(contrat_uid=uid, id=uid, type_contrat="marche", nature="Marché", qualite=[], nb_modifications=0)
    row.update(values)
    return row


def write_store(data_dir, contrats, titulaires=(), modifications=(), gen_id="test-1", *, tabular=False):
    """tabular: the store also has the columns only the consolidated tabular format brings (départements,
    company category), as after importing such a file."""
    base = store.decp_dir(data_dir)
    gen = base / "generations" / gen_id
    gen.mkdir(parents=True, exist_ok=True)
    contrat_schema = {**CONTRAT_SCHEMA, **(schema.TABULAR_CONTRAT if tabular else {})}
    titulaire_schema = {**TITULAIRE_SCHEMA, **(schema.TABULAR_TITULAIRE if tabular else {})}
    frames = {
        "contrats": pl.DataFrame([{**dict.fromkeys(contrat_schema), **c} for c in contrats], schema=contrat_schema),
        "titulaires": pl.DataFrame(
            [{**dict.fromkeys(titulaire_schema), **t} for t in titulaires], schema=titulaire_schema
        ),
        "modifications": pl.DataFrame(list(modifications), schema=MODIFICATION_SCHEMA),
    }
    for table in store.TABLES:
        frame = frames.get(table, pl.DataFrame({"contrat_uid": []}, schema={"contrat_uid": pl.String}))
        frame.write_parquet(gen / f"{table}.parquet")
    counts = {t: (frames[t].height if t in frames else 0) for t in store.TABLES}
    (gen / "manifest.json").write_text(json.dumps({"generation": gen_id, "counts": counts}), encoding="utf-8")
    (base / "CURRENT").write_text(gen_id + "\n", encoding="utf-8")
    return gen


D = dt.date
S1 = "21690123100011"  # the organisation's buyer SIRET
S2 = "20005340300057"  # a peer's buyer SIRET
PAS_SOC = "Pas de considération sociale"
PAS_ENV = "Pas de considération environnementale"
AOO = "Appel d'offres ouvert"

# Hand-computed fixture: see tests/analytics/test_indicators.py for the expected values and why.
CONTRATS = [
    contrat(
        "c1",
        acheteur_id=S1,
        objet="Rénovation de la mairie",
        code_cpv="45210000",
        procedure=AOO,
        date_notification=D(2024, 3, 10),
        date_publication_donnees=D(2024, 4, 1),
        montant=100000.0,
        offres_recues=1,
        considerations_sociales=["Clause sociale"],
        considerations_environnementales=[PAS_ENV],
        marche_innovant=False,
        type_groupement_operateurs="Pas de groupement",
        sous_traitance_declaree=True,
        attribution_avance=False,
        nb_modifications=2,
    ),
    contrat(
        "c2",
        acheteur_id=S1,
        objet="Nettoyage des bâtiments",
        code_cpv="90910000",
        procedure="Procédure adaptée",
        date_notification=D(2024, 6, 1),
        date_publication_donnees=D(2024, 9, 15),
        montant=300000.0,
        offres_recues=3,
        considerations_sociales=[PAS_SOC],
        considerations_environnementales=["Clause environnementale", "Critère environnemental"],
        marche_innovant=True,
        type_groupement_operateurs="Conjoint",
        sous_traitance_declaree=False,
        attribution_avance=True,
    ),
    contrat(
        "c3",
        acheteur_id=S1,
        objet="Fournitures de bureau",
        code_cpv="30190000",
        procedure="Marché passé sans publicité ni mise en concurrence préalable",
        date_notification=D(2023, 5, 1),
        date_publication_donnees=D(2023, 5, 20),
        montant=1.0,
        qualite=["montant_symbolique"],
        considerations_sociales=[],
        considerations_environnementales=[],
    ),
    contrat(
        "c4",
        acheteur_id=S1,
        objet="Voirie communale",
        code_cpv="45233000",
        procedure=AOO,
        date_notification=D(2026, 9, 1),
        date_publication_donnees=D(2026, 9, 10),
        montant=50000.0,
        offres_recues=2,
        considerations_sociales=["Critère social", "Marché réservé"],
        considerations_environnementales=[PAS_ENV],
        marche_innovant=False,
        type_groupement_operateurs="Pas de groupement",
        sous_traitance_declaree=False,
        attribution_avance=False,
    ),
    contrat(
        "c5",
        acheteur_id=S2,
        objet="Restauration scolaire",
        code_cpv="55523000",
        procedure=AOO,
        date_notification=D(2024, 2, 1),
        date_publication_donnees=D(2024, 2, 15),
        montant=500000.0,
        offres_recues=1,
        considerations_sociales=["Clause sociale"],
        considerations_environnementales=["Clause environnementale"],
    ),
]
TITULAIRES = [
    {"contrat_uid": "c1", "rang": 0, "titulaire_id": "11111111111111", "titulaire_nom": "Bâtisseurs du Rhône"},
    {"contrat_uid": "c2", "rang": 0, "titulaire_id": "22222222222222", "titulaire_nom": "Propreté 100% Services"},
    {"contrat_uid": "c3", "rang": 0, "titulaire_id": "11111111111111", "titulaire_nom": "Bâtisseurs du Rhône"},
    {"contrat_uid": "c4", "rang": 0, "titulaire_id": "11111111111111", "titulaire_nom": "Bâtisseurs du Rhône"},
    # A co-contractor of a groupement: not the contract's supplier for concentration.
    {"contrat_uid": "c4", "rang": 1, "titulaire_id": "33333333333333", "titulaire_nom": "Enrobés de l'Ouest"},
    {"contrat_uid": "c5", "rang": 0, "titulaire_id": "44444444444444", "titulaire_nom": "Cantines Saines"},
]
MODIFICATIONS = [
    {"contrat_uid": "c1", "rang": 0, "modification_id": "1", "montant": 105000.0},
    {"contrat_uid": "c1", "rang": 1, "modification_id": "2", "montant": 120000.0},
]


def write_fixture_store(data_dir):
    return write_store(data_dir, CONTRATS, TITULAIRES, MODIFICATIONS)
