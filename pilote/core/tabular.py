"""The one tabular export helper: CSV as French spreadsheet software opens it and XLSX through xlsxwriter, with
spreadsheet formulas neutralised in both. Every export of every app goes through it (a test walks them all).

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would run as a formula when the
file is opened (formula injection: « =HYPERLINK(...) » in a contract object). So:

- CSV: such a text gets a leading apostrophe (`'=1+1`), which spreadsheet software shows as text;
- XLSX: every text is written with `write_string` (never `write`, which turns « =… » into a formula), and the
  workbook is opened with `strings_to_formulas`, `strings_to_urls` and `strings_to_numbers` off as a second
  guard. Numbers, dates and booleans stay typed.

**French spreadsheets** (one place decides, decision 0010): CSV in UTF-8 with a BOM, `;` between cells, `,` as
the decimal mark (« 1234,5 »), « oui »/« non » for booleans, dates as « 31/12/2026 »; XLSX cells typed: numbers
as numbers, dates as dates. A column (or one cell, `Typed(value, kind)`) may say what it holds, one of KINDS:
« amount » (euros: `#,##0.00 "€"` in XLSX, which French Excel shows as « 1 234,50 € »), « share » (a fraction
0–1: percent format in XLSX, « 12,5 % » in CSV, to four decimals of a percent), « integer », « number », « text », « date », « bool ».

CSV rows are produced line by line (`csv_lines`), so a view can stream them (`csv_response(stream=True)`)."""

import csv
import datetime as dt
import io
import math
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import NamedTuple

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


KINDS = ("text", "integer", "number", "amount", "share", "date", "bool")
EURO_FORMAT = '#,##0.00 "€"'  # stored with US marks, shown by French Excel as « 1 234,50 € »
PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"


class Typed(NamedTuple):
    """One cell whose kind differs from its column's (an indicator's value: a share on one row, euros on the
    next)."""

    value: object
    kind: str


def _unwrap(value, kind):
    if isinstance(value, Typed):
        return value.value, value.kind
    return value, kind


def french_number(value, *, decimals: int | None = None) -> str:
    """« 1234,5 »: no thousands separator (the cell stays a number for French spreadsheet software), `,` as the
    decimal mark, never an exponent; NaN and infinities give ""."""
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if not number.is_finite():
        return ""
    if decimals is not None:
        number = round(number, decimals)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def csv_cell(value, kind: str | None = None):
    """One CSV cell as French spreadsheet software reads it: None → empty, booleans « oui »/« non », numbers
    with a `,` (shares as « 12,5 % »), dates « 31/12/2026 », texts with formulas neutralised."""
    value, kind = _unwrap(value, kind)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | Decimal):
        if kind == "share":  # « 12,5 % », to four decimals of a percent (what a reuser may recompute)
            text = french_number(value * 100, decimals=4)
            return f"{text} %" if text else ""
        return french_number(value, decimals=2 if kind == "amount" else None)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = text_of(value)
    return "'" + text if is_formula_like(text) else text


def _kinds_for(kinds, n: int) -> Sequence:
    return kinds if kinds is not None else (None,) * n


class _Line:
    """A file-like object that hands back what csv.writer wrote for one row."""

    def write(self, text: str) -> str:
        return text


def csv_lines(
    header: Sequence | None, rows: Iterable[Sequence], *, bom: bool = True, kinds: Sequence | None = None
) -> Iterator[str]:
    """The CSV text, line by line: BOM, header, then each row (every cell through `csv_cell`, with the kind of
    its column when `kinds` is given)."""
    writer = csv.writer(_Line(), delimiter=";")
    if bom:
        yield BOM
    if header is not None:
        yield writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        row_kinds = _kinds_for(kinds, len(row))
        yield writer.writerow([csv_cell(v, row_kinds[i] if i < len(row_kinds) else None) for i, v in enumerate(row)])


def csv_text(header: Sequence | None, rows: Iterable[Sequence], *, bom: bool = True, kinds=None) -> str:
    return "".join(csv_lines(header, rows, bom=bom, kinds=kinds))


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    filename: str, header: Sequence | None, rows: Iterable[Sequence], *, stream: bool = False, kinds=None
):
    """A CSV download; `stream=True` sends the lines as they are produced (rows may then be a generator)."""
    lines = csv_lines(header, rows, kinds=kinds)
    if stream:
        return _attachment(StreamingHttpResponse(lines, content_type=CSV_CONTENT_TYPE), filename)
    return _attachment(HttpResponse("".join(lines), content_type=CSV_CONTENT_TYPE), filename)


