"""Permission-matrix providers for the evolutions URLs (see tests/core/test_permission_matrix.py)."""


def _actor(organisation):
    from pilote.core.enums import Role
    from tests.core.factories import MembershipFactory

    return MembershipFactory(organisation=organisation, role=Role.ACHETEUR).user


def _register(organisation):
    from pilote.evolutions.models import Register
    from tests.evolutions import helpers

    register = Register.objects.filter(organisation=organisation).first()
    if register is None:
        actor = _actor(organisation)
        register = helpers.register(organisation, actor, awarded_by_cao=False)
        helpers.propose(register, actor, 1000)
    return register


def _clause(organisation):
    from pilote.evolutions import services
    from pilote.evolutions.models import EvolutionClause
    from tests.evolutions import helpers

    clause = EvolutionClause.objects.filter(organisation=organisation).first()
    if clause is None:
        clause = services.do_create_evolution_clause(
            organisation, actor=_actor(organisation), register=_register(organisation), **helpers.clause_fields()
        )
    return clause


KWARG_PROVIDERS = {
    "registre_id": lambda organisation: _register(organisation).pk,
    "modification_id": lambda organisation: _register(organisation).modifications.first().pk,
    "clause_evolution_id": lambda organisation: _clause(organisation).pk,
}
