"""Grants in and out: SCDL subventions 2.1.1 (import and export, the export validates against the shipped
schema) and the Fonds vert 2023 export (one row per funded project, by commune and measure). Pure functions."""

import datetime as dt
import json
from decimal import Decimal

from pilote.territoire.identifiers import clean, rna_problem
from pilote.territoire.parsing import _commune, _company, _refuse_if, _require_columns, amount, read_rows


SCDL_COLUMNS = (
    "nomAttribuant", "idAttribuant", "dateConvention", "referenceDecision", "nomBeneficiaire", "idBeneficiaire",
    "rnaBeneficiaire", "objet", "montant", "nature", "conditionsVersement", "datesPeriodeVersement", "idRAE",
    "notificationUE", "pourcentageSubvention", "dispositifAide",
)  # fmt: skip
SCDL_REQUIRED = ("nomAttribuant", "idAttribuant", "dateConvention", "nomBeneficiaire", "objet", "montant")


def _date(row_errors: list, value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        row_errors.append(f"date « {value} » invalide (AAAA-MM-JJ attendu)")
        return None


def parse_scdl(text: str) -> list[dict]:
    rows = read_rows(text)
    _require_columns(rows, SCDL_REQUIRED, "SCDL subventions")
    errors, grants = [], []
    for line, row in enumerate(rows, start=2):
        row_errors = [f"{c} manquant" for c in SCDL_REQUIRED if not row.get(c)]
        attribuant = _company(row_errors, row["idAttribuant"])
        beneficiary = _company(row_errors, row.get("idBeneficiaire", ""))
        rna = clean(row.get("rnaBeneficiaire", ""))
        if rna and rna_problem(rna):
            row_errors.append(rna_problem(row["rnaBeneficiaire"]))
        try:
            montant = amount(row["montant"])
        except ValueError as error:
            row_errors.append(str(error))
            montant = None
        date = _date(row_errors, row["dateConvention"]) if row["dateConvention"] else None
        if row_errors:
            errors.append(f"Ligne {line} : {' ; '.join(e.rstrip('.') for e in row_errors)}.")
            continue
        grants.append({
            "attribuant_nom": row["nomAttribuant"], "attribuant_siret": attribuant, "date_convention": date,
            "reference": row.get("referenceDecision", "")[:120], "beneficiaire_nom": row["nomBeneficiaire"],
            "beneficiaire_id": beneficiary, "rna": rna, "objet": row["objet"][:256], "montant": montant,
            "conditions": row.get("conditionsVersement", "")[:256], "periode": row.get("datesPeriodeVersement", "")[:21],
            "scheme_label": row.get("dispositifAide", "")[:300], "commune_code": "",
        })  # fmt: skip
    _refuse_if(errors)
    return grants


FONDS_VERT_COLUMNS = ("code_commune", "nom_demarche_ds", "nom_du_projet", "nom_beneficiaire_principal", "siren",
                      "montant_engage", "numero_dossier_ds")  # fmt: skip


def parse_fonds_vert(text: str) -> list[dict]:
    rows = read_rows(text)
    _require_columns(rows, FONDS_VERT_COLUMNS, "de l'export Fonds vert 2023")
    errors, grants = [], []
    for line, row in enumerate(rows, start=2):
        row_errors: list[str] = []
        # "NULL": a project of a département or a grouping, with no commune (kept, placed nowhere on the map)
        commune = "" if row["code_commune"] in ("NULL", "") else _commune(row_errors, row["code_commune"])
        beneficiary = _company(row_errors, row["siren"])
        try:
            montant = amount(row["montant_engage"])
        except ValueError as error:
            row_errors.append(str(error))
            montant = None
        if row_errors:
            errors.append(f"Ligne {line} : {' ; '.join(e.rstrip('.') for e in row_errors)}.")
            continue
        grants.append({
            "attribuant_nom": "État — Fonds vert 2023", "attribuant_siret": "", "date_convention": None,
            "reference": f"DS {row['numero_dossier_ds']}", "beneficiaire_nom": row["nom_beneficiaire_principal"],
            "beneficiaire_id": beneficiary, "rna": "", "objet": row["nom_du_projet"][:256], "montant": montant,
            "conditions": "", "periode": "", "scheme_label": row["nom_demarche_ds"][:300], "commune_code": commune,
        })  # fmt: skip
    _refuse_if(errors)
    return grants


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def scdl_rows(grants, *, attribuant_nom: str, attribuant_siret: str) -> list[list]:
    """SCDL 2.1.1 rows of the fund's grants (one per beneficiary). `pourcentageSubvention` is the share of the
    initiative's budget the grant covers, as a ratio (schema: 0.01 to 1)."""
    return [
        [
            attribuant_nom, attribuant_siret, grant["date"].isoformat(), grant["reference"], grant["beneficiaire"],
            grant["siret"] if len(grant["siret"]) == 14 else "", grant["rna"], grant["objet"][:256],
            _money(grant["montant"]), "aide en numéraire", grant["conditions"][:256], grant["periode"], "",
            "non", f"{min(max(grant['part'], Decimal('0.01')), Decimal('1')):.4f}", grant["dispositif"],
        ]
        for grant in grants
    ]  # fmt: skip


def porteurs_json(porteurs: list[dict]) -> str:
    return json.dumps(porteurs, ensure_ascii=False)
