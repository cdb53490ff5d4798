"""Reading an organisation's SIRENE extract (CSV): for each establishment (SIRET) or legal unit (SIREN) its
name, its company category (PME / ETI / GE) and its département, whichever of them the file holds.

The INSEE stock files differ: StockUniteLegale has `siren`, `denominationUniteLegale` and `categorieEntreprise`
(a category belongs to the company, so a SIREN row applies to every SIRET of that SIREN); StockEtablissement has
`siret`, `codeCommuneEtablissement` and `codePostalEtablissement` (a place belongs to the establishment). Hand-made
extracts may carry a plain `departement` column. Nothing here writes: see services.do_import_sirene_extract.

The file is hostile input: `read_sirene_csv` parses it in a child process under a memory and CPU limit
(pilote.core.sandbox, `python -m pilote.contracts.sirene`), so that no file can take a worker down.
"""

import csv
import io
import re
from dataclasses import astuple, dataclass
from functools import lru_cache

from django.core.exceptions import ValidationError

from pilote.core import sandbox, uploads


MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
# The child's limits: 500 000 rows (50 MB) parse in about 400 MB and a few seconds.
MEMORY_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 60
# Files above this size are imported by a background task (pilote.explorer.tasks), the page polling its state;
# smaller ones in the request. Both are parsed in the limited child (same rule as the census spreadsheets).
INLINE_BYTES = 100 * 1024
# The upload check (pilote.core.uploads): a CSV or text file of at most MAX_BYTES, without NUL bytes.
UPLOAD_RULES = uploads.UploadRules(extensions=(".csv", ".txt"), max_bytes=lambda: MAX_BYTES)
# Name columns, best first: SIRENE stock files (unités légales / établissements) and common hand-made extracts.
NAME_COLUMNS = (
    "denominationunitelegale",
    "denominationusuelleetablissement",
    "enseigne1etablissement",
    "denomination",
    "raison_sociale",
    "nom_raison_sociale",
    "nom",
    "name",
)
PERSON_COLUMNS = ("prenom1unitelegale", "nomunitelegale")
CATEGORY_COLUMNS = ("categorieentreprise", "categorie_entreprise", "categorie")
COMMUNE_COLUMNS = ("codecommuneetablissement", "code_commune", "codecommune", "commune_code")
POSTAL_COLUMNS = ("codepostaletablissement", "code_postal", "codepostal")
DEPARTEMENT_COLUMNS = ("departement", "code_departement", "departement_code")
CATEGORIES = frozenset({"PME", "ETI", "GE"})
# Départements of the COG: 01-95 (20 split into 2A/2B in 1976), overseas 971-976, and the overseas
# collectivities (975, 977, 978, 984-989) that INSEE codes the same way.
DEPARTEMENT_RE = re.compile(r"(0[1-9]|1[0-9]|2[1-9AB]|[3-8][0-9]|9[0-5]|97[1-8]|98[4-9])")


@dataclass(frozen=True)
class Entry:
    name: str = ""
    categorie: str = ""
    departement: str = ""


NOTHING = Entry()


# Cached: a 500 000-row file repeats a few tens of thousands of codes (parsing time halved, measured).
@lru_cache(maxsize=65536)
def normalise_departement(value: str | None) -> str:
    """A département code as the COG writes it ("1" → "01", "2a" → "2A"), or "" when it is not one."""
    code = (value or "").strip().upper()
    if len(code) == 1 and code.isdigit():
        code = "0" + code
    return code if DEPARTEMENT_RE.fullmatch(code) else ""


@lru_cache(maxsize=65536)
def departement_from_commune(code: str | None) -> str:
    """Département of an INSEE commune code: its first two characters (2A/2B in Corsica), three overseas (97x,
    98x). A postal code is not a commune code: see departement_from_postal."""
    code = (code or "").strip().upper()
    if len(code) != 5:
        return ""
    return normalise_departement(code[:3] if code.startswith(("97", "98")) else code[:2])


@lru_cache(maxsize=65536)
def departement_from_postal(code: str | None) -> str:
    """Département of a postal code, a fallback when the commune code is missing: Corsican codes 200xx-201xx
    are Corse-du-Sud, 202xx-206xx Haute-Corse; overseas codes start with the département (97x). A few
    communes are served by a post office of the next département: the commune code is always preferred."""
    code = (code or "").strip()
    if len(code) != 5 or not code.isdigit():
        return ""
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    return normalise_departement(code[:3] if code.startswith(("97", "98")) else code[:2])


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _first(columns, candidates) -> list[int]:
    return [columns.index(c) for c in candidates if c in columns]


def _cell(row, indexes) -> str:
    for i in indexes:
        if i < len(row):
            value = row[i].strip()
            if value:
                return value
    return ""


