"""Pure readers of the CSV layouts the territory imports: each returns clean rows or raises ImportRefused with
a French message per faulty row (line numbers as a spreadsheet shows them, header = line 1). Nothing is saved
here: the services save all the rows or none."""

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from pilote.territoire import geo
from pilote.territoire.identifiers import clean, company_problem, rna_problem
from pilote.territoire.themes import from_inclusion


MAX_ERRORS = 20


class ImportRefused(ValidationError):
    """The whole file is refused; `messages` lists the faulty rows."""


def read_rows(text: str) -> list[dict]:
    """Rows of a CSV whose delimiter is `;` or `,` (whichever the header uses), header names stripped."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [(name or "").strip() for name in reader.fieldnames or []]
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _require_columns(rows: list[dict], columns: tuple[str, ...], layout: str) -> None:
    if not rows:
        raise ImportRefused("Le fichier ne contient aucune ligne.")
    missing = [c for c in columns if c not in rows[0]]
    if missing:
        raise ImportRefused(
            f"Ce fichier n'a pas la disposition {layout} : colonne(s) manquante(s) {', '.join(missing)}."
        )


def _refuse_if(errors: list[str]) -> None:
    if errors:
        extra = f" (et {len(errors) - MAX_ERRORS} autre(s) ligne(s))" if len(errors) > MAX_ERRORS else ""
        raise ImportRefused([*errors[:MAX_ERRORS], f"Rien n'a été importé{extra}."])


def amount(value: str) -> Decimal:
    """« 245 600,00 € », « 24000.0 », « 1 234,5 » → Decimal; ValueError when it is not an amount."""
    text = re.sub(r"[\s\u202f\u00a0€]", "", value or "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"« {value} » n'est pas un montant") from None
    if number < 0 or not number.is_finite():
        raise ValueError(f"« {value} » n'est pas un montant positif")
    return number


def _company(row_errors: list, value: str) -> str:
    if not clean(value):
        return ""
    problem = company_problem(value)
    if problem:
        row_errors.append(problem)
    return clean(value)


def _commune(row_errors: list, code: str) -> str:
    code = clean(code)
    if code.isdigit() and len(code) == 4:
        code = code.zfill(5)  # leading zero lost upstream (Fonds vert export)
    if code and code not in geo.communes():
        row_errors.append(f"code commune « {code} » inconnu du COG")
    return code


def parse_siae(text: str) -> list[dict]:
    """The SIAE list (ASP/DGEFP, July 2019 layout): one actor per SIRET, measures (ACI, EI, AI, ETTI) as types."""
    rows = read_rows(text)
    _require_columns(rows, ("MESURE", "SIRET", "DENOMINATION_SOCIALE", "CODE_POSTAL"), "de la liste des SIAE")
    errors, actors = [], {}
    for line, row in enumerate(rows, start=2):
        row_errors: list[str] = []
        siret = _company(row_errors, row["SIRET"]) or row_errors.append("SIRET manquant")
        commune = geo.commune_from_postal(row["CODE_POSTAL"], row.get("COMMUNE", ""))
        if commune is None:
            row_errors.append(f"code postal « {row['CODE_POSTAL']} » inconnu")
        if row_errors:
            errors.append(f"Ligne {line} : {' ; '.join(e.rstrip('.') for e in row_errors)}.")
            continue
        actor = actors.setdefault(
            siret,
            {
                "name": row["DENOMINATION_SOCIALE"],
                "siret": siret,
                "siren": siret[:9],
                "commune_code": commune,
                "kinds": [],
                "labels": ["SIAE"],
                "line": line,
            },
        )
        if row["MESURE"] not in actor["kinds"]:
            actor["kinds"].append(row["MESURE"])
    _refuse_if(errors)
    return list(actors.values())


def parse_inclusion(text: str) -> list[dict]:
    """Structures in the data·inclusion layout (nom, siret, rna, code_insee, typologie, thematiques, labels)."""
    rows = read_rows(text)
    _require_columns(rows, ("nom", "siret", "code_insee", "typologie"), "data·inclusion (structures)")
    errors, actors = [], []
    for line, row in enumerate(rows, start=2):
        row_errors: list[str] = []
        siret = _company(row_errors, row["siret"])
        rna = clean(row.get("rna", ""))
        if rna and rna_problem(rna):
            row_errors.append(rna_problem(row["rna"]))
        if not row["nom"]:
            row_errors.append("nom manquant")
        commune = _commune(row_errors, row["code_insee"])
        themes, unknown = from_inclusion(_list(row.get("thematiques", "")))
        if unknown:
            row_errors.append(f"thématique(s) « {', '.join(unknown)} » absente(s) du référentiel data·inclusion")
        if row_errors:
            errors.append(f"Ligne {line} : {' ; '.join(e.rstrip('.') for e in row_errors)}.")
            continue
        actors.append(
            {
                "name": row["nom"],
                "siret": siret if len(siret) == 14 else "",
                "siren": siret[:9],
                "rna": rna,
                "commune_code": commune,
                "kinds": [row["typologie"]] if row["typologie"] else [],
                "themes": themes,
                "labels": _list(row.get("labels_nationaux", "")),
                "line": line,
            }
        )
    _refuse_if(errors)
    return actors


def _list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[|;,]", text or "") if part.strip()]
