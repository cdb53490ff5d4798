"""Who may do what in the ressource-o-thèque."""

from pilote.core.enums import Role


# Everyone of the organisation sees the catalogue, the initiatives and their statements, and may file a booking
# request on behalf of an initiative it accompanies.
CAN_VIEW = frozenset(Role)
CAN_REQUEST = frozenset(Role)
# Resource managers: buyers, the support service and administrators keep the catalogue and approve bookings.
CAN_MANAGE = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN})
# Credits are granted by a recorded decision: the support service or administrators enter it.
CAN_GRANT = frozenset({Role.APPUI, Role.ADMIN})
# « Ajouter à la ressource-o-thèque après livraison » from a fiche or a need: the support service (or admins).
CAN_ADD_PURCHASE = frozenset({Role.APPUI, Role.ADMIN})
