"""Request quotas and the client address they count, in one place:

- `client_address`: the address of the person, not of the reverse proxy in front. `X-Forwarded-For` is read
  only when the connection comes from a proxy listed in `PILOTE_TRUSTED_PROXIES` (addresses or networks), and
  then the right-most address that is not itself a trusted proxy is taken: the left part of the header is
  written by the client and cannot be believed;
- the JSON API's anonymous quota: django-ninja's own `AnonRateThrottle` (a sliding window of timestamps in the
  shared cache, stored with the window's duration as timeout, so the window closes after its period), configured
  once on the NinjaAPI in pilote/api.py;
- password reset requests: the same ninja throttles, per address and per e-mail (`password_reset_allowed`);
- failed logins: rows of `LoginFailure` in the database (`services.login_is_throttled`), per account and per
  `client_address`, which also survive a cache flush."""

import hashlib
import ipaddress
import threading
from functools import lru_cache

from django.conf import settings
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle


API_ANONYMOUS_RATE = "60/min"  # requests per address without an account (members are not limited)
TOO_MANY_REQUESTS = "Trop de requêtes : réessayez dans une minute ou connectez-vous."
RESET_RATE_PER_ADDRESS = "10/h"
RESET_RATE_PER_EMAIL = "3/h"


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.PILOTE_TRUSTED_PROXIES))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not forwarded or not _is_trusted(_ip(remote or ""), networks):
        return remote
    for hop in reversed(forwarded.split(",")):
        address = _ip(hop)
        if address is None:
            return remote  # a malformed hop: nothing to its left can be believed either
        if not _is_trusted(address, networks):
            return str(address)
    return remote  # every hop is a trusted proxy: the request comes from inside


class _PerThread:
    """ninja keeps the request being checked on the throttle object (`key`, `history`, `now`), and one throttle
    object serves every request: with gunicorn threads, two requests would mix their counters. These
    attributes are therefore kept per thread."""

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        return getattr(obj._state, self.name)

    def __set__(self, obj, value):
        setattr(obj._state, self.name, value)


class AnonymousQuota(AnonRateThrottle):
    """ninja's anonymous throttle, counted per `client_address`, skipping people signed in by session or by
    token (`request.user`: the indicators' auth lets anonymous calls through, so `request.auth` is always set)."""

    key = _PerThread()
    history = _PerThread()
    now = _PerThread()

    def __init__(self, rate: str = API_ANONYMOUS_RATE):
        self._state = threading.local()
        super().__init__(rate)

    def get_ident(self, request) -> str:
        return client_address(request) or "inconnue"

    def get_cache_key(self, request) -> str | None:
        user = getattr(request, "user", None)  # a personal token sets its owner here (pilote/api.py)
        if user is not None and user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _KeyedQuota(SimpleRateThrottle):
    """A ninja throttle on any identifier (an address, a hashed e-mail), built for one check."""

    def __init__(self, scope: str, ident: str, rate: str):
        self.scope, self.ident = scope, ident
        super().__init__(rate)

    def get_cache_key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def password_reset_allowed_from(request) -> bool:
    """One more reset request from this address, if its hourly quota allows it."""
    ident = client_address(request) or "inconnue"
    return _KeyedQuota("password_reset_ip", ident, RESET_RATE_PER_ADDRESS).allow_request(request)


def password_reset_allowed_for(request, email: str) -> bool:
    """One more reset e-mail to this address, if its hourly quota allows it (no one is flooded with e-mails)."""
    ident = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return _KeyedQuota("password_reset_email", ident, RESET_RATE_PER_EMAIL).allow_request(request)


PER_API_KEY_RATE = "1000/h"  # requests an hour per personal API token


class TokenQuota(SimpleRateThrottle):
    """ninja's throttle per personal API token (pilote.core.api_tokens): each token has its own hourly quota,
    so that one script cannot take the API from the others. Requests without a token are not counted here."""

    key = _PerThread()
    history = _PerThread()
    now = _PerThread()
    scope = "api_token"

    def __init__(self, rate: str = PER_API_KEY_RATE):
        self._state = threading.local()
        super().__init__(rate)

    def get_cache_key(self, request) -> str | None:
        token_id = getattr(getattr(request, "auth", None), "api_token_id", None)
        if token_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token_id}
