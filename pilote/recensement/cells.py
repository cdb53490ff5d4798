"""The cells of a census workbook (XLSX, XLS, ODS), read in a child process under a memory and CPU limit
(pilote.core.sandbox): `python -m pilote.recensement.cells` reads the file on stdin and answers the cells of its
first sheet, its merged ranges and its formula cells as JSON. spreadsheet.read_table calls it through
`read_cells`.

Before python-calamine sees the file, the first sheet's XML is scanned as a stream through the archive's
budget (pilote.core.uploads.Budget: every part and the whole archive bounded on the bytes really inflated):
a cell holding a value beyond the rows a census may have or beyond MAX_COLS columns refuses the file, because
calamine allocates the whole rectangle from A1 to the farthest cell (two cells, A1 and XFD1048576, ask for
550 GB). The scan also collects the formula cells and, for ODS, the merged ranges (calamine reports neither)."""

import datetime as dt
import io
import json
import re
import zipfile

from defusedxml import DefusedXmlException, ElementTree as ET

from pilote.core import sandbox, uploads


MAX_ROWS = 2000 + 15  # spreadsheet.MAX_ROWS + HEADER_SCAN_ROWS (checked equal by a test)
MAX_COLS = 200
MAX_PART_BYTES = 25 * 1024 * 1024  # one part of the archive, inflated (a full census sheet is about 3 MB)
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # all its parts
MEMORY_BYTES = 768 * 1024 * 1024  # the child's address space: python-calamine stays far below on a real file
CPU_SECONDS = 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _too_far(row: int, col: int) -> None:
    if row >= MAX_ROWS:
        raise sandbox.Refused(
            f"Fichier trop volumineux : la feuille a des valeurs jusqu'à la ligne {row + 1} "
            f"({MAX_ROWS - 15} lignes de besoins au plus par import)."
        )
    if col >= MAX_COLS:
        raise sandbox.Refused(
            f"La feuille a des valeurs jusqu'à la colonne {col_letter(col)} ({MAX_COLS} colonnes au plus) : "
            "gardez seulement les colonnes du recensement."
        )


def _budget() -> uploads.Budget:
    return uploads.Budget("Le tableur", total_bytes=MAX_TOTAL_BYTES, part_bytes=MAX_PART_BYTES)


