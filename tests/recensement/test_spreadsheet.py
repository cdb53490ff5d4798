"""Reading census spreadsheets: real small XLSX, ODS and CSV files with every kind of bad input."""

import datetime as dt
from decimal import Decimal

import pytest

from pilote.recensement import spreadsheet
from pilote.recensement.exports import EXAMPLE_SERVICES, example_file, template_xlsx
from pilote.recensement.spreadsheet import FileRefused, parse
from tests.recensement.files import COVERED, csv_bytes, ods, xlsx


SERVICES = ["Éducation", "Solidarités", "Petite enfance"]
GOOD = ["Éducation", "Restauration scolaire", "55523100", "180 000 €", "01/09/2027", "École A"]


def errors_of(parsed):
    return [e for row in parsed.rows for e in row.errors]


def test_clean_xlsx_reads_every_field():
    parsed = parse(xlsx([GOOD, ["Solidarités", "Portage de repas", "55521100", "45 k€", "T2 2027", "Résidence"]]),
                   services=SERVICES)  # fmt: skip
    assert errors_of(parsed) == []
    first, second = parsed.rows
    assert first.values == {
        "service": "Éducation",
        "objet": "Restauration scolaire",
        "code_cpv": "55523100",
        "montant_estime": Decimal("180000.00"),
        "date_souhaitee": dt.date(2027, 9, 1),
        "site": "École A",
    }
    assert second.values["montant_estime"] == Decimal("45000.00")
    assert second.values["date_souhaitee"] == dt.date(2027, 4, 1)


def test_headers_matched_tolerantly_with_title_rows_above():
    header = ["  DIRECTION / SERVICE ", "Intitulé du besoin", "code cpv 2008", "Montant estimé annuel HT",
              "date souhaitee", "Lieu de livraison", "Couleur préférée"]  # fmt: skip
    parsed = parse(
        xlsx([[*GOOD, "bleu"]], header=header, title_rows=["Recensement 2027 — Direction de l'éducation", ""]),
        services=SERVICES,
    )
    assert set(parsed.columns) == {"service", "objet", "code_cpv", "montant_estime", "date_souhaitee", "site"}
    assert parsed.ignored_columns == ["Couleur préférée"]
    assert "Couleur préférée" in parsed.notices[0]
    assert parsed.rows[0].line == 4  # the line number the user sees in their spreadsheet
    assert parsed.rows[0].is_valid


def test_missing_required_column_refuses_the_file_naming_it():
    with pytest.raises(FileRefused, match="Montant estimé"):
        parse(xlsx([["Éducation", "Repas"]], header=["Service", "Objet"]), services=SERVICES)


def test_service_column_optional_when_chosen_in_the_form():
    parsed = parse(xlsx([["Repas", "12000"]], header=["Objet", "Montant"]), services=SERVICES,
                   default_service="Éducation")  # fmt: skip
    assert parsed.rows[0].values["service"] == "Éducation"
    with pytest.raises(FileRefused, match="Service"):
        parse(xlsx([["Repas", "12000"]], header=["Objet", "Montant"]), services=SERVICES)


def test_no_header_row_is_refused():
    with pytest.raises(FileRefused, match="en-têtes"):
        parse(xlsx([["a", "b"]], header=["x", "y"]), services=SERVICES)


def test_amounts_with_spaces_units_and_k_euros():
    rows = [[s, f"Besoin {i}", "55523100", amount, "", ""] for i, (s, amount) in enumerate(
        [("Éducation", "12 000"), ("Éducation", "12\u202f000,50 €"), ("Éducation", "1,5 M€"),
         ("Éducation", "12k€"), ("Éducation", 3000), ("Éducation", "douze mille"), ("Éducation", "-5")])]  # fmt: skip
    parsed = parse(xlsx(rows), services=SERVICES)
    amounts = [r.values.get("montant_estime") for r in parsed.rows]
    assert amounts[:5] == [
        Decimal("12000"),
        Decimal("12000.50"),
        Decimal("1500000"),
        Decimal("12000"),
        Decimal("3000"),
    ]
    assert parsed.rows[5].errors == [
        "Ligne 7, colonne « Montant estimé (€ HT) » : montant illisible « douze mille » "
        "(exemples acceptés : 12000, 12 000 €, 12 k€)."
    ]
    assert "supérieur à 0" in parsed.rows[6].errors[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.000", "12000"),
        ("12,000", "12000"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567.89", "1234567.89"),
        ("12 000 EUR HT", "12000"),
        ("1,5", "1.5"),
        ("1.5k", "1500"),
        ("2,5 M€", "2500000"),
    ],
)
def test_amount_separators(text, expected):
    from pilote.recensement.values import parse_amount

    assert parse_amount(text) == Decimal(expected)


