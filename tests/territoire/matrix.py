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


KWARG_PROVIDERS = {
    "appel_id": lambda organisation: _call(organisation).pk,
    "candidature_id": lambda organisation: _call(organisation).applications.first().pk,
}
