"""Support schemes in and out of the national exchange format `dispositif-aide` v0.2.0 (15 columns; lists
`|`-joined, porteurs as a JSON array). The checks are the schema's own constraints (required, patterns, lengths,
UUID, datetimes); the export is validated against the shipped schema.json in the tests. Pure functions."""

import datetime as dt
import json
import re
import uuid

from pilote.territoire.parsing import _refuse_if, _require_columns, read_rows


COLUMNS = (
    "id", "titre", "promesse", "description", "eligibilite", "types_aides", "porteurs", "programmes_parents",
    "url_source", "cibles", "eligibilite_geographique", "eligibilite_geographique_exclusions", "date_ouverture",
    "date_cloture", "date_mise_a_jour",
)  # fmt: skip
REQUIRED = ("id", "titre", "description", "eligibilite", "types_aides", "porteurs", "cibles",
            "eligibilite_geographique", "date_mise_a_jour")  # fmt: skip
CIBLES = ("professionnels", "particuliers", "associations", "secteur public")
GEO = re.compile(r"^[A-Z]+-\d+$")


def _split(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split("|") if part.strip()]


def _datetime(errors: list, name: str, value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors.append(f"{name} « {value} » n'est pas une date et heure ISO")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _porteurs(errors: list, text: str) -> list[dict]:
    try:
        porteurs = json.loads(text)
    except ValueError:
        errors.append("porteurs : JSON illisible")
        return []
    if not isinstance(porteurs, list) or not all(isinstance(p, dict) and p.get("nom") for p in porteurs):
        errors.append("porteurs : une liste de {nom, siren, roles} est attendue")
        return []
    return [
        {"nom": p["nom"], "siren": str(p.get("siren") or ""), "roles": list(p.get("roles") or [])} for p in porteurs
    ]


def _check(row: dict) -> list[str]:
    errors = [f"{c} manquant" for c in REQUIRED if not row.get(c)]
    try:
        uuid.UUID(row["id"])
    except ValueError:
        errors.append(f"id « {row['id']} » n'est pas un UUID")
    if len(row.get("promesse", "")) > 180:
        errors.append("promesse de plus de 180 caractères")
    if len(row["description"]) > 5000:
        errors.append("description de plus de 5 000 caractères")
    if any(c not in CIBLES for c in _split(row["cibles"])):
        errors.append(f"cibles « {row['cibles']} » hors de la liste ({', '.join(CIBLES)})")
    errors.extend(
        f"{column} « {row[column]} » : codes TYPE-code attendus (DEP-14, REG-28…)"
        for column in ("eligibilite_geographique", "eligibilite_geographique_exclusions")
        if any(not GEO.match(code) for code in _split(row.get(column, "")))
    )
    return errors


def parse_schemes(text: str) -> list[dict]:
    rows = read_rows(text)
    _require_columns(rows, REQUIRED, "dispositif-aide (schéma national v0.2.0)")
    return parse_scheme_rows(rows)


def parse_scheme_rows(rows: list[dict]) -> list[dict]:
    """Schemes from rows already split into the schema's columns (a file's rows, or one scheme typed by hand):
    every row checked, a French error naming each bad line, nothing returned unless all are valid."""
    errors, schemes, seen = [], [], set()
    for line, row in enumerate(rows, start=2):
        row = {c: row.get(c, "") for c in COLUMNS}
        row_errors = _check(row)
        if row["id"] in seen:
            row_errors.append(f"id « {row['id']} » en double")
        seen.add(row["id"])
        porteurs = _porteurs(row_errors, row["porteurs"]) if row["porteurs"] else []
        dates = {c: _datetime(row_errors, c, row[c]) for c in ("date_ouverture", "date_cloture", "date_mise_a_jour")}
        if row_errors:
            errors.append(f"Ligne {line} : {' ; '.join(e.rstrip('.') for e in row_errors)}.")
            continue
        schemes.append({
            "uid": row["id"], "titre": row["titre"][:300], "promesse": row["promesse"], "description": row["description"],
            "eligibilite": row["eligibilite"], "types_aides": _split(row["types_aides"]), "porteurs": porteurs,
            "programmes_parents": _split(row["programmes_parents"]), "url_source": row["url_source"][:500],
            "cibles": _split(row["cibles"]), "geographie": _split(row["eligibilite_geographique"]),
            "geographie_exclusions": _split(row["eligibilite_geographique_exclusions"]), **dates,
        })  # fmt: skip
    _refuse_if(errors)
    return schemes


def _iso(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def scheme_row(scheme) -> list[str]:
    return [
        scheme.uid, scheme.titre, scheme.promesse, scheme.description, scheme.eligibilite,
        "|".join(scheme.types_aides), json.dumps(scheme.porteurs, ensure_ascii=False),
        "|".join(scheme.programmes_parents), scheme.url_source, "|".join(scheme.cibles), "|".join(scheme.geographie),
        "|".join(scheme.geographie_exclusions), _iso(scheme.date_ouverture), _iso(scheme.date_cloture),
        _iso(scheme.date_mise_a_jour),
    ]  # fmt: skip