def test_dates_as_text_and_real_dates():
    values = [dt.date(2027, 3, 15), "15/03/2027", "2027-03-15", "mars 2027", "2e trimestre 2027", "31/02/2027",
              "bientôt"]  # fmt: skip
    rows = [["Éducation", f"Besoin {i}", "55523100", "1000", v, ""] for i, v in enumerate(values)]
    parsed = parse(xlsx(rows), services=SERVICES)
    dates = [r.values.get("date_souhaitee") for r in parsed.rows]
    assert dates[:5] == [dt.date(2027, 3, 15)] * 3 + [dt.date(2027, 3, 1), dt.date(2027, 4, 1)]
    assert parsed.rows[5].errors == ["Ligne 7, colonne « Date souhaitée » : date impossible (31/02/2027)."]
    assert "date illisible « bientôt »" in parsed.rows[6].errors[0]


def test_merged_cells_are_reported_on_each_covered_row():
    rows = [[None, "Repas école A", "55523100", "1000", "", ""], [None, "Repas école B", "55523100", "2000", "", ""]]
    parsed = parse(xlsx(rows, merge=(1, 0, 2, 0, "Éducation")), services=SERVICES)
    assert parsed.rows[0].is_valid
    assert parsed.rows[1].errors[0] == (
        "Ligne 3, colonne « Service » : cellule fusionnée (A2:A3) ; défusionnez-la et recopiez la valeur sur chaque "
        "ligne."
    )


def test_formulas_use_computed_value_or_are_refused_without_one():
    rows = [["Éducation", "Repas", "55523100", None, "", ""], ["Éducation", "Goûters", "55523100", None, "", ""]]
    parsed = parse(xlsx(rows, formulas=[(1, 3, "=1000*3", 3000), (2, 3, "=1000*2", None)]), services=SERVICES)
    assert parsed.rows[0].values["montant_estime"] == Decimal("3000")
    assert "formule" in parsed.rows[0].warnings[0]
    assert parsed.rows[1].errors == [
        "Ligne 3, colonne « Montant estimé (€ HT) » : formule sans valeur calculée ; remplacez-la par sa valeur "
        "(copier, collage spécial « valeurs »)."
    ]


def test_empty_rows_skipped_and_duplicates_reported():
    rows = [GOOD, ["", "", "", "", "", ""], [None] * 6, list(GOOD), ["education", "restauration SCOLAIRE", "55523100",
            "180000", "", "école a"]]  # fmt: skip
    parsed = parse(xlsx(rows), services=SERVICES)
    assert parsed.skipped_empty == 2
    assert [r.line for r in parsed.rows] == [2, 5, 6]
    assert parsed.rows[1].errors == ["Ligne 5 : doublon de la ligne 2 (même service, objet, montant et site)."]
    assert parsed.rows[2].errors == ["Ligne 6 : doublon de la ligne 2 (même service, objet, montant et site)."]


def test_already_declared_need_is_reported():
    existing = {spreadsheet.need_key("Éducation", "Restauration scolaire", Decimal("180000.00"), "École A")}
    parsed = parse(xlsx([GOOD]), services=SERVICES, existing=existing)
    assert "déjà déclaré" in parsed.rows[0].errors[0]


