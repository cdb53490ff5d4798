"""Permission-matrix providers for the territory URLs (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {
    "territoire:public_fund": "public: only the pools the organisation chose to publish (no personal data)",
}


def _call(organisation):
    from pilote.core.enums import Role
    from pilote.territoire.models import Call
    from tests.core.factories import MembershipFactory
    from tests.territoire import helpers

    call = Call.objects.filter(organisation=organisation).first()
    if call is None:
        actor = MembershipFactory(organisation=organisation, role=Role.ACHETEUR).user
        call = helpers.call(organisation, actor)
        one, _two = helpers.carriers(organisation)
        helpers.application(call, actor, one)
    return call


def _decision(organisation):
    from decimal import Decimal

    from pilote.core.enums import Role
    from pilote.territoire import fund
    from pilote.territoire.models import Decision
    from tests.core.factories import MembershipFactory

    decision = Decision.objects.filter(application__call__organisation=organisation).first()
    if decision is None:
        application = _call(organisation).applications.first()
        actor = MembershipFactory(organisation=organisation, role=Role.ACHETEUR).user
        decision = fund.do_decide(application, actor=actor, selected=True, reasons="Utile", amount=Decimal(1000),
                                  route="subvention")  # fmt: skip
    return decision


def _milestone(organisation):
    import datetime as dt

    from pilote.core.enums import Role
    from pilote.territoire import fund
    from tests.core.factories import MembershipFactory

    decision = _decision(organisation)
    milestone = decision.milestones.first()
    if milestone is None:
        actor = MembershipFactory(organisation=organisation, role=Role.ACHETEUR).user
        milestone = fund.do_add_milestone(decision, actor=actor, label="Ouverture", due_on=dt.date(2027, 9, 1))
    return milestone


KWARG_PROVIDERS = {
    "jalon_id": lambda organisation: _milestone(organisation).pk,
    "fonds_id": lambda organisation: _call(organisation).pool_id,
    "decision_id": lambda organisation: _decision(organisation).pk,
    "appel_id": lambda organisation: _call(organisation).pk,
    "candidature_id": lambda organisation: _call(organisation).applications.first().pk,
}
