"""Permission-matrix providers for the strategy URLs (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {
    "strategie:public_strategy": "public: only strategies the organisation published, without personal data",
    "strategie:join": "joining a modeller session by its code (members as themselves, others as guests)",
    "strategie:play": "participants of the session only (member who joined, or guest token scoped to the session)",
    "strategie:comparison": "participants of the session only (HTMX polling of the comparison)",
    "strategie:scenario_create": "participants of the session only (POST)",
    "strategie:item_add": "participants of the session only (POST)",
    "strategie:item_remove": "participants of the session only (POST)",
    "strategie:vote": "participants of the session only (POST)",
    "strategie:round_close": "the session's mediator only (POST)",
    "strategie:decide": "the session's mediator only (POST)",
    "strategie:note_add": "participants of the session only (POST)",
    "strategie:juror_space": "public-by-token: one jury member's personal link (hashed, revocable, expiring with "
    "the term); only public documents and the juror's own opinion; a wrong/revoked/expired token is a 404",
}


def _actor(organisation):
    from pilote.core.enums import Role
    from tests.core.factories import MembershipFactory

    return MembershipFactory(organisation=organisation, role=Role.ACHETEUR).user


def _strategy(organisation):
    from pilote.strategie.models import Strategy
    from tests.strategie import helpers

    strategy = Strategy.objects.filter(organisation=organisation).first()
    if strategy is None:
        strategy, _ = helpers.finished_strategy(organisation, _actor(organisation))
    return strategy


def _jury(organisation):
    from pilote.strategie import juries
    from pilote.strategie.models import Jury
    from tests.strategie import helpers

    jury = Jury.objects.filter(organisation=organisation).first()
    if jury is None:
        actor = _actor(organisation)
        jury = helpers.jury(organisation, actor, strategy=_strategy(organisation), size=2, quotas=[])
        helpers.volunteers(jury, actor, n_women=2, n_men=1)
        juries.do_publish_seed(jury, actor=actor, seed="graine-de-test")
        jury = juries.do_draw_jury(jury, actor=actor, seed="graine-de-test")
    return jury


KWARG_PROVIDERS = {
    "jeton": lambda organisation: "jeton-inconnu",
    "objectif_id": lambda organisation: _strategy(organisation).objective_id,
    "strategie_id": lambda organisation: _strategy(organisation).pk,
    "instrument_strategie_id": lambda organisation: (
        _strategy(organisation).axes.first().levers.first().instruments.first().pk
    ),
    "levier_id": lambda organisation: _strategy(organisation).axes.first().levers.first().pk,
    "indicateur_id": lambda organisation: _strategy(organisation).objective.indicators.first().pk,
    "seance_id": lambda organisation: _strategy(organisation).source_scenario.session_id,
    "jury_id": lambda organisation: _jury(organisation).pk,
    "volontaire_id": lambda organisation: _jury(organisation).volunteers.first().pk,
    "membre_jury_id": lambda organisation: _jury(organisation).members.first().pk,
}
