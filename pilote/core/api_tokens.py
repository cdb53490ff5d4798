"""Personal API tokens: programmatic, read-only access to the JSON API for a person, without a session.

A token is shown once, when it is created (`plt_` + 43 random characters); only its SHA-256 is stored, with its
first characters to recognise it in the list. It acts as its owner (the API's own checks of organisation and
role apply), only for reading (GET), until it is revoked; each token has its own quota
(pilote.core.throttling.TokenQuota). Created and revoked from the account page (pilote.core.account), both
through the services below, with an audit row. The model itself is in pilote.core.models (ApiToken).

__all__ names the model too: callers import the token's whole story from here."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.core.audit import CoreVerb
from pilote.core.models import ApiToken
from pilote.core.services import record_event


PREFIX = "plt_"
MAX_ACTIVE_PER_USER = 10
READ_METHODS = frozenset({"GET", "HEAD"})
USED_EVERY = timedelta(minutes=1)
__all__ = ["MAX_ACTIVE_PER_USER", "ApiToken", "do_create_api_token", "do_revoke_api_token", "token_for"]


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_api_token(user, *, name: str, actor) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never readable again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom au jeton (l'outil ou le script qui l'utilise)."})
    if ApiToken.objects.filter(user=user, revoked_at=None).count() >= MAX_ACTIVE_PER_USER:
        raise ValidationError(f"{MAX_ACTIVE_PER_USER} jetons actifs au plus : révoquez-en un d'abord.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=_digest(raw), hint=raw[:12])
    record_event(actor=actor, organisation=None, verb=CoreVerb.JETON_CREE, target=str(token))
    return token, raw


@transaction.atomic
def do_revoke_api_token(token: ApiToken, *, actor) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(actor=actor, organisation=None, verb=CoreVerb.JETON_REVOQUE, target=str(token))


def token_for(raw: str, method: str) -> ApiToken | None:
    """The active token of an active person for this secret, if the request only reads; None otherwise."""
    if method not in READ_METHODS or not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_digest(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is not None and (token.last_used_at is None or timezone.now() - token.last_used_at > USED_EVERY):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())  # at most once a minute
    return token
