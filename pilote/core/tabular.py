"""The one tabular export helper: CSV as French spreadsheet software opens it (UTF-8 with a BOM, `;`) and XLSX
through xlsxwriter, with spreadsheet formulas neutralised in both.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula when the
file is opened (formula injection: « =HYPERLINK(...) » in a contract object). So:

- CSV: such a text gets a leading apostrophe (`'=1+1`), which spreadsheet software shows as text;
- XLSX: every text is written with `write_string` (never `write`, which turns « =… » into a formula), and the
  workbook is opened with `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` off as a second
  guard. Numbers, dates and booleans stay typed.

CSV rows are produced line by line (`csv_lines`), so a view can stream them (`csv_response(stream=True)`)."""

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse, StreamingHttpResponse


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"  # spreadsheet software then reads the accents right
LIST_SEPARATOR = " ; "


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def text_of(value) -> str:
    """A list or tuple as « a ; b », anything else as str()."""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join("" if v is None else str(v) for v in value)
    return str(value)


def csv_cell(value):
    """One CSV cell: None → empty, dates in ISO form, numbers as they are, texts with formulas neutralised."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):  # bool included, written True/False as before
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = text_of(value)
    return "'" + text if is_formula_like(text) else text


class _Line:
    """A file-like object that hands back what csv.writer wrote for one row."""

    def write(self, text: str) -> str:
        return text


def csv_lines(header: Sequence | None, rows: Iterable[Sequence], *, bom: bool = True) -> Iterator[str]:
    """The CSV text, line by line: BOM, header, then each row (every cell through `csv_cell`)."""
    writer = csv.writer(_Line(), delimiter=";")
    if bom:
        yield BOM
    if header is not None:
        yield writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        yield writer.writerow([csv_cell(v) for v in row])


def csv_text(header: Sequence | None, rows: Iterable[Sequence], *, bom: bool = True) -> str:
    return "".join(csv_lines(header, rows, bom=bom))


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, header: Sequence | None, rows: Iterable[Sequence], *, stream: bool = False):
    """A CSV download; `stream=True` sends the lines as they are produced (rows may then be a generator)."""
    lines = csv_lines(header, rows)
    if stream:
        return _attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)
    return _attachment(HttpResponse("".join(lines), content_type=CSV_CONTENT_TYPE), filename)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    return _attachment(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), filename)


class Sheet:
    """A worksheet whose `write` never makes a formula. Other xlsxwriter methods (set_column, freeze_panes,
    write_comment, merge_range…) are reached through the underlying worksheet."""

    def __init__(self, book: "Workbook", worksheet):
        self._book = book
        self.worksheet = worksheet

    def __getattr__(self, name):
        return getattr(self.worksheet, name)

    def write(self, row: int, col: int, value, cell_format=None) -> None:
        """Typed cell: number, date (dd/mm/yyyy unless a format is given), boolean, or text (always a string)."""
        ws = self.worksheet
        if value is None:
            if cell_format is not None:
                ws.write_blank(row, col, None, cell_format)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            if math.isfinite(value):
                ws.write_number(row, col, float(value), cell_format)
            else:  # NaN or infinity: no number to show
                ws.write_blank(row, col, None, cell_format)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, cell_format or self._book.datetime_format)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), cell_format or self._book.date_format)
        else:
            ws.write_string(row, col, text_of(value), cell_format)

    def write_row(self, row: int, values: Iterable, cell_format=None, *, first_col: int = 0) -> None:
        for col, value in enumerate(values, start=first_col):
            self.write(row, col, value, cell_format)


class Workbook:
    """An in-memory XLSX workbook: `add_sheet(name)`, `add_format(...)`, then `close()` gives the bytes."""

    def __init__(self):
        self._buffer = io.BytesIO()
        self.book = xlsxwriter.Workbook(
            self._buffer,
            {
                "in_memory": True,
                "remove_timezone": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.date_format = self.book.add_format({"num_format": "dd/mm/yyyy"})
        self.datetime_format = self.book.add_format({"num_format": "dd/mm/yyyy hh:mm"})

    def add_format(self, properties: dict | None = None):
        return self.book.add_format(properties or {})

    def add_sheet(self, name: str = "Export") -> Sheet:
        return Sheet(self, self.book.add_worksheet(safe_sheet_name(name)))

    def close(self) -> bytes:
        self.book.close()
        return self._buffer.getvalue()


def safe_sheet_name(name: str) -> str:
    """Excel's sheet-name rules: 31 characters at most, none of []:*?/\\, not empty."""
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in name or "").strip("'")[:31]
    return cleaned or "Export"


def xlsx_bytes(header: Sequence | None, rows: Iterable[Sequence], *, sheet_name: str = "Export") -> bytes:
    """A one-sheet workbook: the header in bold, then the rows."""
    book = Workbook()
    sheet = book.add_sheet(sheet_name)
    start = 0
    if header is not None:
        sheet.write_row(0, header, book.add_format({"bold": True}))
        start = 1
    for r, row in enumerate(rows, start=start):
        sheet.write_row(r, row)
    return book.close()
