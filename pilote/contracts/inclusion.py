"""Inclusive structures — SIAE (ACI, AI, EI, ETTI, EITI), entreprises adaptées (EA, EATT) and ESAT — for the
guidance: a supplier of the list is flagged, and the structures of the buyer's area whose activity (NAF) fits
the purchase are named. The list is an organisation's import (a CSV such as the official SIAE list of the ASP or
an export of the marché de l'inclusion); nothing here writes: see explorer.services.do_import_inclusion_list.

A row is refused with its line number when its SIRET is invalid (stdnum, core/validators) or its type unknown:
the whole file is then refused, nothing half-imported. The file is parsed in a child process under a memory
and CPU limit (`read_inclusion_csv`, pilote.core.sandbox): this module is also the child's `__main__`, so it
imports no model at its top.
"""

import csv
import io
from dataclasses import astuple, dataclass

from django.core.exceptions import ValidationError

from pilote.contracts.sirene import departement_from_postal, normalise_departement
from pilote.core import sandbox, uploads
from pilote.core.validators import normalize_siret, siret_problem


MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_ERRORS_SHOWN = 5
MEMORY_BYTES = 512 * 1024 * 1024  # the child's limits: a 10 MB list parses in well under 200 MB
CPU_SECONDS = 30
UPLOAD_RULES = uploads.UploadRules(extensions=(".csv", ".txt"), max_bytes=lambda: MAX_BYTES)

# Kinds and the family each belongs to (what the page says).
KINDS = {
    "ACI": "SIAE",  # atelier et chantier d'insertion
    "AI": "SIAE",  # association intermédiaire
    "EI": "SIAE",  # entreprise d'insertion
    "ETTI": "SIAE",  # entreprise de travail temporaire d'insertion
    "EITI": "SIAE",  # entreprise d'insertion par le travail indépendant
    "SIAE": "SIAE",
    "EA": "EA",  # entreprise adaptée
    "EATT": "EA",  # entreprise adaptée de travail temporaire
    "ESAT": "ESAT",  # établissement et service d'aide par le travail
}
SIRET_COLUMNS = ("siret",)
NAME_COLUMNS = ("denomination_sociale", "denomination", "raison_sociale", "nom", "name", "enseigne")
KIND_COLUMNS = ("type", "mesure", "kind", "typologie", "type_structure")
POSTAL_COLUMNS = ("code_postal", "codepostal", "cp", "code_post_com")
DEPARTEMENT_COLUMNS = ("code_departement", "departement", "departement_code")
NAF_COLUMNS = ("code_naf", "code_naf2", "naf", "activite_principale")

# CPV prefix → NAF prefixes of the activity that performs it (common segments only: a structure of another
# activity is still counted in the area, just not named as fitting the purchase).
CPV_TO_NAF = {
    "555": ("5621", "5629"),  # restauration collective
    "9091": ("8121", "8122", "8129"),  # nettoyage
    "9092": ("8129",),  # désinfection
    "7731": ("8130",),  # espaces verts
    "7721": ("8130",),
    "9831": ("9601",),  # blanchisserie
    "905": ("3811", "3812", "3821", "3832"),  # déchets
    "45": ("41", "42", "43"),  # travaux
    "50": ("33", "95"),  # réparation, maintenance
    "72": ("62", "9511"),  # informatique
    "30": ("4651", "9511"),
    "601": ("49",),  # transport
    "79": ("82",),  # services aux entreprises
    "1581": ("1071",),  # boulangerie
    "3916": ("3109",),  # mobilier
}


@dataclass(frozen=True)
class Row:
    siret: str
    name: str
    kinds: tuple[str, ...]
    departement: str
    postal_code: str
    naf: str


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _column(columns: list[str], candidates) -> int | None:
    return next((columns.index(c) for c in candidates if c in columns), None)


def _cell(row: list[str], at: int | None) -> str:
    return row[at].strip() if at is not None and at < len(row) else ""


