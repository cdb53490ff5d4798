import datetime as dt

import pytest
from django.test import Client

from pilote.core.enums import Role
from pilote.evolutions.models import EvolutionClause, Modification, Status
from tests.evolutions import helpers


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


@pytest.fixture
def client_of(buyer):
    client = Client()
    client.force_login(buyer)
    return client


def _proposal(**overrides):
    data = {"ground": "faible_montant", "description": "Reprise des menuiseries", "amount_delta": "30000",
            "dated": "2026-06-01"}  # fmt: skip
    return data | overrides


def test_register_page_shows_counters_and_stops_a_proposal_at_the_cap(org_a, buyer, client_of):
    reg = helpers.register(org_a, buyer, awarded_by_cao=False)
    from pilote.evolutions import services

    for amount in (48000, 52000):
        services.do_sign_modification(helpers.propose(reg, buyer, amount), actor=buyer)
    url = f"/o/{org_a.slug}/evolutions/registres/{reg.pk}/"
    page = client_of.get(url)
    assert page.status_code == 200
    assert "Conforme au schéma officiel 2.0.4" in page.content.decode()
    assert "83,3 %" in page.content.decode() or "83.3 %" in page.content.decode()  # 100 000 of 120 000
    refused = client_of.post(url + "proposer/", _proposal())
    assert refused.status_code == 400
    assert "R. 2194-8" in refused.content.decode()
    assert reg.modifications.count() == 2
    kept = client_of.post(url + "proposer/", _proposal(nonconforming="on", justification="Pour mémoire"))
    assert kept.status_code == 302
    assert reg.modifications.get(rank=3).status == Status.NON_CONFORME
    bad = client_of.post(url + "proposer/", _proposal(dated="2020-01-01", amount_delta="10"))
    assert bad.status_code == 400
    assert "avant la notification du marché" in bad.content.decode()


def test_sign_opinion_publish_and_decp_json(org_a, buyer, client_of):
    reg = helpers.register(org_a, buyer)  # commune, awarded by the CAO
    mod = helpers.propose(reg, buyer, 60000, ground="supplementaires")
    base = f"/o/{org_a.slug}/evolutions/modifications/{mod.pk}/"
    client_of.post(base + "signer/")
    assert Modification.objects.get(pk=mod.pk).status == Status.PROPOSEE  # CAO opinion missing
    response = client_of.post(base + "avis/", {"body": "cao", "verdict": "favorable", "given_on": "2025-08-20",
                                                "text": "Avis favorable"})  # fmt: skip
    assert response.status_code == 302
    client_of.post(base + "signer/")
    assert Modification.objects.get(pk=mod.pk).status == Status.SIGNEE
    client_of.post(base + "publier/", {"published_on": "2025-12-01"})
    assert Modification.objects.get(pk=mod.pk).published_on == dt.date(2025, 12, 1)
    block = client_of.get(base + "decp.json").json()
    assert block["modification"]["montant"] == 860000.0
    page = client_of.get(f"/o/{org_a.slug}/evolutions/registres/{reg.pk}/").content.decode()
    assert "En retard" in page  # published after the two months


def test_clause_builder_and_activation(org_a, buyer, client_of):
    reg = helpers.register(org_a, buyer, awarded_by_cao=False)
    url = f"/o/{org_a.slug}/evolutions/clauses/nouvelle/"
    fields = {k: v for k, v in helpers.clause_fields().items() if v is not False}
    missing = client_of.post(url, fields | {"measure": "", "register": reg.pk})
    assert missing.status_code == 400
    assert "sans mesure" in missing.content.decode()
    assert client_of.post(url, fields | {"register": reg.pk}).status_code == 302
    clause = EvolutionClause.objects.get()
    page = client_of.get(f"/o/{org_a.slug}/evolutions/clauses/{clause.pk}/")
    assert "Clause de réexamen" in page.content.decode()
    done = client_of.post(f"/o/{org_a.slug}/evolutions/clauses/{clause.pk}/activer/", {
        "register": reg.pk, "description": "BT01 +6 %", "amount_delta": "70000", "dated": "2025-10-01"})  # fmt: skip
    assert done.status_code == 400
    assert "plafond" in done.content.decode()
    done = client_of.post(f"/o/{org_a.slug}/evolutions/clauses/{clause.pk}/activer/", {
        "register": reg.pk, "description": "BT01 +6 %", "amount_delta": "40000", "dated": "2025-10-01"})  # fmt: skip
    assert done.status_code == 302
    assert reg.modifications.get().clause == clause


def test_readers_cannot_write_and_other_organisations_see_nothing(org_a, org_b, buyer, members_a, members_b):
    reg = helpers.register(org_a, buyer)
    elu = Client()
    elu.force_login(members_a[Role.ELU])
    assert elu.get(f"/o/{org_a.slug}/evolutions/registres/{reg.pk}/").status_code == 200
    assert elu.post(f"/o/{org_a.slug}/evolutions/registres/{reg.pk}/proposer/", _proposal()).status_code == 403
    other = Client()
    other.force_login(members_b[Role.ACHETEUR])
    assert other.get(f"/o/{org_b.slug}/evolutions/registres/{reg.pk}/").status_code == 404


def test_home_and_red_flags_without_data(org_a, client_of):
    assert client_of.get(f"/o/{org_a.slug}/evolutions/").status_code == 200
    page = client_of.get(f"/o/{org_a.slug}/evolutions/signaux/")
    assert page.status_code == 200
    assert "Signaux sur les modifications" in page.content.decode()
