"""In a browser: a filter change updates the URL, the chart and its table, then a CSV export downloads."""

import csv
import io
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from pilote.core.enums import Role
from tests.analytics.store import S1, write_fixture_store
from tests.core.factories import MembershipFactory, OrganisationFactory, UserFactory


def test_filter_updates_url_chart_and_table_then_csv_downloads(page, login, screenshot, settings):
    write_fixture_store(settings.PILOTE_DATA_DIR)
    commune = OrganisationFactory(name="Commune A", slug="commune-a", sirets=[S1])
    user = UserFactory(email="appui@commune-a.fr")
    MembershipFactory(organisation=commune, user=user, role=Role.APPUI)
    login("appui@commune-a.fr")

    page.goto(page.base_url + "/o/commune-a/cockpit/")
    count = page.locator('[data-indicateur="nb_contrats"]')
    expect(count).to_have_text("4")
    chart = page.locator("#graphique-procedures")
    chart.locator("svg.marks").wait_for()
    expect(chart.locator("svg.marks")).to_contain_text("Procédure adaptée")

    page.get_by_label("Procédure", exact=True).select_option("Appel d'offres ouvert")
    # optional chaining: while htmx swaps the content the element is briefly absent (a null must read as "not
    # yet", not throw, or the wait fails at once)
    page.wait_for_function("document.querySelector('[data-indicateur=\"nb_contrats\"]')?.textContent.trim() === '2'")
    assert parse_qs(urlparse(page.url).query)["procedure"] == ["Appel d'offres ouvert"]
    # The chart is redrawn from the new figures and its data table shows the same single procedure.
    page.wait_for_function(
        "!(document.querySelector('#graphique-procedures svg.marks')?.textContent ?? 'Procédure adaptée')"
        ".includes('Procédure adaptée')"
    )
    expect(chart.locator("svg.marks")).to_contain_text("Appel d'offres ouvert")
    table = page.get_by_role("table", name="Par procédure CSV")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("Appel d'offres ouvert")
    screenshot("cockpit-filtre-procedure")

    with page.expect_download() as download_info:
        page.locator('[data-export="contrats-csv"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as fh:
        rows = list(csv.reader(io.StringIO(fh.read()), delimiter=";"))
    assert sorted(r[0] for r in rows[1:]) == ["c1", "c4"]
