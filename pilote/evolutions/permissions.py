"""Who may follow and write the modification register and the evolution clauses."""

from pilote.core.enums import Role


# Everyone of the organisation follows the register, its counters and the red flags.
CAN_VIEW = frozenset(Role)
# Buyers, the support service and the administrators propose, sign, record opinions and build clauses.
CAN_EDIT = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN})
