"""Helpers of the cleaning tests: run one rule on a list of raw values, read real files into raw frames."""

import datetime
from pathlib import Path

import polars as pl

from pilote.decp.cleaning.base import Cleaned
from pilote.decp.cleaning.frame import apply_cleaners


TODAY = datetime.date(2026, 11, 22)
SHARED = Path(__file__).resolve().parents[4] / "shared"
REAL = SHARED / "data" / "decp" / "real"


def run(rule, values, dtype=pl.String, name="v", **kwargs) -> pl.DataFrame:
    """Apply rule(pl.col(name), **kwargs) to the raw values; columns: name (cleaned), name_brut, qualite."""
    raw = pl.DataFrame({name: values}, schema={name: dtype})
    cleaned: Cleaned = rule(pl.col(name), **kwargs)
    return apply_cleaners(raw, {name: cleaned})


def one(rule, value, dtype=pl.String, **kwargs) -> dict:
    """The cleaned row of a single raw value, as a dict (v, v_brut, qualite)."""
    return run(rule, [value], dtype, **kwargs).row(0, named=True)


def read_raw(path: Path) -> dict[str, pl.DataFrame]:
    """Raw tables of a DECP JSON file through the project's reader (pilote.decp.readers)."""
    from pilote.decp.readers.flatten import Flattener
    from pilote.decp.readers.json_reader import iter_records_ijson

    flat = Flattener(import_run="test", source="test", fichier=path.name, sha256="", fmt="decp-2022-json")
    for key, (tableau, position, rec) in enumerate(iter_records_ijson(path, name=path.name)):
        flat.add(rec, key=key, position=position, tableau=tableau)
    return flat.frames()


def raw_contrats(rows: list[dict]) -> pl.DataFrame:
    """A raw contrats frame (every RAW_CONTRAT + PROVENANCE column, None unless given)."""
    from pilote.decp.schema import PROVENANCE, RAW_CONTRAT

    schema = {**PROVENANCE, **RAW_CONTRAT}
    full = [
        {"record_key": i, "position": i, "tableau": "marche", "type_contrat": "marche", **r}
        for i, r in enumerate(rows)
    ]
    return pl.DataFrame(full, schema=schema)