def parse_sirene_csv(raw: bytes) -> tuple[dict[str, Entry], int]:
    """(SIRET or SIREN → Entry, number of lines ignored) from a CSV extract; ValidationError in French when the
    file is unusable (nothing is kept from it then)."""
    return _parse(raw)


def read_sirene_csv(raw: bytes) -> tuple[dict[str, Entry], int]:
    """parse_sirene_csv run in the limited child process; a child past its limits is a French ValidationError."""
    try:
        answer = sandbox.run_module("pilote.contracts.sirene", raw, memory_bytes=MEMORY_BYTES, cpu_seconds=CPU_SECONDS)
    except sandbox.ChildFailed as failure:
        raise ValidationError(str(failure) if failure.refused else f"Le fichier est refusé : {failure}.") from None
    return {key: Entry(*values) for key, *values in answer["entries"]}, answer["skipped"]


def _in_child(raw: bytes) -> dict:
    try:
        entries, skipped = parse_sirene_csv(raw)
    except ValidationError as error:
        raise sandbox.Refused(" ".join(error.messages)) from None
    return {"entries": [[key, *astuple(e)] for key, e in entries.items()], "skipped": skipped}


def _parse(raw: bytes) -> tuple[dict[str, Entry], int]:
    if len(raw) > MAX_BYTES:
        raise ValidationError("Le fichier dépasse 50 Mo : importez un extrait limité à vos fournisseurs.")
    content = _decode(raw)
    try:
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content), dialect)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _unreadable(reader.line_num) from error
    if not header:
        raise ValidationError("Le fichier est vide.")
    columns = [h.strip().lower() for h in header]
    if "siret" not in columns and "siren" not in columns:
        raise ValidationError(
            "Colonne « siret » introuvable dans la première ligne du fichier (ou « siren » pour un fichier "
            "d'unités légales)."
        )
    siret_at = columns.index("siret") if "siret" in columns else None
    siren_at = columns.index("siren") if "siren" in columns else None
    name_at, person_at = _first(columns, NAME_COLUMNS), _first(columns, PERSON_COLUMNS)
    category_at = _first(columns, CATEGORY_COLUMNS)
    commune_at, postal_at = _first(columns, COMMUNE_COLUMNS), _first(columns, POSTAL_COLUMNS)
    departement_at = _first(columns, DEPARTEMENT_COLUMNS)
    if not (name_at or person_at or category_at or commune_at or postal_at or departement_at):
        raise ValidationError(
            "Aucune colonne utile trouvée : ajoutez par exemple « denominationUniteLegale » ou « nom » (nom), "
            "« categorieEntreprise » (PME, ETI, GE) ou « codeCommuneEtablissement » (lieu)."
        )
    entries, skipped = {}, 0
    try:
        for number, row in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise ValidationError(f"Le fichier dépasse {MAX_ROWS} lignes : importez un extrait plus petit.")
            key = _key(row, siret_at, siren_at)
            entry = _entry(row, name_at, person_at, category_at, commune_at, postal_at, departement_at)
            if key is None or entry == NOTHING:
                skipped += 1
                continue
            entries[key] = entry
    except csv.Error as error:  # a field past the csv module's limit, a NUL byte, a quote never closed…
        raise _unreadable(reader.line_num) from error
    if not entries:
        raise ValidationError(
            "Aucune ligne utilisable (SIRET de 14 chiffres ou SIREN de 9 chiffres, avec un nom, une catégorie "
            "ou un lieu) dans le fichier."
        )
    return entries, skipped


def _unreadable(line: int) -> ValidationError:
    return ValidationError(
        f"Ligne {line} : le fichier n'est pas un CSV lisible (champ trop long ou caractère invalide) ; exportez "
        "l'extrait SIRENE au format CSV."
    )


def _key(row, siret_at, siren_at) -> str | None:
    """The row's SIRET when valid, else its SIREN (a legal unit's row), else None."""
    for at, length in ((siret_at, 14), (siren_at, 9)):
        if at is not None and at < len(row):
            value = "".join(row[at].split())
            if len(value) == length and value.isdigit():
                return value
    return None


def _entry(row, name_at, person_at, category_at, commune_at, postal_at, departement_at) -> Entry:
    name = _cell(row, name_at)
    if not name and person_at:
        name = " ".join(row[i].strip() for i in person_at if i < len(row) and row[i].strip())
    categorie = _cell(row, category_at).upper()
    departement = (
        (commune_at and departement_from_commune(_cell(row, commune_at)))
        or (postal_at and departement_from_postal(_cell(row, postal_at)))
        or (departement_at and normalise_departement(_cell(row, departement_at)))
        or ""
    )
    return Entry(name[:255], categorie if categorie in CATEGORIES else "", departement)


if __name__ == "__main__":
    sandbox.child_main(_in_child)
