"""Root URL configuration: one include per domain app."""

from django.contrib import admin
from django.urls import include, path

from pilote.api import api


urlpatterns = [
    path("", include("pilote.core.urls")),
    # Each domain app declares its full paths (organisation pages live under o/<slug>/...).
    path("", include("pilote.decp.urls")),
    path("", include("pilote.analytics.urls")),
    path("", include("pilote.explorer.urls")),
    path("", include("pilote.clauses.urls")),
    path("", include("pilote.fiches.urls")),
    path("", include("pilote.recensement.urls")),
    path("", include("pilote.annuaire.urls")),
    path("", include("pilote.strategie.urls")),
    path("", include("pilote.communs.urls")),
    path("", include("pilote.territoire.urls")),
    path("", include("pilote.evolutions.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "pilote.ui.views.bad_request"
handler403 = "pilote.ui.views.permission_denied"
handler404 = "pilote.ui.views.page_not_found"
handler500 = "pilote.ui.views.server_error"
