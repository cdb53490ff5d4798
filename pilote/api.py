"""The JSON API (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each domain app exposes `router` in its `api.py`; they are mounted here under their prefix. Endpoints check
organisation and role themselves (session auth for members; public endpoints serve only published data).
Anonymous calls share one quota per address (django-ninja's throttling, pilote.core.throttling); going over it
gives a 429 with a French message and a Retry-After header."""

from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import Throttled

from pilote.analytics.api import router as analytics_router
from pilote.contracts.db import QueryInterrupted
from pilote.core.throttling import TOO_MANY_REQUESTS, AnonymousQuota
from pilote.explorer.api import router as explorer_router


class VendoredSwagger(Swagger):
    """ninja's Swagger page drawn from swagger-ui vendored under static/ (ninja's own page would load it from
    a CDN, with an inline script that the Content-Security-Policy forbids)."""

    template = "ui/swagger.html"

    def render_page(self, request, api, **kwargs):
        swagger_settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"swagger_settings": swagger_settings, "api": api})


api = NinjaAPI(
    title="API Pilote",
    version="1",
    description="Données de la commande publique et indicateurs d'achat public responsable.",
    urls_namespace="api",
    throttle=[AnonymousQuota()],
    docs=VendoredSwagger(),
)


@api.exception_handler(QueryInterrupted)
def query_too_long(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=503)


@api.exception_handler(Throttled)
def too_many_requests(request, exc):
    return api.create_response(request, {"detail": TOO_MANY_REQUESTS}, status=429)


api.add_router("/indicateurs", analytics_router)
api.add_router("/contrats", explorer_router)
