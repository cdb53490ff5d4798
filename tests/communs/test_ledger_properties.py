"""Property: under any sequence of grants, contributions, spendings and reversals, every refused operation leaves
nothing behind, no initiative goes beyond its credit limit, each balance is the sum of the accepted operations,
and the trial balance sums to zero."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies as st

from pilote.communs import ledger
from pilote.communs.models import AccountKind, Movement
from tests.communs import helpers


OPERATION = st.tuples(
    st.sampled_from(["grant", "contribute", "spend", "reverse"]),
    st.integers(min_value=0, max_value=2),  # which initiative
    st.integers(min_value=-3, max_value=60),  # amount (some invalid)
    st.integers(min_value=0, max_value=30),  # which movement to reverse
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(OPERATION, max_size=25))
def test_the_ledger_stays_balanced(org_a, operations):
    with transaction.atomic():
        actor = helpers.manager(org_a)
        initiatives = [helpers.initiative(org_a, actor, name=f"Initiative {n}", credit_limit=5 * n) for n in range(3)]
        usages = ledger.system_account(org_a, AccountKind.USAGES)
        expected = [0, 0, 0]
        for verb, which, amount, target in operations:
            initiative = initiatives[which]
            before = Movement.objects.count()
            try:
                with transaction.atomic():
                    if verb == "grant":
                        helpers.grant(initiative, actor, amount)
                        expected[which] += amount
                    elif verb == "contribute":
                        ledger.do_record_contribution(initiative, amount=amount, memo="bénévolat", actor=actor)
                        expected[which] += amount
                    elif verb == "spend":
                        ledger.post(
                            org_a,
                            kind="reservation",
                            debit=ledger.initiative_account(initiative),
                            credit=usages,
                            amount=amount,
                            memo="réservation",
                            actor=actor,
                        )
                        expected[which] -= amount
                    else:
                        movements = list(Movement.objects.order_by("pk"))
                        if not movements:
                            continue
                        movement = movements[target % len(movements)]
                        ledger.do_reverse_movement(movement, reason="correction", actor=actor)
                        for n, init in enumerate(initiatives):
                            account = ledger.initiative_account(init)
                            expected[n] += movement.amount * (
                                (movement.debit_id == account.pk) - (movement.credit_id == account.pk)
                            )
            except ValidationError:
                assert Movement.objects.count() == before
            for n, init in enumerate(initiatives):
                assert ledger.initiative_balance(init) == expected[n]
                assert expected[n] >= -init.credit_limit
            assert ledger.trial_balance(org_a)["total"] == 0
        transaction.set_rollback(True)
