"""A proposal's effect on the strategy the contract serves: the lever's annual cost and progress, before and after."""

from decimal import Decimal

import pytest
from django.test import Client

from pilote.core.enums import Role
from pilote.evolutions import strategy_impact, theatre
from pilote.strategie.models import Instrument, InstrumentLink
from tests.evolutions import helpers
from tests.strategie import helpers as strategy_helpers


@pytest.fixture
def buyer(members_a):
    return members_a[Role.ACHETEUR]


def _serving(org_a, buyer, uid):
    strategy, _indicators = strategy_helpers.finished_strategy(org_a, buyer)
    instrument = Instrument.objects.filter(lever__axis__strategy=strategy).first()
    InstrumentLink.objects.create(instrument=instrument, kind="contrat", ref=uid, label=f"Contrat {uid}")
    return instrument


def test_the_proposal_changes_the_lever_cost_spread_over_the_instrument_years(org_a, buyer):
    instrument = _serving(org_a, buyer, "UID-42")
    (impact,) = strategy_impact.impacts(org_a, "UID-42", Decimal("30000"))
    others = sum(i.annual_amount for i in instrument.lever.instruments.exclude(pk=instrument.pk))
    assert impact["instrument"] == instrument
    assert impact["annual_delta"] == round(Decimal(30000) / instrument.years)
    assert impact["cost_before"] == instrument.annual_amount + others
    assert impact["cost_after"] == impact["cost_before"] + impact["annual_delta"]
    assert strategy_impact.impacts(org_a, "UID-AUTRE", Decimal("30000")) == []
    assert strategy_impact.impacts(org_a, "", Decimal("30000")) == []


def test_the_theatre_shows_the_impact_of_a_proposal_on_the_strategy(org_a, buyer):
    instrument = _serving(org_a, buyer, "UID-42")
    reg = helpers.register(org_a, buyer, contrat_uid="UID-42")
    roles = [("mediateur", "Claire", "Tenir le temps"), ("fournisseur", "Paul", "Viser +10 %")]
    session = theatre.do_open_session(org_a, actor=buyer, title="S", agenda="A", roles=roles, register=reg)
    theatre.do_table_proposal(session, actor=buyer, role=None, ground="faible_montant",
                              amount_delta=Decimal("20000"), text="Hausse")  # fmt: skip
    client = Client()
    client.force_login(buyer)
    page = client.get(f"/o/{org_a.slug}/evolutions/theatre/{session.pk}/").content.decode()
    assert f"levier « {instrument.lever} »" in page
    assert "coût annuel" in page
