"""Thin adapter between the import and the cleaning rules (pilote.decp.cleaning, written separately).

It calls the cleaning functions on one batch of raw tables, then makes sure the provenance and raw columns the
store needs are present (joining them back on `record_key` if cleaning left them out), and that `qualite`
includes the reader's shape anomalies (`anomalies_lecture`). If the cleaning package cannot be imported the
import refuses to run (no silent "identity" cleaning in production): tests that need an identity fallback
pass `cleaner=identity_cleaner` explicitly.
"""

import datetime

import polars as pl

from pilote.decp.errors import ImportFailed
from pilote.decp.schema import PROVENANCE


def _cleaning():
    try:
        from pilote.decp import cleaning
    except ImportError as exc:
        raise ImportFailed(f"règles de nettoyage indisponibles (pilote.decp.cleaning : {exc})") from exc
    return cleaning


def _with_raw(cleaned, raw, wanted):
    missing = [c for c in wanted if c not in cleaned.columns]
    if not missing:
        return cleaned
    if "record_key" in cleaned.columns and cleaned.height == raw.height:
        return cleaned.join(raw.select("record_key", *missing), on="record_key", how="left")
    return pl.concat([cleaned, raw.select(missing)], how="horizontal")


def _merge_quality(frame):
    if "qualite" not in frame.columns:
        frame = frame.with_columns(pl.lit([], pl.List(pl.String)).alias("qualite"))
    if "anomalies_lecture" in frame.columns:
        frame = frame.with_columns(
            pl.concat_list(pl.col("qualite").fill_null([]), pl.col("anomalies_lecture").fill_null([]))
            .list.unique(maintain_order=True)
            .alias("qualite")
        )
    return frame


def real_cleaner(raw, *, today):
    cleaning = _cleaning()
    contrats = cleaning.clean_contrats(raw["contrats"], today=today)
    contrats = _merge_quality(_with_raw(contrats, raw["contrats"], [*PROVENANCE, "type_contrat", "anomalies_lecture"]))
    titulaires = cleaning.clean_titulaires(raw["titulaires"])
    contrats = cleaning.flag_titulaires_absents(contrats, titulaires)
    out = {"contrats": contrats, "titulaires": titulaires}
    if "modifications" in raw:
        out["modifications"] = cleaning.clean_modifications(raw["modifications"], today=today)
    if "actes_sous_traitance" in raw:
        out["actes_sous_traitance"] = cleaning.clean_actes(raw["actes_sous_traitance"], today=today)
    return out


def identity_cleaner(raw, *, today):
    """No cleaning at all: raw columns kept, `qualite` = reader anomalies. For tests of the pipeline only."""
    del today
    out = dict(raw)
    out["contrats"] = _merge_quality(raw["contrats"])
    return out


def outlier_flagger():
    """cleaning.flag_amount_outliers, run once on the whole deduplicated set (peers need every contract)."""
    return _cleaning().flag_amount_outliers


def clean(raw, *, today=None, cleaner=None):
    today = today or datetime.date.today()  # noqa: DTZ011 - a calendar date, the server's local day
    return (cleaner or real_cleaner)(raw, today=today)
