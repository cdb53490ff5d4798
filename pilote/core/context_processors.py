"""Template context shared by every page: navigation for the current organisation and role, demo mode."""

from django.conf import settings

from pilote.core.models import Notification
from pilote.ui.navigation import TOOLS, navigation_for


def pilote(request):
    organisation = getattr(request, "organisation", None)
    roles = getattr(request, "roles", frozenset())
    return {
        "current_organisation": organisation,
        "current_roles": roles,
        "navigation": navigation_for(request, organisation, roles) if organisation else [],
        "header_links": navigation_for(request, organisation, roles, TOOLS) if organisation else [],
        "demo_mode": settings.PILOTE_DEMO,
        "ui_theme": settings.UI_THEME,
        "unread_notifications": _unread(request),
    }


def _unread(request) -> int:
    """Unread notifications of the signed-in person, for the bell of the header (one indexed count)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
