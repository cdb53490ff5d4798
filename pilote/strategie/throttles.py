"""Request quotas of the pages reached without an account (joining a modeller session, a juror's space), per client
address as pilote.core.throttling reads it, with django-ninja's sliding-window throttle (the one the API uses).
Members of an organisation signed in are not counted."""

from ninja.throttling import SimpleRateThrottle

from pilote.core.throttling import client_address


# A meeting room of 40 phones behind one address joins in two requests each; guessing an 8-character code
# among 32 symbols (10¹²) or a 256-bit token at this pace is hopeless.
GUEST_RATE = "120/min"
TOO_MANY = "Trop de tentatives depuis cette adresse : réessayez dans une minute."


class _PerAddress(SimpleRateThrottle):
    def __init__(self, scope: str, ident: str, rate: str):
        self.scope, self.ident = scope, ident
        super().__init__(rate)

    def get_cache_key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def guest_allowed(request, scope: str) -> bool:
    """One more request of a guest page from this address, if its quota allows it."""
    if request.user.is_authenticated and request.user.memberships.exists():
        return True
    ident = client_address(request) or "inconnue"
    return _PerAddress(f"strategie_{scope}", ident, GUEST_RATE).allow_request(request)
