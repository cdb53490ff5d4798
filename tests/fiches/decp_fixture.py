"""A small DECP store for loop-closing tests: the rows are written as a DECP 2022 JSON file and imported with the
real pipeline into PILOTE_DATA_DIR, so the generation holds every table and its preparations."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from pilote.contracts import db
from pilote.contracts.search import index
from pilote.decp import store
from pilote.decp.importer import run_import


SUPPLIER = "40123456700014"


def _day(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _marche(row: dict) -> dict:
    today = timezone.localdate()
    record = {
        "id": row["id"],
        "acheteur": {"id": row["acheteur_id"]},
        "nature": "Marché",
        "objet": row.get("objet") or "",
        "codeCPV": row.get("code_cpv") or "",
        "procedure": row.get("procedure", "Appel d'offres ouvert"),
        "lieuExecution": {"code": "75001", "typeCode": "Code postal"},
        "dureeMois": 12,
        "dateNotification": _day(row.get("date_notification", today)),
        "datePublicationDonnees": _day(row.get("date_publication_donnees", today)),
        "montant": row.get("montant", 0.0),
        "formePrix": "Unitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": SUPPLIER}}],
    }
    if row.get("offres_recues") is not None:
        record["offresRecues"] = row["offres_recues"]
    if row.get("considerations_sociales"):
        record["considerationsSociales"] = {"considerationSociale": row["considerations_sociales"]}
    if row.get("considerations_environnementales"):
        record["considerationsEnvironnementales"] = {
            "considerationEnvironnementale": row["considerations_environnementales"]
        }
    return record


def write_contracts(rows: list[dict]) -> Path:
    data_dir = Path(settings.PILOTE_DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    source = data_dir / "decp-fixture-fiches.json"
    source.write_text(json.dumps({"marches": {"marche": [_marche(r) for r in rows]}}), encoding="utf-8")
    run_import([str(source)], data_dir=data_dir)
    db.database.reset()
    index._LOADED.clear()
    return store.current_generation_dir(data_dir)
