"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Each gunicorn worker imports this module when it boots: importing the URLconf (every view, with DuckDB,
# Polars and the API) here costs ~0.9 s at boot instead of during the worker's first request, and so does the
# template engine's setup (it imports every app's template tags: ~20-35 ms). Not done before the fork
# (--preload): a Polars thread pool started in the parent does not survive a fork.
from django.template import engines  # noqa: E402
from django.urls import get_resolver  # noqa: E402


get_resolver().url_patterns  # noqa: B018
engines["django"].engine.template_libraries  # noqa: B018
