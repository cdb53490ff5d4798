"""Who may do what with the territory's map and the local innovation fund."""

from pilote.core.enums import Role


CAN_VIEW = frozenset(Role)
# Imports, merges, schemes and the fund's calls, committee and decisions.
CAN_EDIT = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN})
