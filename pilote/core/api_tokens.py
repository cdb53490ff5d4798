"""Personal API tokens: programmatic, read-only access to the JSON API for a person, without a session.

A token is shown once, when it is created (`plt_` + 43 random characters); only its SHA-256 is stored, with its
first characters to recognise it in the list. It acts as its owner (the API's own checks of organisation and
role apply), only for reading (GET), until it is revoked; each token has its own quota
(pilote.core.throttling.TokenQuota). Created and revoked from the account page (pilote.core.account), both
through the services below, with an audit row."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from pilote.core.audit import CoreVerb


PREFIX = "plt_"
MAX_ACTIVE_PER_USER = 10
READ_METHODS = frozenset({"GET", "HEAD"})
USED_EVERY = timedelta(minutes=1)


class Scope(models.TextChoices):
    LECTURE = "lecture", "Lecture seule"


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="personne"
    )
    name = models.CharField("nom", max_length=100)
    scope = models.CharField("portée", max_length=20, choices=Scope.choices, default=Scope.LECTURE)
    key_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True)
    hint = models.CharField("début du jeton", max_length=12)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    class Meta:
        app_label = "core"
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @property
    def api_token_id(self) -> int:
        """What the API's quota counts (pilote.core.throttling.TokenQuota)."""
        return self.pk

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def do_create_api_token(user, *, name: str, actor) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its secret, which is never readable again."""
    from pilote.core.services import record_event  # services imports the models, which import this module

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
    from pilote.core.services import record_event

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