def _departement(code: str, postal: str) -> str:
    code = code.strip().upper()
    if len(code) == 3 and code.startswith("0"):  # the ASP list writes "014" for Calvados
        code = code[1:]
    return normalise_departement(code) or departement_from_postal(postal)


def parse_inclusion_csv(raw: bytes) -> list[Row]:
    """The structures of a CSV list, one per SIRET (kinds merged when a SIRET comes several times); a
    ValidationError in French naming the first bad lines when any line is unusable."""
    if len(raw) > MAX_BYTES:
        raise ValidationError("Le fichier dépasse 10 Mo.")
    content = _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content), dialect)
    header = next(reader, None)
    if not header:
        raise ValidationError("Le fichier est vide.")
    columns = [h.strip().lower() for h in header]
    at = {
        "siret": _column(columns, SIRET_COLUMNS),
        "name": _column(columns, NAME_COLUMNS),
        "kind": _column(columns, KIND_COLUMNS),
        "postal": _column(columns, POSTAL_COLUMNS),
        "departement": _column(columns, DEPARTEMENT_COLUMNS),
        "naf": _column(columns, NAF_COLUMNS),
    }
    if at["siret"] is None or at["kind"] is None:
        raise ValidationError(
            "Colonnes « siret » et « type » (ou « mesure ») attendues dans la première ligne du fichier."
        )
    try:
        found, errors = _rows(reader, at)
    except csv.Error as error:  # a field past the csv module's limit, a quote never closed…
        raise ValidationError(
            f"Ligne {reader.line_num} : le fichier n'est pas un CSV lisible (champ trop long ou caractère "
            "invalide) ; enregistrez la liste au format CSV."
        ) from error
    if errors:
        more = len(errors) - MAX_ERRORS_SHOWN
        shown = errors[:MAX_ERRORS_SHOWN] + ([f"… et {more} autre{'s' if more > 1 else ''} ligne{'s' if more > 1 else ''}."] if more > 0 else [])  # fmt: skip
        raise ValidationError(["Rien n'a été importé : corrigez le fichier.", *shown])
    if not found:
        raise ValidationError("Aucune structure dans le fichier.")
    return list(found.values())


def read_inclusion_csv(raw: bytes) -> list[Row]:
    """parse_inclusion_csv run in the limited child process; a child past its limits is a French ValidationError."""
    try:
        answer = sandbox.run_module(
            "pilote.contracts.inclusion", raw, memory_bytes=MEMORY_BYTES, cpu_seconds=CPU_SECONDS
        )
    except sandbox.ChildFailed as failure:
        if failure.refused:
            raise ValidationError(str(failure).split("\n")) from None
        raise ValidationError(f"Le fichier est refusé : {failure}.") from None
    return [Row(siret, name, tuple(kinds), *rest) for siret, name, kinds, *rest in answer]


def _in_child(raw: bytes) -> list:
    try:
        rows = parse_inclusion_csv(raw)
    except ValidationError as error:
        raise sandbox.Refused("\n".join(error.messages)) from None
    return [astuple(r) for r in rows]


def _rows(reader, at) -> tuple[dict[str, Row], list[str]]:
    found: dict[str, Row] = {}
    errors = []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            raise ValidationError(f"Le fichier dépasse {MAX_ROWS} lignes.")
        if not any(cell.strip() for cell in row):
            continue
        parsed, problem = _row(row, at)
        if problem:
            errors.append(f"Ligne {number} : {problem}")
            continue
        previous = found.get(parsed.siret)
        if previous is not None:  # the ASP list repeats a SIRET per measure (ACI + AI) or per département
            kinds = tuple(dict.fromkeys(previous.kinds + parsed.kinds))
            parsed = Row(previous.siret, previous.name or parsed.name, kinds, previous.departement,
                         previous.postal_code, previous.naf or parsed.naf)  # fmt: skip
        found[parsed.siret] = parsed
    return found, errors


