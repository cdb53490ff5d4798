"""The JSON API (django-ninja, OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Each domain app exposes `router` in its `api.py`; they are mounted here under their prefix. Endpoints check
organisation and role themselves (session auth for members; public endpoints serve only published data)."""

import importlib

from ninja import NinjaAPI


api = NinjaAPI(
    title="API Pilote",
    version="1",
    description="Données de la commande publique et indicateurs d'achat public responsable.",
    urls_namespace="api",
)

# (module, prefix): a module that does not exist yet is simply not mounted.
ROUTERS = [("pilote.analytics.api", "/indicateurs"), ("pilote.explorer.api", "/contrats")]

for module_name, prefix in ROUTERS:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        continue
    api.add_router(prefix, module.router)
