"""The théâtre's forms show the service's refusal on the re-rendered form, beside the field it is about (the
pages also print the same words elsewhere, e.g. the cap in the rules panel, so the form's own errors are read)."""

import pytest
from django.test import Client

from pilote.core.enums import Role
from pilote.evolutions import services, theatre
from pilote.evolutions.models import TheatreSession
from tests.evolutions import helpers
from tests.evolutions.test_theatre import ROLES


pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(members_a):
    client = Client()
    client.force_login(members_a[Role.ACHETEUR])
    return client


def test_a_session_without_contract_nor_rehearsal_is_refused_beside_the_contract_field(client_of, org_a):
    roles = "mediateur | Claire | Tenir le temps\nfournisseur | Paul | Demander +10 %"
    response = client_of.post(f"/o/{org_a.slug}/evolutions/theatre/nouvelle/", {"title": "S", "agenda": "A",
                                                                               "roles": roles})  # fmt: skip
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "register": ["Choisissez le contrat, ou cochez la répétition (données fictives)."]
    }
    assert not TheatreSession.objects.exists()


def test_an_activation_over_the_cap_is_refused_on_the_activation_form(client_of, org_a, members_a):
    buyer = members_a[Role.ACHETEUR]
    reg = helpers.register(org_a, buyer)
    clause = services.do_create_evolution_clause(org_a, actor=buyer, register=reg, **helpers.clause_fields())
    session = theatre.do_open_session(org_a, actor=buyer, title="S", agenda="Activer", roles=ROLES, register=reg,
                                      clause=clause)  # fmt: skip
    over = {"activation-description": "Indice +9 %", "activation-amount_delta": "70000",
            "activation-dated": "2025-10-01"}  # fmt: skip
    response = client_of.post(f"/o/{org_a.slug}/evolutions/theatre/{session.pk}/activer/", over)
    assert response.status_code == 400
    errors = response.context["activate_form"].errors
    assert list(errors) == ["amount_delta"]
    assert "dépassent son plafond" in errors["amount_delta"][0]
