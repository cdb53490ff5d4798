"""Template context shared by every page: navigation for the current organisation and role, demo mode."""

from django.conf import settings

from pilote.ui.navigation import navigation_for


def pilote(request):
    organisation = getattr(request, "organisation", None)
    roles = getattr(request, "roles", frozenset())
    return {
        "current_organisation": organisation,
        "current_roles": roles,
        "navigation": navigation_for(request, organisation, roles) if organisation else [],
        "demo_mode": settings.PILOTE_DEMO,
        "ui_theme": settings.UI_THEME,
    }
