"""Who may do what with strategies, modeller sessions and citizen juries."""

from pilote.core.enums import Role


# Everyone of the organisation follows the strategies and their cockpit, and takes part in the deliberation.
CAN_VIEW = frozenset(Role)
CAN_COMMENT = frozenset(Role)
# Buyers, the support service and the administrators write objectives, run sessions and revise strategies.
CAN_EDIT = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN})
# Juries handle personal data: the support service and the administrators only.
CAN_MANAGE_JURY = frozenset({Role.APPUI, Role.ADMIN})