def csv_text_response(filename: str, text: str) -> HttpResponse:
    """A download of CSV text already written by csv_text (an open-data publication in its schema's columns)."""
    return _attachment(HttpResponse(text, content_type=CSV_CONTENT_TYPE), filename)


def xlsx_response(filename: str, content: bytes) -> HttpResponse:
    return _attachment(HttpResponse(content, content_type=XLSX_CONTENT_TYPE), filename)


class Sheet:
    """A worksheet whose `write` never makes a formula. Layout methods of xlsxwriter (set_column, freeze_panes,
    write_comment, autofilter…) are reached through the underlying worksheet; its other `write_*` methods are
    not (`write_formula`, `write_url` and `write_column` would bypass the neutralisation)."""

    _PASSED_WRITES = frozenset({"write_comment", "write_blank"})

    def __init__(self, book: "Workbook", worksheet):
        self._book = book
        self.worksheet = worksheet

    def __getattr__(self, name):
        if name.startswith("write") and name not in self._PASSED_WRITES:
            raise AttributeError(f"Sheet.{name} : utilisez Sheet.write (les formules y sont neutralisées)")
        return getattr(self.worksheet, name)

    def write(self, row: int, col: int, value, cell_format=None, kind: str | None = None) -> None:
        """Typed cell: number (euro or percent format for the « amount » and « share » kinds), date (dd/mm/yyyy
        unless a format is given), boolean, or text (always a string)."""
        value, kind = _unwrap(value, kind)
        ws = self.worksheet
        if value is None:
            if cell_format is not None:
                ws.write_blank(row, col, None, cell_format)
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value, cell_format)
        elif isinstance(value, int | float | Decimal):
            if math.isfinite(value):
                ws.write_number(row, col, float(value), cell_format or self._book.number_format(kind))
            else:  # NaN or infinity: no number to show
                ws.write_blank(row, col, None, cell_format)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(row, col, value, cell_format or self._book.datetime_format)
        elif isinstance(value, dt.date):
            ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), cell_format or self._book.date_format)
        else:
            ws.write_string(row, col, text_of(value), cell_format)

    def write_row(self, row: int, values: Iterable, cell_format=None, *, first_col: int = 0, kinds=None) -> None:
        values = list(values)
        row_kinds = _kinds_for(kinds, len(values))
        for offset, value in enumerate(values):
            kind = row_kinds[offset] if offset < len(row_kinds) else None
            self.write(row, first_col + offset, value, cell_format, kind)

    def merge_range(self, first_row, first_col, last_row, last_col, value, cell_format=None) -> None:
        """Merged cells whose value goes through `write` (xlsxwriter's own would make « =… » a formula)."""
        self.worksheet.merge_range(first_row, first_col, last_row, last_col, "", cell_format)
        self.write(first_row, first_col, value, cell_format)


class Workbook:
    """An in-memory XLSX workbook: `add_sheet(name)`, `add_format(...)`, then `close()` gives the bytes."""

    def __init__(self):
        import xlsxwriter  # here: 21 ms of every process's start-up (apps' registrations import this module)

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
        self.euro_format = self.book.add_format({"num_format": EURO_FORMAT})
        self.percent_format = self.book.add_format({"num_format": PERCENT_FORMAT})
        self.integer_format = self.book.add_format({"num_format": INTEGER_FORMAT})

    def number_format(self, kind: str | None):
        return {"amount": self.euro_format, "share": self.percent_format, "integer": self.integer_format}.get(kind)

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


def xlsx_bytes(header: Sequence | None, rows: Iterable[Sequence], *, sheet_name: str = "Export", kinds=None) -> bytes:
    """A one-sheet workbook: the header in bold, then the rows (typed by `kinds` when given)."""
    book = Workbook()
    sheet = book.add_sheet(sheet_name)
    start = 0
    if header is not None:
        sheet.write_row(0, header, book.add_format({"bold": True}))
        start = 1
    for r, row in enumerate(rows, start=start):
        sheet.write_row(r, row, kinds=kinds)
    return book.close()
