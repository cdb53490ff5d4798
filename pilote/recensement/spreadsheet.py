"""Reading a census spreadsheet (XLSX, XLS, ODS with python-calamine; CSV with the csv module) into checked
rows. Headers are matched tolerantly (accents, case, spaces, units, synonyms); every row gets French messages
naming its line and column. Nothing is written here: services.do_import_needs imports the result.

What is refused as a whole (FileRefused): not a spreadsheet, too big, no header row, required column missing.
What is reported per row (errors block the row): unreadable amounts and dates, unknown CPV or service, merged
cells, formulas without a computed value, duplicates (in the file or already declared). Empty rows are skipped.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

from pilote.core import sandbox, uploads
from pilote.recensement import cells, values as V


MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
# Spreadsheets above this size are read by a background task (pilote.recensement.tasks), the page showing its
# state; smaller ones inline. Both read in the limited child process (pilote.recensement.cells).
INLINE_BYTES = 100 * 1024
# The upload check (pilote.core.uploads): any name, the content decides (sniff_kind); XLSX and ODS are zip
# archives, bounded before calamine opens them.
UPLOAD_RULES = uploads.UploadRules(
    extensions=None,
    max_bytes=MAX_BYTES,
    max_uncompressed_bytes=cells.MAX_TOTAL_BYTES,
    max_member_bytes=cells.MAX_PART_BYTES,
    verify_inflated_size=True,
)
HEADER_SCAN_ROWS = 15

# Field -> synonyms (folded). Stop words and units are dropped before matching (see _key).
COLUMNS = {
    "service": ("service", "service demandeur", "direction", "direction service", "entite", "service prescripteur"),
    "objet": ("objet", "objet besoin", "objet achat", "intitule", "besoin", "libelle", "objet marche"),
    "description": ("description", "description besoin", "detail", "precisions", "commentaire", "observations"),
    "code_cpv": ("cpv", "code cpv", "code cpv 2008", "nomenclature cpv"),
    "montant_estime": (
        "montant",
        "montant estime",
        "montant annuel",
        "montant estime annuel",
        "estimation",
        "budget",
        "budget estime",
        "valeur estimee",
        "cout estime",
    ),
    "recurrence": ("recurrence", "frequence", "periodicite", "recurrent"),
    "date_souhaitee": (
        "date souhaitee",
        "date",
        "date besoin",
        "date lancement",
        "date debut souhaitee",
        "date notification souhaitee",
        "echeance souhaitee",
    ),
    "site": ("site", "lieu", "lieu livraison", "lieu execution", "etablissement", "batiment"),
    "contrat_en_cours": (
        "contrat en cours",
        "marche en cours",
        "contrat actuel",
        "marche actuel",
        "reference contrat",
    ),
    "date_fin_contrat": ("date fin contrat", "fin contrat", "fin marche", "date fin marche", "echeance contrat"),
    "renouvellement": ("renouvellement", "a renouveler", "renouveler"),
}
LABELS = {
    "service": "Service",
    "objet": "Objet",
    "description": "Description",
    "code_cpv": "Code CPV",
    "montant_estime": "Montant estimé (€ HT)",
    "recurrence": "Récurrence",
    "date_souhaitee": "Date souhaitée",
    "site": "Site",
    "contrat_en_cours": "Contrat en cours",
    "date_fin_contrat": "Date de fin du contrat",
    "renouvellement": "Renouvellement",
}
REQUIRED = ("objet", "montant_estime")
_DROP = {"du", "de", "la", "le", "les", "d", "l", "des", "en", "a", "au", "aux", "ht", "ttc", "eur", "euros", "e"}


class FileRefused(ValueError):
    """The whole file is refused (French message for the user); nothing can be imported from it."""


@dataclass
class Row:
    line: int  # line number as the user sees it in their spreadsheet (1-based)
    values: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass
class Parsed:
    rows: list
    columns: dict  # field -> header as written
    ignored_columns: list
    skipped_empty: int
    notices: list

    @property
    def valid_rows(self):
        return [r for r in self.rows if r.is_valid]

    @property
    def invalid_rows(self):
        return [r for r in self.rows if not r.is_valid]


def _key(header) -> tuple[str, ...]:
    return tuple(w for w in V.fold(header).split() if w not in _DROP)


def match_header(header) -> str | None:
    """The field a header stands for: exact synonym first, else the longest synonym all of whose words are in
    the header ('Montant estimé annuel 2027' -> montant_estime)."""
    words = _key(header)
    if not words:
        return None
    best, best_len = None, 0
    for name, synonyms in COLUMNS.items():
        for synonym in synonyms:
            syn = _key(synonym)
            if syn == words:
                return name
            if set(syn) <= set(words) and len(syn) > best_len:
                best, best_len = name, len(syn)
    return best


def _read_csv(data: bytes) -> list[list]:
    if b"\x00" in data[:4096]:
        raise FileRefused("Ce fichier n'est pas un tableur lisible (XLSX, ODS ou CSV).")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";"
    rows = []
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        rows.append(row)
        if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS:
            raise FileRefused(f"Fichier trop volumineux : {MAX_ROWS} lignes au plus par import.")
    return rows


def _read_workbook(data: bytes):
    """Cells, merged ranges and formula cells of an XLSX, XLS or ODS file, read in a child process with a memory
    and CPU limit (pilote.recensement.cells): a hostile file can fail its own reading, never the worker."""
    try:
        return cells.read_cells(data)
    except sandbox.ChildFailed as failure:
        if failure.refused:  # a sentence written in full by the reader
            raise FileRefused(str(failure)) from failure
        raise FileRefused(f"Le tableur est refusé : {failure}. Enregistrez-le en XLSX, ODS ou CSV.") from failure


def sniff_kind(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                mimetype = archive.read("mimetype").decode(errors="ignore") if "mimetype" in names else ""
        except zipfile.BadZipFile as error:
            raise FileRefused("Ce fichier compressé est abîmé : il n'a pas pu être lu.") from error
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "spreadsheet" in mimetype:
            return "ods"
        raise FileRefused(
            "Ce fichier n'est pas un tableur (XLSX, ODS ou CSV) : c'est une autre archive ou un document."
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        raise FileRefused("Ce fichier n'est pas un tableur (XLSX, ODS ou CSV).")
    return "csv"


def read_table(data: bytes) -> tuple[list[list], list, set]:
    """All the cells of the first sheet, the merged ranges and the formula cells."""
    if not data:
        raise FileRefused("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"Fichier trop volumineux ({len(data) // 1024} Ko) : {MAX_BYTES // (1024 * 1024)} Mo au plus."
        )
    kind = sniff_kind(data)
    if kind == "csv":
        return _read_csv(data), [], set()
    return _read_workbook(data)


def _find_header(rows) -> int:
    """The header row: the first with two known headers, else the first with one (its missing columns are then
    named in the refusal, which helps more than "no header found")."""
    found = [{match_header(cell) for cell in row if not V.is_blank(cell)} - {None} for row in rows[:HEADER_SCAN_ROWS]]
    for needed in (2, 1):
        for index, names in enumerate(found):
            if len(names) >= needed and names & {"objet", "montant_estime", "service"}:
                return index
    raise FileRefused(
        "Aucune ligne d'en-têtes reconnue dans les premières lignes : le fichier doit avoir une ligne de titres de "
        "colonnes (Service, Objet, Montant estimé…). Téléchargez le modèle pour voir la forme attendue."
    )


def need_key(service: str, objet: str, montant, site: str) -> tuple:
    """What makes two needs the same (duplicates): service, object, amount and site."""
    return (V.fold(service), V.fold(objet), str(montant), V.fold(site))


def _merged_lookup(merged) -> dict:
    """(row, col) of every cell covered by a merged range but not its top-left one -> range as 'A2:A4'."""
    covered = {}
    for (r0, c0), (r1, c1) in merged:
        label = f"{cells.col_letter(c0)}{r0 + 1}:{cells.col_letter(c1)}{r1 + 1}"
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) != (r0, c0):
                    covered[(r, c)] = label
    return covered


PARSERS = {
    "service": lambda v: V.text_value(v, 200),
    "objet": lambda v: V.text_value(v, 300),
    "description": lambda v: V.text_value(v, 5000),
    "code_cpv": V.parse_cpv,
    "montant_estime": V.parse_amount,
    "recurrence": V.parse_recurrence,
    "date_souhaitee": V.parse_date,
    "site": lambda v: V.text_value(v, 200),
    "contrat_en_cours": lambda v: V.text_value(v, 200),
    "date_fin_contrat": V.parse_date,
    "renouvellement": V.parse_bool,
}


def parse(
    data: bytes | None,
    *,
    services: list[str],
    default_service: str | None = None,
    existing=frozenset(),
    cells: tuple | None = None,
) -> Parsed:
    """Read and check a census file. `services`: names of the services invited to the campaign; rows without a
    service column (or with it empty) go to `default_service`. `existing`: need_key() of needs already declared.
    `cells`: what read_table gave, when the file was read earlier (by the background task)."""
    table, merged, formulas = cells if cells is not None else read_table(data)
    header_index = _find_header(table)
    header = table[header_index]
    columns, positions, ignored, notices = {}, {}, [], []
    for col, cell in enumerate(header):
        if V.is_blank(cell):
            continue
        name = match_header(cell)
        written = V.text_value(cell, 200)
        if name is None:
            ignored.append(written)
        elif name in columns:
            notices.append(f"Colonne « {written} » : même sens que « {columns[name]} », ignorée.")
        else:
            columns[name], positions[name] = written, col
    missing = [LABELS[name] for name in REQUIRED if name not in columns]
    if "service" not in columns and not default_service:
        missing.insert(0, "Service (ou choisissez le service dans le formulaire)")
    if missing:
        raise FileRefused(
            "Colonne(s) obligatoire(s) absente(s) : "
            + ", ".join(missing)
            + ". Colonnes lues : "
            + (", ".join(f"« {c} »" for c in columns.values()) or "aucune reconnue")
            + ". Téléchargez le modèle pour voir les en-têtes attendus."
        )
    if ignored:
        notices.append("Colonne(s) non reconnue(s), ignorée(s) : " + ", ".join(f"« {c} »" for c in ignored) + ".")
    if len(table) - header_index - 1 > MAX_ROWS:
        raise FileRefused(f"Fichier trop volumineux : {MAX_ROWS} lignes au plus par import.")
    by_folded = {V.fold(name): name for name in services}
    covered = _merged_lookup(merged)
    rows, skipped, seen = [], 0, {}
    for r in range(header_index + 1, len(table)):
        cells = table[r]
        raw = {name: (cells[c] if c < len(cells) else None) for name, c in positions.items()}
        if all(V.is_blank(v) for v in cells):
            skipped += 1
            continue
        row = Row(line=r + 1)
        for name, col in positions.items():
            where = f"Ligne {row.line}, colonne « {columns[name]} »"
            if (r, col) in covered:
                row.errors.append(
                    f"{where} : cellule fusionnée ({covered[(r, col)]}) ; défusionnez-la et recopiez la valeur sur "
                    "chaque ligne."
                )
                continue
            value = raw[name]
            if (r, col) in formulas:
                if V.is_blank(value) or value == 0:
                    row.errors.append(
                        f"{where} : formule sans valeur calculée ; remplacez-la par sa valeur (copier, collage "
                        "spécial « valeurs »)."
                    )
                    continue
                row.warnings.append(f"{where} : formule, sa valeur calculée ({value}) a été reprise.")
            if V.is_blank(value):
                if name in REQUIRED:
                    row.errors.append(f"{where} : valeur obligatoire manquante.")
                continue
            try:
                row.values[name] = PARSERS[name](value)
            except ValueError as error:
                row.errors.append(f"{where} : {error}.")
        service = row.values.pop("service", "") or default_service or ""
        if not service:
            row.errors.append(f"Ligne {row.line}, colonne « {columns.get('service', 'Service')} » : service manquant.")
        elif V.fold(service) not in by_folded:
            row.errors.append(
                f"Ligne {row.line}, colonne « {columns.get('service', 'Service')} » : le service « {service} » "
                f"n'est pas invité à cette campagne (services invités : {', '.join(services)})."
            )
        else:
            row.values["service"] = by_folded[V.fold(service)]
        if row.is_valid:
            key = need_key(
                row.values["service"], row.values["objet"], row.values["montant_estime"], row.values.get("site", "")
            )
            if key in seen:
                row.errors.append(
                    f"Ligne {row.line} : doublon de la ligne {seen[key]} (même service, objet, montant et site)."
                )
            elif key in existing:
                row.errors.append(
                    f"Ligne {row.line} : ce besoin est déjà déclaré dans la campagne (même service, objet, montant et site)."
                )
            else:
                seen[key] = row.line
        rows.append(row)
    if not rows:
        raise FileRefused("Le fichier ne contient aucune ligne de besoin sous la ligne d'en-têtes.")
    return Parsed(rows=rows, columns=columns, ignored_columns=ignored, skipped_empty=skipped, notices=notices)
