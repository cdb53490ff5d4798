"""Request quotas, one place for both kinds:

- the JSON API's anonymous quota: django-ninja's own `AnonRateThrottle` (a sliding window of timestamps in the
  shared cache, stored with the window's duration as timeout, so the window always closes), configured once on
  the NinjaAPI in pilote/api.py;
- failed logins: rows of `LoginFailure` in the database (`services.login_is_throttled`), which also survive a
  cache flush.

Both count per the same client address (`client_address`): the address the server sees (REMOTE_ADDR). ninja's
default would trust the whole X-Forwarded-For header, which any client can write to get a fresh quota."""

import threading

from ninja.throttling import AnonRateThrottle


API_ANONYMOUS_RATE = "60/min"  # requests per address without an account (members are not limited)
TOO_MANY_REQUESTS = "Trop de requêtes : réessayez dans une minute ou connectez-vous."


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


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
    """ninja's anonymous throttle, counted per `client_address`, skipping people logged in by session (the
    indicators endpoint has no ninja `auth`, so `request.auth` alone would not tell members apart)."""

    key = _PerThread()
    history = _PerThread()
    now = _PerThread()

    def __init__(self, rate: str = API_ANONYMOUS_RATE):
        self._state = threading.local()
        super().__init__(rate)

    def get_ident(self, request) -> str:
        return client_address(request) or "inconnue"

    def get_cache_key(self, request) -> str | None:
        user = getattr(request, "user", None)
        if getattr(request, "auth", None) is not None or (user is not None and user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
