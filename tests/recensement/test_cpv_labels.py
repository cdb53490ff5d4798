"""Every CPV code of the census tables reads « code — libellé » (issue 17): the label of the nomenclature
(pilote.contracts.semantics.cpv_label through the ui filter), not a bare code."""

import pytest

from pilote.contracts.semantics import cpv_label
from pilote.core.enums import Role
from pilote.recensement import services
from tests.recensement.conftest import need_fields


pytestmark = pytest.mark.django_db
CLEANING = "90911200"


def test_campaign_and_plan_tables_show_the_cpv_label(client, campaign, org_a, members_a):
    label = cpv_label(CLEANING)
    assert label  # the nomenclature knows the code: otherwise the test would prove nothing
    services.do_create_need(
        campaign,
        actor=members_a[Role.AGENT],
        fields=need_fields(campaign, objet="Nettoyage des écoles", code_cpv=CLEANING, montant_estime=120000),
    )
    client.force_login(members_a[Role.APPUI])
    base = f"/o/{org_a.slug}/recensement/{campaign.pk}/"
    for page in ("", "programmation/"):
        html = client.get(base + page).content.decode()
        assert f"{CLEANING} — {label}" in html, page
