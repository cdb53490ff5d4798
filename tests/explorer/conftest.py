"""A small real DECP store for the explorer tests: a DECP 2022 JSON file written here, imported with the real
pipeline (pilote.decp.importer.run_import) into the test's isolated PILOTE_DATA_DIR."""

import json
import shutil
from pathlib import Path

import pytest

from pilote.contracts.search import index as explorer_index
from pilote.decp.importer import run_import
from tests.explorer.guidance_store import guidance_imported, guidance_store  # noqa: F401 (fixtures of issue 17)


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit (SIREN/SIRET key) to a string of digits."""
    for last in "0123456789":
        digits = [int(d) for d in prefix + last]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
        if total % 10 == 0:
            return prefix + last
    raise AssertionError(prefix)


BUYER_ROUEN = luhn_complete("2176054070001")
BUYER_LYON = luhn_complete("2169123890001")
BUYER_LILLE = luhn_complete("2159350170001")
SUPPLIER_REPAS = luhn_complete("4012345670001")
SUPPLIER_ROUTES = luhn_complete("5023456780001")
SUPPLIER_PROPRE = luhn_complete("6034567890001")
SUPPLIER_NOUVEAU = luhn_complete("7045678900001")

# (id, buyer, objet, cpv, montant, postal code, date, durée, offres, titulaire, social)
RECORDS = [
    (
        "R1",
        BUYER_ROUEN,
        "Restauration Scolaire",
        "55523100",
        120000,
        "76000",
        "2024-03-01",
        36,
        3,
        SUPPLIER_REPAS,
        True,
    ),
    (
        "R2",
        BUYER_LYON,
        "restaurations scolaires des écoles",
        "55523100",
        80000,
        "69001",
        "2024-04-01",
        24,
        1,
        SUPPLIER_REPAS,
        False,
    ),
    (
        "R3",
        BUYER_ROUEN,
        "Fourniture de repas pour la restauration scolaire",
        "55523100",
        150000,
        "76100",
        "2024-05-01",
        48,
        2,
        SUPPLIER_NOUVEAU,
        False,
    ),
    (
        "R4",
        BUYER_LILLE,
        "Restauration collective du personnel",
        "55520000",
        90000,
        "59000",
        "2024-06-01",
        12,
        4,
        SUPPLIER_REPAS,
        False,
    ),
    (
        "R5",
        BUYER_LYON,
        "Service de restauration scolaire et périscolaire",
        "55523100",
        1,
        "69002",
        "2024-07-01",
        12,
        2,
        SUPPLIER_NOUVEAU,
        False,
    ),
    ("V1", BUYER_LILLE, "Travaux de voirie", "45233140", 300000, "59000", "2024-02-01", 6, 5, SUPPLIER_ROUTES, False),
    (
        "V2",
        BUYER_ROUEN,
        "Entretien de la voirie communale",
        "45233141",
        200000,
        "76000",
        "2024-02-15",
        12,
        2,
        SUPPLIER_ROUTES,
        False,
    ),
    (
        "V3",
        BUYER_LYON,
        "Réfection des chaussées et trottoirs",
        "45233140",
        250000,
        "69003",
        "2023-09-01",
        8,
        3,
        SUPPLIER_ROUTES,
        False,
    ),
    (
        "N1",
        BUYER_ROUEN,
        "Nettoyage des locaux administratifs",
        "90919200",
        60000,
        "76000",
        "2023-01-10",
        36,
        6,
        SUPPLIER_PROPRE,
        True,
    ),
    (
        "N2",
        BUYER_LILLE,
        "Nettoyage de locaux scolaires",
        "90919300",
        45000,
        "59000",
        "2023-06-10",
        24,
        4,
        SUPPLIER_PROPRE,
        False,
    ),
    (
        "M1",
        BUYER_LYON,
        "Fourniture de mobilier scolaire",
        "39160000",
        70000,
        "69004",
        "2023-03-03",
        12,
        3,
        SUPPLIER_NOUVEAU,
        False,
    ),
    (
        "I1",
        BUYER_LILLE,
        "Maintenance du parc informatique",
        "50300000",
        110000,
        "59000",
        "2022-11-20",
        36,
        2,
        SUPPLIER_PROPRE,
        False,
    ),
]


def marche(rec):
    uid, buyer, objet, cpv, montant, postal, date, duree, offres, titulaire, social = rec
    return {
        "id": uid,
        "acheteur": {"id": buyer},
        "nature": "Marché",
        "objet": objet,
        "codeCPV": cpv,
        "procedure": "Appel d'offres ouvert",
        "lieuExecution": {"code": postal, "typeCode": "Code postal"},
        "dureeMois": duree,
        "dateNotification": date,
        "datePublicationDonnees": date,
        "montant": montant,
        "formePrix": "Unitaire",
        "offresRecues": offres,
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": titulaire}}],
        "considerationsSociales": {
            "considerationSociale": ["Clause sociale" if social else "Pas de considération sociale"]
        },
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]
        },
        "modifications": [
            {
                "modification": {
                    "id": 1,
                    "dateNotificationModification": "2024-09-01",
                    "datePublicationDonneesModification": "2024-09-02",
                    "montant": montant * 1.1,
                }
            }
        ]
        if uid == "R1"
        else [],
    }


@pytest.fixture(scope="session")
def imported_store(tmp_path_factory):
    """RECORDS imported once with the real pipeline, which prepares the search index inside the generation."""
    base = tmp_path_factory.mktemp("explorer-store")
    source = base / "decp-test-explorer.json"
    source.write_text(json.dumps({"marches": {"marche": [marche(r) for r in RECORDS]}}), encoding="utf-8")
    data_dir = base / "data"
    run_import([str(source)], data_dir=data_dir)
    return data_dir


@pytest.fixture(scope="session")
def segmented_imported_store(tmp_path_factory):
    """The same contracts reaching the store in two imports, the second of R1, R5 and every third record: its
    search index is a segment of them beside the first import's (pilote.contracts.search.segments)."""
    from pilote.contracts.search import segments

    base = tmp_path_factory.mktemp("explorer-store-segmente")
    later = [r for n, r in enumerate(RECORDS) if r[0] in ("R1", "R5") or n % 3 == 2]
    sources = []
    for name, records in (("stock", [r for r in RECORDS if r not in later]), ("mois", later)):
        (base / name).mkdir()
        source = base / name / "decp-test-explorer.json"
        source.write_text(json.dumps({"marches": {"marche": [marche(r) for r in records]}}), encoding="utf-8")
        sources.append(source)
    data_dir = base / "data"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segments, "MAX_SHARE", 1.0)  # a dozen contracts: the delta is most of them
        for source in sources:
            run_import([str(source)], data_dir=data_dir)
    return data_dir


@pytest.fixture
def bare_store(settings, tmp_path):
    """The same contracts imported into this test's data directory without the preparations (as a generation
    published by an older version of Pilote)."""
    source = tmp_path / "decp-test-explorer.json"
    source.write_text(json.dumps({"marches": {"marche": [marche(r) for r in RECORDS]}}), encoding="utf-8")
    run_import([str(source)], data_dir=settings.PILOTE_DATA_DIR, prepare=False)
    explorer_index._LOADED.clear()
    yield settings.PILOTE_DATA_DIR
    explorer_index._LOADED.clear()


@pytest.fixture
def store(settings, imported_store):
    """A copy of the imported store in this test's data directory; returns the data directory."""
    shutil.copytree(imported_store / "decp", Path(settings.PILOTE_DATA_DIR) / "decp")
    explorer_index._LOADED.clear()
    yield settings.PILOTE_DATA_DIR
    explorer_index._LOADED.clear()


@pytest.fixture
def ix(store):
    return explorer_index.load()


def uid_of(index, record_id):
    docs = index.docs
    return docs.filter(docs["contrat_uid"].str.contains(f"|{record_id}|", literal=True))["contrat_uid"][0]