def _row(row: list[str], at: dict) -> tuple[Row | None, str | None]:
    raw_siret = _cell(row, at["siret"])
    problem = siret_problem(raw_siret)
    if problem:
        return None, problem if raw_siret else "SIRET manquant."
    kinds = tuple(k.strip().upper() for k in _cell(row, at["kind"]).replace("/", ",").split(",") if k.strip())
    unknown = [k for k in kinds if k not in KINDS]
    if not kinds or unknown:
        allowed = ", ".join(KINDS)
        return None, f"type « {', '.join(unknown) or ''} » inconnu (attendu : {allowed})."
    postal = "".join(_cell(row, at["postal"]).split())[:5]
    naf = _cell(row, at["naf"]).replace(".", "").upper()[:6]
    siret = normalize_siret(raw_siret)
    name = _cell(row, at["name"])[:255]
    return Row(siret, name, kinds, _departement(_cell(row, at["departement"]), postal), postal, naf), None


def family(kinds: str) -> str:
    """« SIAE (ACI, AI) », « EA », « ESAT »: the families of a structure's kinds, with the SIAE measures."""
    parts = [k for k in kinds.split(",") if k]
    siae = [k for k in parts if KINDS.get(k) == "SIAE" and k != "SIAE"]
    labels = []
    if any(KINDS.get(k) == "SIAE" for k in parts):
        labels.append(f"SIAE ({', '.join(siae)})" if siae else "SIAE")
    labels += sorted({KINDS[k] for k in parts if KINDS.get(k) in ("EA", "ESAT")})
    return ", ".join(labels)


def flag_inclusive(organisation, suppliers: list[dict], *, id_key="siret") -> list[dict]:
    """Add `inclusive` (« SIAE (EI) », « EA »…, or None) and complete a missing name from the list, in place: a
    supplier is flagged when its SIRET, or else its SIREN (the same legal unit), is in the list."""
    sirets = {s[id_key] for s in suppliers if s.get(id_key)}
    if organisation is None or not sirets:
        for s in suppliers:
            s.setdefault("inclusive", None)
        return suppliers
    from pilote.contracts.models import InclusiveStructure  # here: this module is also the parsing child

    rows = InclusiveStructure.objects.filter(organisation=organisation, siren__in={x[:9] for x in sirets})
    by_siret = {r.siret: r for r in rows}
    by_siren = {r.siren: r for r in rows}
    for s in suppliers:
        siret = s.get(id_key) or ""
        found = by_siret.get(siret) or by_siren.get(siret[:9])
        s["inclusive"] = family(found.kinds) if found else None
        if found and found.name and not s.get("name"):
            s["name"] = found.name
            s["name_source"] = "liste des structures inclusives"
    return suppliers


def naf_prefixes(code_cpv: str | None) -> tuple[str, ...]:
    """The NAF prefixes of the activity behind a CPV code (longest CPV prefix known), () when none is known."""
    code = code_cpv or ""
    for length in range(len(code), 1, -1):
        if code[:length] in CPV_TO_NAF:
            return CPV_TO_NAF[code[:length]]
    return ()


def structures_in_area(organisation, *, code_cpv=None, departements=()) -> dict:
    """The list's structures in the area (départements): their count, and those whose activity fits the CPV
    code (named, at most 10). {"count", "fitting": [{siret, name, family, departement}], "has_list"}."""
    if organisation is None:
        return {"has_list": False, "count": 0, "fitting": []}
    from pilote.contracts.models import InclusiveStructure  # here: this module is also the parsing child

    rows = InclusiveStructure.objects.filter(organisation=organisation)
    has_list = rows.exists()
    if departements:
        rows = rows.filter(departement__in=list(departements))
    prefixes = naf_prefixes(code_cpv)
    fitting = [r for r in rows.order_by("name") if prefixes and r.naf.startswith(prefixes)]
    return {
        "has_list": has_list,
        "count": rows.count(),
        "fitting": [
            {"siret": r.siret, "name": r.name, "family": family(r.kinds), "departement": r.departement}
            for r in fitting[:10]
        ],
        "fitting_count": len(fitting),
        "naf": prefixes,
    }


if __name__ == "__main__":
    sandbox.child_main(_in_child)
