"""A second small store for the guidance tests (issue 17): the confusions seen on real data, reproduced.

- school supplies (39162110) whose objects share two words with "fourniture de repas pour la restauration
  scolaire", so a word-for-word match puts them first;
- six lots of one kitchen-building project (works, one buyer, one date) whose objects speak of "restauration
  scolaire";
- catering contracts of several durations and ages, one won by a supplier that is an SIAE, one whose titulaire
  is named only in another contract, one whose "name" is its SIRET.
Dates are relative to today so that "the last three years" keeps its meaning."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from stdnum import luhn

from pilote.contracts.search import index as explorer_index
from pilote.decp.importer import run_import


def luhn_complete(prefix: str) -> str:
    """A valid SIRET from 13 digits: the SIREN's key recomputed (digits 1-8 + key), then the SIRET's (digits
    10-12 as the establishment number + key), so that stdnum accepts both."""
    siren = prefix[:8] + luhn.calc_check_digit(prefix[:8])
    body = siren + prefix[9:13]
    return body + luhn.calc_check_digit(body)


TODAY = timezone.localdate()
RECENT = (TODAY - dt.timedelta(days=200)).isoformat()
RECENT_2 = (TODAY - dt.timedelta(days=400)).isoformat()
OLD = (TODAY - dt.timedelta(days=6 * 365)).isoformat()

BUYER_CAEN = luhn_complete("2114011800001")
BUYER_NANTES = luhn_complete("2144010900001")
BUYER_PARIS = luhn_complete("2175005600001")
TRAITEUR_LOCAL = luhn_complete("4111111110001")  # recent, Calvados, named
TRAITEUR_NATIONAL = luhn_complete("4222222220001")  # many wins, old, national
SIAE_REPAS = luhn_complete("3333333330001")  # an SIAE (in the inclusion list of the tests)
SANS_NOM = luhn_complete("4444444440001")  # named only in another contract
NOM_SIRET = luhn_complete("4555555550001")  # its published "name" is its SIRET
PAPETERIE = luhn_complete("4666666660001")
BATISSEUR = luhn_complete("4777777770001")

# (id, buyer, objet, cpv, montant, postal code, date, durée, titulaire, titulaire name or None)
CATERING = [
    ("G1", BUYER_CAEN, "Fourniture de repas en liaison froide pour les écoles", "55523100", 60000, "14000", RECENT, 12, TRAITEUR_LOCAL, "Traiteur du Bocage"),
    ("G2", BUYER_CAEN, "Restauration scolaire des écoles maternelles", "55524000", 70000, "14000", RECENT_2, 12, SIAE_REPAS, "Cuisine Solidaire"),
    ("G3", BUYER_NANTES, "Fourniture de repas pour la restauration scolaire", "55523100", 80000, "44000", RECENT, 12, SANS_NOM, None),
    ("G4", BUYER_NANTES, "Livraison de repas aux écoles", "55521200", 65000, "44000", OLD, 12, SANS_NOM, "Repas de Loire"),
    ("G5", BUYER_PARIS, "Restauration scolaire et périscolaire", "55523100", 400000, "75001", OLD, 48, TRAITEUR_NATIONAL, "Grand Traiteur National"),
    ("G6", BUYER_PARIS, "Fourniture de repas pour les cantines scolaires", "55523100", 420000, "75002", OLD, 48, TRAITEUR_NATIONAL, "Grand Traiteur National"),
    ("G7", BUYER_PARIS, "Restauration scolaire des collèges", "55524000", 380000, "75003", OLD, 48, TRAITEUR_NATIONAL, "Grand Traiteur National"),
    ("G8", BUYER_CAEN, "Repas pour la restauration scolaire du centre de loisirs", "55523100", 75000, "14000", OLD, 12, NOM_SIRET, NOM_SIRET),
    ("G9", BUYER_PARIS, "Restauration scolaire des lycées", "55524000", 450000, "75004", OLD, 48, TRAITEUR_NATIONAL, "Grand Traiteur National"),
]  # fmt: skip
SUPPLIES = [
    (f"F{i}", BUYER_NANTES, "Fournitures scolaires pour les écoles", "39162110", 20000 + i, "44000", RECENT, 12, PAPETERIE, "Papeterie de l'Ouest")
    for i in range(1, 6)
]  # fmt: skip
KITCHEN_DATE = (TODAY - dt.timedelta(days=300)).isoformat()
KITCHEN = [
    (f"K{i}", BUYER_CAEN, f"Construction d'une cuisine centrale de restauration scolaire - Lot n°{i} : {lot}", "45210000", 150000 * i, "14000", KITCHEN_DATE, 12, BATISSEUR, "Bâtisseurs Normands")
    for i, lot in enumerate(["gros oeuvre", "charpente", "couverture", "plomberie", "électricité", "peinture"], start=1)
]  # fmt: skip
# Unrelated contracts, so that "restauration" and "scolaire" are rare words as they are nationally (a term in more
# than 5 % of the contracts only adds to contracts found by a rarer one).
FILLER_OBJECTS = [
    ("Fourniture de pièces détachées pour véhicules", "34300000"),
    ("Location de matériel de chantier", "45500000"),
    ("Prestations de nettoyage des vitres", "90911300"),
    ("Acquisition de licences de logiciels", "48000000"),
]
FILLER = [
    (f"X{i}", BUYER_NANTES, f"{FILLER_OBJECTS[i % 4][0]} série {i}", FILLER_OBJECTS[i % 4][1], 10000 + i, "44000", OLD, 12, PAPETERIE, "Papeterie de l'Ouest")
    for i in range(300)
]  # fmt: skip
RECORDS = CATERING + SUPPLIES + KITCHEN + FILLER


def marche(rec):
    uid, buyer, objet, cpv, montant, postal, date, duree, titulaire, nom = rec
    holder = {"typeIdentifiant": "SIRET", "id": titulaire}
    if nom:
        holder["denominationSociale"] = nom
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
        "offresRecues": 2,
        "titulaires": [{"titulaire": holder}],
        "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]
        },
        "modifications": [],
    }


@pytest.fixture(scope="session")
def guidance_imported(tmp_path_factory):
    base = tmp_path_factory.mktemp("guidance-store")
    source = base / "decp-test-guidance.json"
    source.write_text(json.dumps({"marches": {"marche": [marche(r) for r in RECORDS]}}), encoding="utf-8")
    data_dir = base / "data"
    run_import([str(source)], data_dir=data_dir)
    return data_dir


@pytest.fixture
def guidance_store(settings, guidance_imported):
    import shutil
    from pathlib import Path

    shutil.copytree(guidance_imported / "decp", Path(settings.PILOTE_DATA_DIR) / "decp")
    explorer_index._LOADED.clear()
    yield settings.PILOTE_DATA_DIR
    explorer_index._LOADED.clear()
