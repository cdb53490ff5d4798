"""Who may see and change what in the cockpit."""

from pilote.core.enums import Role
from pilote.core.permissions import ALL_ROLES, has_any_role


CAN_VIEW_COCKPIT = ALL_ROLES
CAN_EXPORT = ALL_ROLES
# SPASER targets and report comments are the support service's work.
CAN_EDIT_TARGETS = frozenset({Role.APPUI, Role.ADMIN})


def can_edit_targets(user, organisation) -> bool:
    return has_any_role(user, organisation, CAN_EDIT_TARGETS)
