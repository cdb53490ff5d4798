"""Who may use the explorer. The DECP are open data: every member may search and read them; importing a SIRENE
extract changes what the whole organisation sees, so it is left to buyers, support and admins."""

from pilote.core.enums import Role
from pilote.core.permissions import ALL_ROLES


CAN_EXPLORE = ALL_ROLES
CAN_IMPORT_SIRENE = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN})


def can_import_sirene(roles) -> bool:
    return bool(frozenset(roles) & CAN_IMPORT_SIRENE)
