"""The JSON API (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each domain app exposes `router` in its `api.py`; they are mounted here under their prefix. Endpoints check
organisation and role themselves (session auth for members; public endpoints serve only published data)."""

from ninja import NinjaAPI

from pilote.analytics.api import router as analytics_router
from pilote.explorer.api import router as explorer_router


api = NinjaAPI(
    title="API Pilote",
    version="1",
    description="Données de la commande publique et indicateurs d'achat public responsable.",
    urls_namespace="api",
)
api.add_router("/indicateurs", analytics_router)
api.add_router("/contrats", explorer_router)
