"""The access-credit ledger: balanced, append-only, limits, decisions, reversals."""

import pytest
from django.core.exceptions import ValidationError

from pilote.communs import ledger
from pilote.communs.models import AccountKind, Decision, Movement
from pilote.core.models import AuditEvent
from tests.communs import helpers


pytestmark = pytest.mark.django_db


@pytest.fixture
def actor(org_a):
    return helpers.manager(org_a)


@pytest.fixture
def jardin(org_a, actor):
    return helpers.initiative(org_a, actor, credit_limit=10)


def test_grant_records_the_decision_and_balances(org_a, actor, jardin):
    helpers.grant(jardin, actor, 120)
    decision = Decision.objects.get()
    assert decision.reasons == "Soutien au démarrage du jardin"
    assert ledger.initiative_balance(jardin) == 120
    assert ledger.balance(ledger.system_account(org_a, AccountKind.EMISSION)) == -120
    trial = ledger.trial_balance(org_a)
    assert trial["total"] == 0
    assert trial["debits"] == trial["credits"] == 120
    assert AuditEvent.objects.filter(verb="communs.credits_attribues").count() == 1


def test_grant_without_reasons_is_refused_and_nothing_saved(actor, jardin):
    with pytest.raises(ValidationError):
        ledger.do_grant_credits(
            jardin, amount=50, body="comite", reference="CC-1", decided_on="2026-01-01", reasons=" ", actor=actor
        )
    assert not Decision.objects.exists()
    assert not Movement.objects.exists()


@pytest.mark.parametrize("amount", [0, -5, 2.5, "10", True])
def test_amount_must_be_a_positive_integer(actor, jardin, amount):
    with pytest.raises(ValidationError):
        ledger.do_record_contribution(jardin, amount=amount, memo="prêt d'une bétonnière", actor=actor)
    assert not Movement.objects.exists()


def test_debit_beyond_the_credit_limit_is_refused(org_a, actor, jardin):
    helpers.grant(jardin, actor, 20)
    usages = ledger.system_account(org_a, AccountKind.USAGES)
    account = ledger.initiative_account(jardin)
    ledger.post(org_a, kind="reservation", debit=account, credit=usages, amount=30, memo="ok", actor=actor)
    assert ledger.initiative_balance(jardin) == -10  # the limit is reached exactly
    with pytest.raises(ValidationError, match="Crédits insuffisants"):
        ledger.post(org_a, kind="reservation", debit=account, credit=usages, amount=1, memo="trop", actor=actor)
    assert Movement.objects.count() == 2


def test_same_account_on_both_sides_is_refused(org_a, actor, jardin):
    account = ledger.initiative_account(jardin)
    with pytest.raises(ValidationError, match="identiques"):
        ledger.post(org_a, kind="contribution", debit=account, credit=account, amount=1, memo="x", actor=actor)


def test_movements_are_append_only(actor, jardin):
    movement = helpers.grant(jardin, actor, 40)
    movement.amount = 400
    with pytest.raises(ValidationError):
        movement.save()
    with pytest.raises(ValidationError):
        movement.delete()
    with pytest.raises(ValidationError):
        Movement.objects.filter(pk=movement.pk).update(amount=400)
    with pytest.raises(ValidationError):
        Movement.objects.all().delete()
    assert Movement.objects.get().amount == 40


def test_a_correction_is_a_reversing_movement(org_a, actor, jardin):
    movement = helpers.grant(jardin, actor, 40)
    reversal = ledger.do_reverse_movement(movement, reason="erreur de saisie", actor=actor)
    assert (reversal.debit, reversal.credit, reversal.amount) == (movement.credit, movement.debit, 40)
    assert ledger.initiative_balance(jardin) == 0
    assert Movement.objects.count() == 2
    assert ledger.trial_balance(org_a)["total"] == 0
    with pytest.raises(ValidationError, match="déjà été contrepassée"):
        ledger.do_reverse_movement(movement, reason="encore", actor=actor)
    with pytest.raises(ValidationError, match="déjà une contrepassation"):
        ledger.do_reverse_movement(reversal, reason="encore", actor=actor)


def test_statement_has_running_balance(actor, jardin):
    helpers.grant(jardin, actor, 50)
    ledger.do_record_contribution(jardin, amount=8, memo="4 heures de bénévolat", actor=actor)
    rows = ledger.statement(jardin)
    assert [r["signed"] for r in rows] == [50, 8]
    assert [r["balance"] for r in rows] == [50, 58]


def test_accounts_of_another_organisation_are_refused(org_a, org_b, actor, jardin):
    other = helpers.initiative(org_b, helpers.manager(org_b), name="Autre")
    with pytest.raises(ValidationError, match="même organisation"):
        ledger.post(
            org_a,
            kind="contribution",
            debit=ledger.system_account(org_a, AccountKind.CONTRIBUTIONS),
            credit=ledger.initiative_account(other),
            amount=1,
            memo="x",
            actor=actor,
        )
