"""The explorer's buyer page gives each share with its numerator, its base and its Wilson 95 % interval, as the
cockpit does (docs/indicateurs.md, « Base et intervalle, échantillon insuffisant »)."""

import pytest
from django.urls import reverse

from pilote.core.enums import Role
from tests.explorer.conftest import BUYER_ROUEN


pytestmark = pytest.mark.django_db


def test_buyer_page_shares_have_numerator_base_and_interval(client, members_a, org_a, store):
    client.force_login(members_a[Role.AGENT])
    html = client.get(reverse("explorer:buyer", kwargs={"slug": org_a.slug, "siret": BUYER_ROUEN})).content.decode()
    facts = " ".join(html.split("<dl")[1].split("</dl>")[0].split())
    single = facts.split("Offre unique</dt>")[1].split("</dd>")[0]
    assert " sur " in single
    assert "contrat" in single.split(" sur ")[0]  # the numerator: « n contrat(s) sur N renseignés »
    social = facts.split("Considération sociale</dt>")[1].split("</dd>")[0]
    assert "renseigné" in social
    for share in (single, social):
        assert "intervalle de confiance à 95 %" in share or "sur 0 " in share
