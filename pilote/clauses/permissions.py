"""Who may do what with segment guides and the clause library."""

from pilote.core.enums import Role
from pilote.core.permissions import ALL_ROLES


CAN_VIEW_GUIDES = ALL_ROLES
# The support service (and the organisation's administrator) writes the guides and clauses.
CAN_EDIT_GUIDES = frozenset({Role.APPUI, Role.ADMIN})


def can_edit_clause(roles, clause, organisation) -> bool:
    """National model clauses are read-only; an organisation edits only its own."""
    return bool(roles & CAN_EDIT_GUIDES) and clause.organisation_id == organisation.pk