def _first_sheet_name(archive: zipfile.ZipFile, budget: uploads.Budget) -> str | None:
    """The part of the workbook's first sheet (the one calamine reads), from workbook.xml and its relations."""
    names = set(archive.namelist())
    try:
        book = ET.fromstring(uploads.read_member(archive, "xl/workbook.xml", budget))
        rels = ET.fromstring(uploads.read_member(archive, "xl/_rels/workbook.xml.rels", budget))
        first = next(book.iter(f"{_MAIN}sheet")).get(f"{_REL}id")
        target = next(r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship") if r.get("Id") == first)
        name = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if name in names:
            return name
    except (KeyError, StopIteration, AttributeError, ET.ParseError):
        pass
    sheets = [n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
    return min(sheets, key=lambda n: int(re.search(r"(\d+)\.xml", n)[1])) if sheets else None


def _bound_all(archive: zipfile.ZipFile) -> None:
    """Inflate every part as a stream, nothing kept: calamine also reads shared strings, styles, content."""
    budget = _budget()
    for member in archive.infolist():
        with uploads.open_member(archive, member, budget) as stream:
            while stream.read(uploads.CHUNK):
                pass


def _elements(stream):
    """iterparse's (event, element, parent); an ended element is detached from its parent by the caller's
    `parent.remove(element)`, so that a long sheet does not stay in memory."""
    stack = []
    for event, elem in ET.iterparse(stream, events=("start", "end")):
        if event == "start":
            parent = stack[-1] if stack else None
            stack.append(elem)
        else:
            stack.pop()
            parent = stack[-1] if stack else None
        yield event, elem, parent


def _cell_ref(ref: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"([A-Z]{1,3})(\d{1,10})", ref or "")
    if not m:
        return None
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return int(m[2]) - 1, col - 1


def scan_xlsx(archive: zipfile.ZipFile, budget: uploads.Budget) -> set[tuple[int, int]]:
    """Refuses a first sheet with values too far; returns its formula cells (row, col), 0-based."""
    name = _first_sheet_name(archive, budget)
    formulas = set()
    if name is None:
        return formulas
    row, col = -1, -1
    with uploads.open_member(archive, name, budget) as stream:
        for event, elem, parent in _elements(stream):
            if event == "start":
                if elem.tag == f"{_MAIN}row":
                    row = int(elem.get("r") or row + 2) - 1
                    col = -1
                elif elem.tag == f"{_MAIN}c":
                    position = _cell_ref(elem.get("r", ""))  # the cell's own reference wins, as for calamine
                    row, col = position if position else (row, col + 1)
                continue
            if elem.tag == f"{_MAIN}c":
                if any(child.tag in (f"{_MAIN}v", f"{_MAIN}is", f"{_MAIN}f") for child in elem):
                    _too_far(row, col)
                if any(child.tag == f"{_MAIN}f" for child in elem):
                    formulas.add((row, col))
            elif elem.tag == f"{_MAIN}row" and parent is not None:
                parent.remove(elem)
    return formulas


def scan_ods(archive: zipfile.ZipFile, budget: uploads.Budget) -> tuple[set, list]:
    """Refuses a first table with values too far (repeated rows and columns counted); returns its formula cells
    and merged ranges."""
    formulas, merged = set(), []
    row, depth = 0, 0
    with uploads.open_member(archive, "content.xml", budget) as stream:
        for event, elem, parent in _elements(stream):
            if elem.tag == f"{_TABLE}table":
                depth += 1 if event == "start" else -1
                if event == "end" and depth == 0:
                    break  # the first table only
                continue
            if event != "end" or depth != 1:
                continue
            if elem.tag == f"{_TABLE}table-row":
                repeat = int(elem.get(f"{_TABLE}number-rows-repeated", "1"))
                if _ods_row(elem, row, formulas, merged):
                    _too_far(row + repeat - 1, 0)
                row += repeat
                parent.remove(elem)
    return formulas, merged


def _ods_row(elem, row: int, formulas: set, merged: list) -> bool:
    """Collects a row's formulas and merges; True when the row holds a value (its repetitions count then)."""
    col, has_value = 0, False
    for cell in elem:
        repeat = int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
        if cell.get(f"{_OFFICE}value-type") or len(cell):
            has_value = True
            _too_far(row, col + repeat - 1)
        if cell.get(f"{_TABLE}formula"):
            formulas.add((row, col))
        rows_spanned = int(cell.get(f"{_TABLE}number-rows-spanned", "1"))
        cols_spanned = int(cell.get(f"{_TABLE}number-columns-spanned", "1"))
        if rows_spanned > 1 or cols_spanned > 1:
            merged.append(((row, col), (row + rows_spanned - 1, col + cols_spanned - 1)))
        col += repeat
    return has_value


def _encode(value):
    """A cell for JSON: dates and durations tagged so that the parent gets the same Python values back."""
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"seconds": value.total_seconds()}
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def decode(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        if "time" in value:
            return dt.time.fromisoformat(value["time"])
        return dt.timedelta(seconds=value["seconds"])
    return value


def read_in_child(data: bytes) -> dict:
    """The child's handler: scan, then python-calamine; cells, merged ranges and formula cells as JSON."""
    from python_calamine import CalamineError, load_workbook

    formulas, ods_merged = set(), []
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                _bound_all(archive)
                if "xl/workbook.xml" in archive.namelist():
                    formulas = scan_xlsx(archive, _budget())
                else:
                    formulas, ods_merged = scan_ods(archive, _budget())
        except uploads.UploadRefused as refusal:
            # The child does not know the file's name: « Le tableur » est refusé… reads « Le tableur est refusé… ».
            raise sandbox.Refused(refusal.messages[0].replace("« Le tableur » est", "Le tableur est")) from refusal
        except (KeyError, ValueError, ET.ParseError, DefusedXmlException, zipfile.BadZipFile) as error:
            raise sandbox.Refused(
                f"Le tableur n'a pas pu être lu ({type(error).__name__}) : enregistrez-le en XLSX, ODS ou CSV."
            ) from error
    try:
        sheet = load_workbook(io.BytesIO(data)).get_sheet_by_index(0)
        if sheet.total_height > MAX_ROWS or sheet.total_width > MAX_COLS:
            _too_far(sheet.total_height - 1, min(sheet.total_width - 1, MAX_COLS))
        rows = sheet.to_python(skip_empty_area=False)
        merged = [list(map(list, r)) for r in sheet.merged_cell_ranges or []]
    except (CalamineError, ValueError, OSError, zipfile.BadZipFile) as error:
        raise sandbox.Refused(
            f"Le tableur n'a pas pu être lu ({type(error).__name__}) : enregistrez-le en XLSX, ODS ou CSV."
        ) from error
    return {
        "rows": [[_encode(v) for v in row] for row in rows],
        "merged": merged or [list(map(list, m)) for m in ods_merged],
        "formulas": sorted(formulas),
    }


def dumps(table, merged, formulas) -> bytes:
    """What read_table gives, as JSON (kept beside a staged file by the background read)."""
    return json.dumps(
        {
            "rows": [[_encode(v) for v in row] for row in table],
            "merged": [[list(a), list(b)] for a, b in merged],
            "formulas": sorted(formulas),
        },
        ensure_ascii=False,
    ).encode()


def loads(raw: bytes) -> tuple[list[list], list, set]:
    return _decoded(json.loads(raw))


def _decoded(answer: dict) -> tuple[list[list], list, set]:
    rows = [[decode(v) for v in row] for row in answer["rows"]]
    merged = [((a[0], a[1]), (b[0], b[1])) for a, b in answer["merged"]]
    return rows, merged, {tuple(f) for f in answer["formulas"]}


def read_cells(data: bytes) -> tuple[list[list], list, set]:
    """(cells of the first sheet, merged ranges ((r0, c0), (r1, c1)), formula cells), read in a limited child.
    Raises sandbox.ChildFailed with a French reason when the file is refused or too costly to read."""
    answer = sandbox.run_module("pilote.recensement.cells", data, memory_bytes=MEMORY_BYTES, cpu_seconds=CPU_SECONDS)
    return _decoded(answer)


if __name__ == "__main__":
    sandbox.child_main(read_in_child)
