"""The strategy's "subvention" link kind, registered by the territory app: an instrument links to the
organisation's own grants (territory map, fund decisions), never to another organisation's."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pilote.strategie import links, services as strategy_services
from pilote.territoire import fund
from pilote.territoire.models import Grant, GrantSource
from tests.strategie import helpers as strategy_helpers
from tests.territoire import helpers


def _grant(organisation, objet="Aide aux cantines bio"):
    return Grant.objects.create(
        organisation=organisation, source=GrantSource.choices[0][0], attribuant_nom="Région",
        beneficiaire_nom="Association des producteurs", objet=objet, montant=Decimal(12000),
    )  # fmt: skip


def _instrument(organisation, actor):
    strategy, _ = strategy_helpers.finished_strategy(organisation, actor)
    return strategy.axes.first().levers.first().instruments.first()


def test_the_kind_is_registered():
    assert "subvention" in links.link_kinds()


@pytest.mark.django_db
def test_an_instrument_links_to_a_territory_grant(org_a, members_a):
    actor = members_a["acheteur"]
    grant = _grant(org_a)
    link = strategy_services.do_link_instrument(
        _instrument(org_a, actor), actor=actor, kind="subvention", ref=grant.pk
    )
    assert "Aide aux cantines bio" in link.label
    assert "12000 €" in link.label


@pytest.mark.django_db
def test_an_instrument_links_to_a_fund_decision(org_a, members_a):
    actor = members_a["acheteur"]
    call = helpers.call(org_a, actor)
    one, _two = helpers.carriers(org_a)
    decision = fund.do_decide(helpers.application(call, actor, one), actor=actor, selected=True, reasons="Utile",
                              amount=Decimal(10000), route="subvention")  # fmt: skip
    instrument = _instrument(org_a, actor)
    link = strategy_services.do_link_instrument(instrument, actor=actor, kind="subvention", ref=f"fonds-{decision.pk}")
    assert "Initiative de Recyclerie du Bocage" in link.label


@pytest.mark.django_db
def test_another_organisations_grant_or_a_bad_number_is_refused(org_a, org_b, members_a):
    actor = members_a["acheteur"]
    theirs = _grant(org_b)
    call = helpers.call(org_b, actor)
    one, _two = helpers.carriers(org_b)
    their_decision = fund.do_decide(helpers.application(call, actor, one), actor=actor, selected=True,
                                    reasons="Utile", amount=Decimal(10000), route="subvention")  # fmt: skip
    instrument = _instrument(org_a, actor)
    for ref, message in (
        (theirs.pk, "Aucune subvention"),
        (f"fonds-{their_decision.pk}", "Aucune décision"),
        ("abc", "Indiquez le numéro"),
    ):
        with pytest.raises(ValidationError) as refused:
            strategy_services.do_link_instrument(instrument, actor=actor, kind="subvention", ref=ref)
        assert message in str(refused.value)
    assert not instrument.links.exists()
