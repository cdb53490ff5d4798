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
        from pilote.evolutions import services

        services.do_sign_modification(helpers.propose(register, actor, 1000), actor=actor)
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


def _negotiation(organisation):
    from pilote.evolutions.models import Negotiation
    from tests.evolutions import helpers

    negotiation = Negotiation.objects.filter(organisation=organisation).first()
    if negotiation is None:
        negotiation = helpers.negotiation_with_claims(organisation, _actor(organisation))
    return negotiation


def _commitment(organisation):
    from pilote.evolutions import negotiation as service
    from pilote.evolutions.models import Claim, Commitment

    found = Commitment.objects.filter(claim__bidder__negotiation=_negotiation(organisation)).first()
    if found is None:
        claim = Claim.objects.filter(bidder__negotiation=_negotiation(organisation)).first()
        found = service.do_accept_commitment(claim, actor=_actor(organisation), indicator="Heures d'insertion")
    return found


def _theatre(organisation):
    from pilote.evolutions import theatre
    from pilote.evolutions.models import TheatreSession

    session = TheatreSession.objects.filter(organisation=organisation).first()
    if session is None:
        session = theatre.do_open_session(
            organisation, actor=_actor(organisation), title="Répétition", agenda="Activer la clause",
            roles=[("mediateur", "Claire", "Tenir le temps"), ("fournisseur", "Paul", "Demander +10 %")],
            rehearsal=True,
        )  # fmt: skip
    return session


def _fiche_link(organisation):
    from pilote.evolutions import fiche_clauses
    from pilote.evolutions.models import FicheClause
    from tests.fiches.matrix import matrix_fiche

    fiche = matrix_fiche(organisation)
    link = FicheClause.objects.filter(fiche=fiche).first()
    return link or fiche_clauses.do_attach_evolution_clause(fiche, _clause(organisation), actor=_actor(organisation))


PUBLIC_VIEWS = {"evolutions:theatre_brief": "authenticated by the per-player token (stored hashed), 404 otherwise"}

KWARG_PROVIDERS = {
    "seance_theatre_id": lambda organisation: _theatre(organisation).pk,
    "role_theatre_id": lambda organisation: _theatre(organisation).roles.first().pk,
    "negociation_id": lambda organisation: _negotiation(organisation).pk,
    "allegation_id": lambda organisation: _negotiation(organisation).bidders.first().claims.first().pk,
    "engagement_id": lambda organisation: _commitment(organisation).pk,
    "registre_id": lambda organisation: _register(organisation).pk,
    "modification_id": lambda organisation: _register(organisation).modifications.first().pk,
    "clause_evolution_id": lambda organisation: _clause(organisation).pk,
    "rattachement_id": lambda organisation: _fiche_link(organisation).pk,
}
