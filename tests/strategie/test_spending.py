"""An instrument's spending comes from the contracts it is linked to, read from the real demo DECP files: by uid,
and through a fiche visa matched with its notified contract (DECP id + buyer)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pilote.contracts import lookups
from pilote.fiches.models import Fiche
from pilote.strategie import cockpit, rules, services
from tests.core.factories import MembershipFactory, OrganisationFactory
from tests.fiches.factories import make_fiche
from tests.strategie import helpers


@pytest.fixture
def busiest(db, real_import, settings):
    settings.PILOTE_DATA_DIR = real_import
    return OrganisationFactory(name="Acheteur", slug="acheteur", sirets=[lookups.busiest_buyer()])


def _contracts_with_amount(organisation):
    for year in range(2024, 2017, -1):
        rows = [r for r in lookups.notified_in(organisation.sirets, year) if r["montant"]]
        if len(rows) >= 2:
            return rows
    pytest.skip("pas assez de contrats avec montant dans les fichiers de démonstration")


def _instrument_row(strategy):
    axes, _ = cockpit.lever_rows(strategy)
    return next(i for a in axes for lev in a["levers"] for i in lev["instruments"])


def test_spending_of_contracts_linked_by_uid_and_by_fiche(busiest, members_a):
    actor = members_a["acheteur"]
    strategy, _ = helpers.finished_strategy(busiest, actor)
    instrument = strategy.axes.first().levers.first().instruments.first()
    first, second = _contracts_with_amount(busiest)[:2]
    services.do_link_instrument(instrument, actor=actor, kind="contrat", ref=first["contrat_uid"])
    fiche = make_fiche(busiest)
    Fiche.objects.filter(pk=fiche.pk).update(contrat_id=second["id"], contrat_acheteur_id=second["acheteur_id"])
    services.do_link_instrument(instrument, actor=actor, kind="fiche", ref=str(fiche.pk))

    spending = _instrument_row(strategy)["spending"]

    assert spending["count"] >= 2
    assert spending["initial"] >= Decimal(str(first["montant"])) + Decimal(str(second["montant"])) - 1
    assert spending["planned"] == instrument.total
    assert spending["consumed"] == pytest.approx(float(spending["final"] / instrument.total) * 100, abs=0.1)
    assert 0 <= spending["social_share"] <= 100
    assert spending["missing"] == 0


def test_an_unknown_uid_is_reported_missing_not_counted(busiest, members_a):
    actor = members_a["acheteur"]
    strategy, _ = helpers.finished_strategy(busiest, actor)
    instrument = strategy.axes.first().levers.first().instruments.first()
    services.do_link_instrument(instrument, actor=actor, kind="contrat", ref="inconnu-123")
    spending = _instrument_row(strategy)["spending"]
    assert spending["count"] == 0
    assert spending["missing"] == 1


def test_the_cockpit_page_shows_the_spending(busiest, members_a, client):
    actor = members_a["acheteur"]
    strategy, _ = helpers.finished_strategy(busiest, actor)
    instrument = strategy.axes.first().levers.first().instruments.first()
    first = _contracts_with_amount(busiest)[0]
    services.do_link_instrument(instrument, actor=actor, kind="contrat", ref=first["contrat_uid"])
    client.force_login(MembershipFactory(organisation=busiest, role="acheteur").user)
    page = client.get(reverse("strategie:strategy", kwargs={"slug": busiest.slug, "strategie_id": strategy.pk}))
    assert page.status_code == 200
    assert "du coût prévu" in page.content.decode()


def test_spending_rule_final_amount_and_shares():
    rows = [
        {"montant": 100, "montant_final": 150, "offres_recues": 2, "soc": True, "env": False},
        {"montant": 300, "montant_final": None, "offres_recues": 4, "soc": False, "env": False},
        {"montant": None, "montant_final": None, "offres_recues": None, "soc": False, "env": True},
    ]
    out = rules.spending(rows, Decimal(900))
    assert out["initial"] == 400
    assert out["final"] == 450
    assert out["consumed"] == 50.0
    assert out["social_share"] == pytest.approx(33.3)
    assert out["average_offers"] == 3
    assert rules.spending([], Decimal(0))["consumed"] is None
