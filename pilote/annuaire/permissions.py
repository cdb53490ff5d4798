"""Who may do what in the knowledge network (annuaire, retours d'expérience, charte, réserve, formation).

By role in the organisation:
- everyone (agent, acheteur, appui, élu, admin) reads the directory, the lessons, the charter, the reserve's
  requests and the training catalogue, and enrols themselves in a session (or leaves it);
- agents, buyers, appui and admin write lessons learnt and keep their own directory entry up to date;
- appui and admin manage the directory (add or edit anybody of the organisation), the training catalogue
  (modules, sessions, enrolling colleagues, attendance), the sourcing charter, and the reserve's requests
  (post, choose a reservist, follow, close).
An élu reads only. Nobody enrols a person of another organisation: a session's participants are people of
the organisation that runs it. People and lessons of other organisations are shown only when they agreed to
be shared (`Person.share_with_partners`, `Lesson.shared_with_partners`).
"""

from pilote.core.enums import Role
from pilote.core.permissions import ALL_ROLES, roles_in


CONTRIBUTORS = frozenset({Role.AGENT, Role.ACHETEUR, Role.APPUI, Role.ADMIN})
MANAGERS = frozenset({Role.APPUI, Role.ADMIN})

CAN_VIEW = ALL_ROLES
CAN_ENROL_SELF = ALL_ROLES
CAN_WRITE_LESSON = CONTRIBUTORS
CAN_EDIT_OWN_ENTRY = CONTRIBUTORS
CAN_MANAGE_DIRECTORY = MANAGERS
CAN_MANAGE_CHARTER = MANAGERS
CAN_MANAGE_TRAINING = MANAGERS
CAN_MANAGE_RESERVE = MANAGERS


def can_edit_person(user, person) -> bool:
    """Managers edit anybody of their organisation; others only their own entry."""
    roles = roles_in(user, person.organisation)
    if roles & CAN_MANAGE_DIRECTORY:
        return True
    return bool(roles & CAN_EDIT_OWN_ENTRY) and person.user_id == user.pk


def can_edit_lesson(user, lesson) -> bool:
    roles = roles_in(user, lesson.organisation)
    if roles & MANAGERS:
        return True
    return bool(roles & CAN_WRITE_LESSON) and lesson.author_id == user.pk


def can_enrol(user, session, person) -> bool:
    """A person of the session's organisation, enrolled by themselves or by a training manager there."""
    organisation = session.module.organisation
    if person.organisation_id != organisation.pk:
        return False
    roles = roles_in(user, organisation)
    if roles & CAN_MANAGE_TRAINING:
        return True
    return bool(roles & CAN_ENROL_SELF) and person.user_id == user.pk
