"""Who may do what in the census of needs."""

from pilote.core.enums import Role


# Everyone of the organisation sees the campaigns; elected members read the analyses.
CAN_VIEW = frozenset({Role.AGENT, Role.ACHETEUR, Role.APPUI, Role.ELU, Role.ADMIN})
# The support service opens, configures and closes campaigns.
CAN_MANAGE_CAMPAIGN = frozenset({Role.APPUI})
# Services declare their needs (agents, buyers) and the support service may enter them on their behalf.
CAN_DECLARE = frozenset({Role.AGENT, Role.ACHETEUR, Role.APPUI})
# Analyses: grouping, renewals, purchase plan, year-end comparison, split purchases.
CAN_ANALYSE = frozenset({Role.ACHETEUR, Role.APPUI, Role.ELU, Role.ADMIN})
# A fiche visa is written by an agent (pilote.fiches.permissions.CAN_WRITE_FICHES).
CAN_MAKE_FICHE = frozenset({Role.AGENT})


def can_edit_need(user, roles, need) -> bool:
    """The support service edits any need of an open campaign; others only the needs they entered; nobody
    once the campaign is closed or a fiche visa was made from the need."""
    if not need.campaign.is_open or need.fiche_id:
        return False
    if Role.APPUI in roles:
        return True
    return bool(roles & CAN_DECLARE) and need.created_by_id == user.pk
