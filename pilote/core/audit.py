"""Audit verbs: every `AuditEvent.verb` is a member of one app's `TextChoices` (zulip's AuditLogEventType).

Each app declares its verbs in `<app>/audit.py` (`class FicheVerb(models.TextChoices)`, values "<domaine>.<action>",
labels in French), passes the members to `pilote.core.services.record_event(verb=...)`, and registers its enum in
its AppConfig.ready with `register_verbs(FicheVerb)`. `record_event` refuses a verb that no registered enum
holds, so a free string can no longer reach the audit trail; tests/core/test_audit.py also checks every call
site statically. Values are stored as they are: never rename one (old rows keep it), add a member instead."""

from django.db import models


class CoreVerb(models.TextChoices):
    ORGANISATION_CREEE = "organisation.creee", "organisation créée"
    ORGANISATION_MODIFIEE = "organisation.modifiee", "organisation modifiée"
    MEMBRE_AJOUTE = "membre.ajoute", "membre ajouté"
    MEMBRE_ROLE_MODIFIE = "membre.role_modifie", "rôle d'un membre modifié"
    MEMBRE_RETIRE = "membre.retire", "membre retiré"
    INVITATION_ENVOYEE = "invitation.envoyee", "invitation envoyée"
    INVITATION_ACCEPTEE = "invitation.acceptee", "invitation acceptée"
    EXPORT_DEMANDE = "export.demande", "export volumineux demandé (préparé en arrière-plan)"
    JETON_CREE = "jeton.cree", "jeton d'API créé"
    JETON_REVOQUE = "jeton.revoque", "jeton d'API révoqué"
    INVITATION_RENVOYEE = "invitation.renvoyee", "invitation renvoyée"
    INVITATION_REVOQUEE = "invitation.revoquee", "invitation révoquée"


_ENUMS: list[type[models.TextChoices]] = []


def register_verbs(enum: type[models.TextChoices]) -> None:
    """Declare an app's audit verbs (call it from the app's AppConfig.ready). A value already held by another
    enum is refused: one verb, one meaning."""
    if enum in _ENUMS:
        return
    taken = registered_verbs()
    clashes = sorted(value for value in enum.values if value in taken)
    if clashes:
        raise ValueError(f"{enum.__name__}: audit verbs already registered by another app: {clashes}")
    _ENUMS.append(enum)


def registered_enums() -> list[type[models.TextChoices]]:
    return list(_ENUMS)


def registered_verbs() -> dict[str, str]:
    """Every registered verb -> its French label."""
    return {value: label for enum in _ENUMS for value, label in enum.choices}


def checked_verb(verb: str) -> str:
    """`verb` as stored, or ValueError when no registered enum holds it."""
    value = str(verb)
    if value not in registered_verbs():
        raise ValueError(f"audit verb {value!r} is not a member of any registered enum (pilote.core.audit)")
    return value


def verb_label(verb: str) -> str:
    """French label of a stored verb (the verb itself for one no longer declared)."""
    return registered_verbs().get(verb, verb)
