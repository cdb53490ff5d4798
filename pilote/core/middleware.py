"""Request-wide context: the organisations a signed-in person can switch to, and one structured log line per
request."""

import logging
import time

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

from pilote.core.permissions import organisations_of


logger = logging.getLogger("pilote.requests")


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user_organisations = SimpleLazyObject(lambda: organisations_of(request.user))
        request.organisation = None
        request.roles = frozenset()
        return self.get_response(request)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.monotonic()
        response = self.get_response(request)
        organisation = getattr(request, "organisation", None)
        logger.info(
            "requete",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - start) * 1000, 1),
                "user_id": getattr(request.user, "pk", None) if hasattr(request, "user") else None,
                "organisation": organisation.slug if organisation else None,
            },
        )
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` (and the rest of Django's
    never-cache headers) on every page of a signed-in person and on every download, so that neither a shared
    proxy nor the browser's back button keeps an organisation's data after logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.streaming or "attachment" in response.get("Content-Disposition", "")
        if signed_in or download:
            add_never_cache_headers(response)
        return response


class NulCharacterMiddleware:
    """A NUL character in the path or the query string answers 400: no text column of PostgreSQL can hold it, so
    any lookup with it would end in a server error (schemathesis found `?organisation=%00` on the API). Forms
    already refuse it field by field; this covers every query parameter, API included, in one place."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = (value for _key, items in request.GET.lists() for value in items)
        if "\x00" in request.path or any("\x00" in value for value in values):
            return HttpResponseBadRequest("Requête refusée : elle contient un caractère nul.")
        return self.get_response(request)
