"""CPV divisions and codes read with their label (pilote.ui.labels, labeller registered by pilote.contracts)."""

import pytest
from django.template import Context, Template

from pilote.core.enums import Role
from pilote.ui import labels
from tests.core.factories import REAL_SIRETS


def test_a_cpv_division_reads_with_its_label():
    assert labels.code_with_label("45", "cpv") == "45 — Travaux de construction"
    assert labels.code_with_label("55523100", "cpv").startswith("55523100 — ")


def test_an_unknown_code_or_kind_stays_as_it_is():
    assert labels.code_with_label("00", "cpv") == "00"
    assert labels.code_with_label("45", "nomenclature-inconnue") == "45"
    assert labels.code_with_label(None, "cpv") == ""


def test_the_filter_is_a_builtin():
    html = Template('{{ code|ui_code_label:"cpv" }}').render(Context({"code": "90"}))
    assert html.startswith("90 — ")
    assert "eaux usées" in html


@pytest.mark.django_db
def test_the_cockpit_names_its_cpv_divisions(client, org_a, members_a, real_import, settings):
    settings.PILOTE_DATA_DIR = real_import
    org_a.buyer_entities.all().delete()
    for siret in REAL_SIRETS:
        org_a.buyer_entities.create(siret=siret)
    client.force_login(members_a[Role.ELU])
    html = client.get(f"/o/{org_a.slug}/cockpit/").content.decode()
    assert "Par division CPV (segment)" in html
    assert '<th scope="row">45 — Travaux de construction</th>' in html
