"""Who may change the contract reference data of an organisation. Importing a SIRENE extract changes what the
whole organisation sees (supplier names, SME and local shares), so it is left to buyers, support and admins."""

from pilote.core.enums import Role


CAN_IMPORT_SIRENE = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN})


def can_import_sirene(roles) -> bool:
    return bool(frozenset(roles) & CAN_IMPORT_SIRENE)
