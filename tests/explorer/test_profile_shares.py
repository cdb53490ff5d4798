"""The explorer's buyer page gives each share with its numerator, its base and its Wilson 95 % interval, as the
cockpit does (docs/indicateurs.md, « Base et intervalle, échantillon insuffisant »)."""

from html import unescape

import pytest
from django.urls import reverse

from pilote.core.enums import Role
from tests.explorer.conftest import BUYER_ROUEN, uid_of


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


def test_contract_page_says_initial_and_final_amounts(client, members_a, org_a, ix):
    client.force_login(members_a[Role.AGENT])
    uid = uid_of(ix, "R1")  # one modification: the amount × 1.1
    html = unescape(client.get(reverse("explorer:contract", kwargs={"slug": org_a.slug, "uid": uid})).content.decode())
    facts = html.split('<dl class="facts">')[1].split("</dl>")[0]
    assert "Montant initial HT (à la notification)</dt>" in facts
    assert "Montant final HT (après modifications)</dt>" in facts
    html5 = client.get(reverse("explorer:contract", kwargs={"slug": org_a.slug, "uid": uid_of(ix, "R5")})).content
    assert "Montant final HT" not in html5.decode()  # no modification: no final amount
