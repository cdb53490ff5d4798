"""Communes of the COG 2025 with their coordinates (La Poste) and EPCI (DGCL 2023), derived from the files of
/work/shared/data/geo (Licence Ouverte; see data/SOURCES.md), and the simplified outlines of the north-west
départements for the offline map (IGN Admin Express via gregoiredavid/france-geojson, Licence Ouverte)."""

import csv
import json
from functools import lru_cache
from pathlib import Path

from pilote.core.text import fold


DATA = Path(__file__).resolve().parent / "data"
NORMANDIE = ("14", "27", "50", "61", "76")


@lru_cache(maxsize=1)
def communes() -> dict[str, dict]:
    with open(DATA / "communes.csv", encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def postal_codes() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    with open(DATA / "postaux.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["code_postal"], []).append(row["commune_code"])
    return table


@lru_cache(maxsize=1)
def outlines() -> dict:
    return json.loads((DATA / "departements-nord-ouest.geojson").read_text(encoding="utf-8"))


@lru_cache(maxsize=128)
def sample_commune(departement: str) -> str | None:
    """One commune of a département: a scheme open to the département's or région's level covers all of them."""
    return next((code for code, c in communes().items() if c["departement"] == departement), None)


def commune_from_postal(postal: str, name: str = "") -> str | None:
    """INSEE code of the commune at a postal code, the one whose name matches when several share it."""
    codes = postal_codes().get((postal or "").strip().zfill(5), [])
    if len(codes) > 1 and name:
        wanted = _fold(name)
        for code in codes:
            if _fold(communes().get(code, {}).get("nom", "")) == wanted:
                return code
    return codes[0] if codes else None


def _fold(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def in_area(code: str, geography: list[str]) -> bool:
    """Whether a commune is inside a scheme's geography (PAYS-99100, REG-xx, DEP-xx, EPCI-siren, COM-xxxxx)."""
    commune = communes().get(code)
    if commune is None:
        return False
    for item in geography:
        kind, _, value = item.partition("-")
        if (
            (kind == "PAYS" and value == "99100")
            or (kind == "REG" and value == commune["region"])
            or (kind == "DEP" and value == commune["departement"])
            or (kind == "EPCI" and value == commune["epci_siren"])
            or (kind == "COM" and value == code)
        ):
            return True
    return False
