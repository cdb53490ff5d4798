"""Small real census files built in the tests: XLSX (xlsxwriter), ODS (OpenDocument zip written by hand)
and CSV."""

import io
import zipfile
from xml.sax.saxutils import escape

import xlsxwriter


HEADER = ["Service", "Objet", "Code CPV", "Montant estimé (€ HT)", "Date souhaitée", "Site"]


def xlsx(rows, *, header=HEADER, merge=None, formulas=(), title_rows=()) -> bytes:
    """rows: lists of cell values. merge: (first_row, first_col, last_row, last_col, value) in 0-based sheet
    coordinates. formulas: (row, col, formula, cached value or None)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    r = 0
    for title in title_rows:
        sheet.write(r, 0, title)
        r += 1
    sheet.write_row(r, 0, header)
    for row in rows:
        r += 1
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    if merge:
        sheet.merge_range(*merge)
    for row, col, formula, value in formulas:
        if value is None:
            sheet.write_formula(row, col, formula)
        else:
            sheet.write_formula(row, col, formula, None, value)
    book.close()
    return buffer.getvalue()


def csv_bytes(rows, *, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    lines = [delimiter.join(header)] + [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode(encoding)


COVERED = object()  # a cell covered by a merged cell above or to the left


def _ods_cell(value) -> str:
    if value is COVERED:
        return "<table:covered-table-cell/>"
    if isinstance(value, dict) and "rows" in value:  # {"text": "Éducation", "rows": 2}: merged downwards
        return (
            f'<table:table-cell table:number-rows-spanned="{value["rows"]}" office:value-type="string">'
            f"<text:p>{escape(value['text'])}</text:p></table:table-cell>"
        )
    if isinstance(value, dict):  # {"formula": "of:=[.A1]*2", "value": 12}
        return (
            f'<table:table-cell table:formula="{escape(value["formula"])}" office:value-type="float" '
            f'office:value="{value["value"]}"><text:p>{value["value"]}</text:p></table:table-cell>'
        )
    if isinstance(value, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    if value is None or value == "":
        return "<table:table-cell/>"
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods(rows, *, header=HEADER) -> bytes:
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>" for row in [header, *rows]
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Besoins">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
