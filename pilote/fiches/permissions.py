"""Who may do what with fiches visa. The workflow's per-transition roles live in `workflow.py`."""

from pilote.core.enums import Role


# Agents write fiches; the support service reviews them; buyers follow them; the administrator oversees;
# elected members read them (the menu shows "Fiches visa" to everyone) but never write, not even a comment.
CAN_VIEW_FICHES = frozenset({Role.AGENT, Role.ACHETEUR, Role.APPUI, Role.ADMIN, Role.ELU})
CAN_COMMENT = frozenset({Role.AGENT, Role.ACHETEUR, Role.APPUI, Role.ADMIN})
CAN_WRITE_FICHES = frozenset({Role.AGENT})
CAN_REVIEW = frozenset({Role.APPUI})
# Agents see only their own fiches; these roles see every fiche of the organisation.
SEES_ALL_FICHES = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN, Role.ELU})
CAN_FOLLOW = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN})
CAN_LINK_CONTRACT = frozenset({Role.ACHETEUR, Role.APPUI})
CAN_EVALUATE = frozenset({Role.ACHETEUR, Role.APPUI})
CAN_VIEW_STATS = frozenset({Role.ACHETEUR, Role.APPUI, Role.ADMIN, Role.ELU})


def visible_fiches(qs, user, roles):
    return qs if roles & SEES_ALL_FICHES else qs.filter(author=user)


def can_view(user, roles, fiche) -> bool:
    return bool(roles & SEES_ALL_FICHES) or (bool(roles & CAN_VIEW_FICHES) and fiche.author_id == user.pk)


def can_edit(user, roles, fiche) -> bool:
    """The author edits a draft or a fiche sent back to them; never once submitted."""
    from pilote.fiches.models import Status

    return (
        bool(roles & CAN_WRITE_FICHES)
        and fiche.author_id == user.pk
        and fiche.status in (Status.BROUILLON, Status.A_REPRENDRE)
    )


def can_comment(user, roles, fiche) -> bool:
    return bool(roles & CAN_COMMENT) and can_view(user, roles, fiche)


def can_attach(user, roles, fiche) -> bool:
    return can_edit(user, roles, fiche) or bool(roles & CAN_REVIEW)
