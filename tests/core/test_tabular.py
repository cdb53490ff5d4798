"""The one export helper: CSV (BOM, « ; ») and XLSX never carry a live formula; numbers and dates stay typed."""

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest

from pilote.core import tabular


FORMULAS = ['=HYPERLINK("http://evil.example","clic")', "+1", "-2", "@x", "\tx", "\rx", "=1+1"]


def test_csv_neutralises_every_formula_start():
    text = tabular.csv_text(["objet"], [[value] for value in FORMULAS])
    assert text.startswith("\ufeffobjet\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["'" + value for value in FORMULAS]


def test_csv_keeps_numbers_dates_and_plain_text():
    rows = [[-2, 3.5, Decimal("10.20"), dt.date(2024, 3, 1), None, "Voirie", ["a", "b"], True]]
    line = tabular.csv_text(None, rows, bom=False)
    assert line == '-2;3,5;10,2;01/03/2024;;Voirie;"a ; b";oui\r\n'


def test_csv_response_streams_or_not():
    plain = tabular.csv_response("x.csv", ["a"], [["=1"]])
    assert plain["Content-Type"] == "text/csv; charset=utf-8"
    assert plain["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert plain.content.decode("utf-8-sig") == "a\r\n'=1\r\n"
    streamed = tabular.csv_response("x.csv", ["a"], iter([["=1"], [2]]), stream=True)
    assert b"".join(streamed.streaming_content).decode("utf-8-sig") == "a\r\n'=1\r\n2\r\n"


def _cells(content: bytes) -> dict[str, tuple[str, str]]:
    """cell reference -> (type attribute, raw XML inside) of the first sheet, read from the zip without openpyxl."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        shared = archive.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in archive.namelist() else ""
    strings = re.findall(r"<si><t[^>]*>(.*?)</t></si>", shared, re.S)
    cells = {}
    for ref, attrs, inner in re.findall(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', sheet, re.S):
        kind = re.search(r't="(\w+)"', attrs)
        kind = kind[1] if kind else "n"
        if kind == "s":
            inner = strings[int(re.search(r"<v>(\d+)</v>", inner)[1])]
        cells[ref] = (kind, inner)
    return cells


def test_xlsx_writes_formula_texts_as_strings_and_keeps_types():
    rows = [[value, 12.5, dt.date(2024, 3, 1)] for value in FORMULAS]
    content = tabular.xlsx_bytes(["objet", "montant", "date"], rows)
    cells = _cells(content)
    assert all("<f>" not in inner for _kind, inner in cells.values())  # no formula anywhere
    assert cells["A2"] == ("s", FORMULAS[0])
    assert [cells[f"A{r}"][0] for r in range(2, 2 + len(FORMULAS))] == ["s"] * len(FORMULAS)
    assert cells["B2"] == ("n", "<v>12.5</v>")
    assert cells["C2"][0] == "n"  # a date is a number with a date format


def test_xlsx_read_back_with_calamine():
    from python_calamine import load_workbook

    content = tabular.xlsx_bytes(["objet", "n"], [["-2", -2], ["@x", 3], ["\tx", None]])
    rows = load_workbook(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[1] == ["-2", -2.0]
    assert rows[2] == ["@x", 3.0]
    assert rows[3][0] == "\tx"


def test_sheet_write_handles_lists_nan_and_sheet_names():
    book = tabular.Workbook()
    sheet = book.add_sheet("Contrats — a/b: c?")
    sheet.write(0, 0, ["x", "y"])
    sheet.write(0, 1, float("nan"))
    sheet.write(0, 2, dt.datetime(2024, 1, 2, 3, 4, tzinfo=dt.UTC))
    content = book.close()
    assert _cells(content)["A1"] == ("s", "x ; y")
    assert "B1" not in _cells(content)
    assert tabular.safe_sheet_name("a/b:c?[d]*" * 5) == ("a-b-c--d--" * 5)[:31]


@pytest.mark.parametrize("value", FORMULAS)
def test_is_formula_like(value):
    assert tabular.is_formula_like(value)
    assert not tabular.is_formula_like("Voirie " + value)


def test_every_export_goes_through_the_helper():
    """The cockpit's CSV and XLSX and the census purchase plan keep a formula-looking object as text."""
    from types import SimpleNamespace

    from pilote.analytics.exports import render
    from pilote.recensement.exports import plan_xlsx

    columns = [("objet", "Objet"), ("montant", "Montant"), ("date_notification", "Date")]
    rows = [{"objet": '=HYPERLINK("http://x")', "montant": 1200.5, "date_notification": dt.date(2024, 5, 2)}]
    text = render("csv", columns, rows, "Contrats", "").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";"))[1] == [
        '\'=HYPERLINK("http://x")',
        "1200,5",
        "02/05/2024",
    ]
    cells = _cells(render("xlsx", columns, rows, "Contrats", "filtres").content)
    assert cells["A5"] == ("s", '=HYPERLINK("http://x")')
    assert cells["B5"] == ("n", "<v>1200.5</v>")

    need = SimpleNamespace(
        date_souhaitee=dt.date(2027, 3, 1),
        service=SimpleNamespace(name="+Éducation"),
        objet="=1+1",
        code_cpv="55523100",
        site="@site",
        montant_estime=Decimal("1000.00"),
        get_recurrence_display=lambda: "annuel",
        renouvellement=False,
        is_big_purchase=False,
    )
    campaign = SimpleNamespace(year=2027, organisation=SimpleNamespace(name="Commune"), title="Recensement")
    cells = _cells(plan_xlsx(campaign, [{"label": "T1 2027", "needs": [need], "total": Decimal("1000")}]))
    assert [cells[ref] for ref in ("C5", "D5", "F5")] == [("s", "+Éducation"), ("s", "=1+1"), ("s", "@site")]
    assert cells["G5"] == ("n", "<v>1000</v>")
