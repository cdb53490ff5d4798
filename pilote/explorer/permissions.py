"""Who may use the explorer. The DECP are open data: every member may search and read them; importing a SIRENE
extract changes what the whole organisation sees, so it is left to buyers, support and admins."""

from pilote.contracts.permissions import CAN_IMPORT_SIRENE, can_import_sirene
from pilote.core.permissions import ALL_ROLES


CAN_EXPLORE = ALL_ROLES
__all__ = ["CAN_EXPLORE", "CAN_IMPORT_SIRENE", "can_import_sirene"]
