"""Permission-matrix providers for the ressource-o-thèque URLs (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {
    "communs:public_catalogue": "public: only organisations that chose to publish, only resources marked public",
    "communs:public_photo": "public: a photo of a resource on the public catalogue (published organisation, public "
    "resource), 404 otherwise",
}


def _setup(organisation):
    """A room, an initiative with credits, an approved booking and a ticket of `organisation` (built once)."""
    from pilote.communs import board, catalogue, services
    from pilote.communs.models import (
        Booking,
        Initiative,
        MaintenanceTicket,
        Movement,
        Proposal,
        Resource,
        ResourcePhoto,
    )
    from tests.communs import helpers
    from tests.communs.photo_files import jpeg_bytes, upload

    initiative = Initiative.objects.filter(organisation=organisation).first()
    if initiative is None:
        actor = helpers.manager(organisation)
        initiative = helpers.initiative(organisation, actor)
        helpers.grant(initiative, actor, 50)
        room = helpers.room(organisation, actor)
        start, end = helpers.slot()
        booking = services.do_request_booking(
            room, initiative, starts_at=start, ends_at=end, purpose="réunion", actor=actor
        )
        services.do_approve_booking(booking, actor=actor)
        tool = helpers.tool(organisation, actor)
        services.do_open_ticket(tool, description="roue voilée", actor=actor)
        catalogue.do_add_photo(tool, upload=upload("outil.jpg", jpeg_bytes()), alt_text="L'outil", actor=actor)
        board.do_open_proposal(
            organisation, kind="allocation", initiative=initiative, amount=10, reasons="démarrage", actor=actor
        )
    return {
        "initiative": initiative,
        "resource": Resource.objects.filter(organisation=organisation).first(),
        "booking": Booking.objects.filter(resource__organisation=organisation).first(),
        "ticket": MaintenanceTicket.objects.filter(resource__organisation=organisation).first(),
        "movement": Movement.objects.filter(organisation=organisation).first(),
        "proposal": Proposal.objects.filter(organisation=organisation).first(),
        "photo": ResourcePhoto.objects.filter(resource__organisation=organisation).first(),
    }


KWARG_PROVIDERS = {
    "ressource_id": lambda organisation: _setup(organisation)["resource"].pk,
    "initiative_id": lambda organisation: _setup(organisation)["initiative"].pk,
    "reservation_id": lambda organisation: _setup(organisation)["booking"].pk,
    "ticket_id": lambda organisation: _setup(organisation)["ticket"].pk,
    "ecriture_id": lambda organisation: _setup(organisation)["movement"].pk,
    "proposition_id": lambda organisation: _setup(organisation)["proposal"].pk,
    "etape": lambda organisation: "approuver",
    "photo_id": lambda organisation: _setup(organisation)["photo"].pk,
}