def test_unknown_service_and_cpv_are_reported_with_row_and_column():
    rows = [["Communication", "Magazine", "79810000", "1000", "", ""], ["Éducation", "Ménage", "9091000", "1000", "", ""],
            ["Éducation", "Ménage", "12345678", "1000", "", ""]]  # fmt: skip
    parsed = parse(xlsx(rows), services=SERVICES)
    assert parsed.rows[0].errors[0].startswith("Ligne 2, colonne « Service » : le service « Communication » n'est pas")
    assert parsed.rows[1].errors[0].startswith("Ligne 3, colonne « Code CPV » : code CPV « 9091000 » mal formé")
    assert "absent de la nomenclature" in parsed.rows[2].errors[0]


def test_ods_file_with_formula():
    parsed = parse(
        ods([["Éducation", "Repas", 55523100, "12 000", "15/03/2027", "École A"],
             ["Solidarités", "Portage", "55521100", {"formula": "of:=[.D2]*2", "value": 24000}, "", ""]]),
        services=SERVICES,
    )  # fmt: skip
    assert [r.values["montant_estime"] for r in parsed.rows] == [Decimal("12000"), Decimal("24000")]
    assert parsed.rows[0].values["code_cpv"] == "55523100"
    assert "formule" in parsed.rows[1].warnings[0]


def test_ods_merged_cells_are_reported():
    parsed = parse(
        ods([[{"text": "Éducation", "rows": 2}, "Repas A", "55523100", "1000", "", ""],
             [COVERED, "Repas B", "55523100", "2000", "", ""]]),
        services=SERVICES,
    )  # fmt: skip
    assert parsed.rows[0].is_valid
    assert parsed.rows[1].errors[0].startswith("Ligne 3, colonne « Service » : cellule fusionnée (A2:A3)")


def test_csv_semicolon_windows_encoding():
    data = csv_bytes([["Éducation", "Fournitures scolaires", "", "2 500,00 €", "01/06/2027", "École A"]],
                     encoding="cp1252")  # fmt: skip
    parsed = parse(data, services=SERVICES)
    assert parsed.rows[0].values["service"] == "Éducation"
    assert parsed.rows[0].values["montant_estime"] == Decimal("2500")


def test_csv_comma_delimited():
    data = csv_bytes([["Petite enfance", "Couches", "33770000", "8000", "2027-01-10", "Crèche"]], delimiter=",")
    assert parse(data, services=SERVICES).rows[0].values["objet"] == "Couches"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a spreadsheet", "pas un tableur"),
        (b"\x89PNG\r\n\x1a\n....", "pas un tableur"),
        (b"", "vide"),
        (b"PK\x03\x04garbage", "abîmé"),
        (b"\x00\x01\x02binary\x00", "pas un tableur"),
    ],
)
def test_not_a_spreadsheet_is_refused(data, message):
    with pytest.raises(FileRefused, match=message):
        parse(data, services=SERVICES)


def test_word_document_zip_is_refused():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FileRefused, match="pas un tableur"):
        parse(buffer.getvalue(), services=SERVICES)


def test_huge_files_are_refused(monkeypatch):
    with pytest.raises(FileRefused, match="trop volumineux"):
        parse(b"x" * (spreadsheet.MAX_BYTES + 1), services=SERVICES)
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 50)
    rows = [["Éducation", f"Besoin {i}", "55523100", "1000", "", ""] for i in range(80)]
    with pytest.raises(FileRefused, match="50 lignes au plus"):
        parse(xlsx(rows), services=SERVICES)
    with pytest.raises(FileRefused, match="50 lignes au plus"):
        parse(csv_bytes(rows), services=SERVICES)


def test_template_has_every_header_and_no_row():
    with pytest.raises(FileRefused, match="aucune ligne"):
        parse(template_xlsx(), services=SERVICES)


def test_shipped_example_has_six_valid_rows_and_four_errors():
    parsed = parse(example_file(), services=EXAMPLE_SERVICES)
    assert len(parsed.valid_rows) == 6
    assert [r.line for r in parsed.invalid_rows] == [8, 9, 10, 11]
    columns = [r.errors[0].split("colonne « ")[1].split(" »")[0] for r in parsed.invalid_rows]
    assert columns == ["Montant estimé (€ HT)", "Date souhaitée", "Code CPV", "Service"]
