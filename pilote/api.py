"""The JSON API (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each domain app exposes `router` in its `api.py`; they are mounted here under their prefix. Endpoints check
organisation and role themselves (session auth for members; public endpoints serve only published data).
Scripts authenticate with a personal API token (`Authorization: Bearer plt_…`, pilote.core.api_tokens), each
with its own quota. Anonymous calls share one quota per address (django-ninja's throttling, pilote.core.throttling); going over it
gives a 429 with a French message and a Retry-After header. Every error answers in French and names the
parameter at fault (`api_error_text`, ninja's exception handlers): {"detail": "annee : …", "erreurs": [...]}."""

from django.http import Http404
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, AuthorizationError, Throttled, ValidationError
from ninja.security import HttpBearer, django_auth

from pilote.analytics.api import router as analytics_router
from pilote.contracts.db import QueryInterrupted
from pilote.core.api_tokens import token_for
from pilote.core.throttling import TOO_MANY_REQUESTS, AnonymousQuota, TokenQuota
from pilote.explorer.api import router as explorer_router


class VendoredSwagger(Swagger):
    """ninja's Swagger page drawn from swagger-ui vendored under static/ (ninja's own page would load it from
    a CDN, with an inline script that the Content-Security-Policy forbids)."""

    template = "ui/swagger.html"

    def render_page(self, request, api, **kwargs):
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"swagger_settings": swagger_settings, "api": api})


class PersonalToken(HttpBearer):
    """`Authorization: Bearer plt_…`: a personal API token (read-only, revocable, created on the account page)
    acts as its owner, so the endpoints' own checks of organisation and role apply unchanged."""

    openapi_description = (
        "Jeton personnel, en lecture seule : créez-le sur la page « Mon compte → Jetons d'API » et envoyez-le "
        "dans l'en-tête `Authorization: Bearer plt_…`."
    )

    def authenticate(self, request, token):
        found = token_for(token, request.method)
        if found is not None:
            request.user = found.user
        return found


def without_token(request):
    """Last in the indicators' auth list: with no Authorization header the call goes on as the signed-in person
    or anonymously (published figures only, the anonymous quota); a wrong token is refused (401), never
    silently served as anonymous."""
    if "Authorization" in request.headers:
        return None
    return request.user


api = NinjaAPI(
    title="API Pilote",
    version="1",
    description="Données de la commande publique et indicateurs d'achat public responsable.",
    urls_namespace="api",
    throttle=[AnonymousQuota(), TokenQuota()],
    docs=VendoredSwagger(),
)


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) in French; `ctx` fills
# the bounds. An unknown type falls back to « valeur non valide » (never pydantic's English message).
_VALIDATION_TEXT = {
    "missing": "paramètre obligatoire absent",
    "int_parsing": "saisissez un nombre entier",
    "int_type": "saisissez un nombre entier",
    "int_from_float": "saisissez un nombre entier",
    "float_parsing": "saisissez un nombre",
    "float_type": "saisissez un nombre",
    "decimal_parsing": "saisissez un nombre",
    "bool_parsing": "saisissez true ou false",
    "date_parsing": "saisissez une date AAAA-MM-JJ",
    "date_from_datetime_parsing": "saisissez une date AAAA-MM-JJ",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "string_too_short": "doit compter au moins {min_length} caractère(s)",
    "string_too_long": "doit compter au plus {max_length} caractères",
    "string_pattern_mismatch": "format non valide",
    "string_type": "saisissez un texte",
    "literal_error": "valeur non admise (valeurs possibles : {expected})",
    "enum": "valeur non admise (valeurs possibles : {expected})",
}


def api_error_text(error: dict) -> tuple[str, str]:
    """(field, French message) of one pydantic validation error; the field is the parameter's name."""
    names = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    field = names[-1] if len(names) > 1 else (names[0] if names else "requête")
    template = _VALIDATION_TEXT.get(error.get("type", ""), "valeur non valide")
    try:
        message = template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError):
        message = template.split(" (")[0].replace("{", "").replace("}", "")
    return field, message


def _error(request, status: int, errors: list[tuple[str, str]]):
    detail = " ; ".join(f"{field} : {message}" for field, message in errors) + "."
    return api.create_response(
        request, {"detail": detail, "erreurs": [{"champ": f, "message": m} for f, m in errors]}, status=status
    )


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    return _error(request, 422, [api_error_text(error) for error in exc.errors])


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Ressource introuvable."}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {"detail": "Authorization : connexion ou jeton d'API valide requis (jeton absent, invalide ou révoqué)."},
        status=exc.status_code,
    )


@api.exception_handler(AuthorizationError)
def forbidden(request, exc):
    return api.create_response(request, {"detail": "Accès refusé."}, status=exc.status_code)


@api.exception_handler(QueryInterrupted)
def query_too_long(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=503)


@api.exception_handler(Throttled)
def too_many_requests(request, exc):
    return api.create_response(request, {"detail": TOO_MANY_REQUESTS}, status=429)


api.add_router("/indicateurs", analytics_router, auth=[PersonalToken(), without_token])
# the contracts API: a session or a personal token (the token first: a script has no session)
api.add_router("/contrats", explorer_router, auth=[PersonalToken(), django_auth])
