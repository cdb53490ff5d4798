"""Main navigation: each app registers its entries in its AppConfig.ready, with the roles that may see them:
`register("Fiches visa", "fiches:list", roles, order=30)`. Every registered URL name must resolve with the
organisation's slug: a wrong one fails every page (NoReverseMatch) instead of silently dropping the entry.

An entry shows only to the roles it names AND that its view lets in (`can_open`: the `allowed_roles` that
`organisation_view` puts on every organisation page), so a menu never links to a 403 page; section menus
(sub-navigation in templates) use the same check through the `ui_can_open` filter.

`area` places an entry: "main" (the menu bar) or "outils" (the links beside the header's search field: help,
method of the figures)."""

from dataclasses import dataclass

from django.urls import Resolver404, resolve, reverse


MAIN, TOOLS = "main", "outils"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    order: int
    area: str = MAIN


_ITEMS: list[NavItem] = []


def register(label: str, url_name: str, roles, order: int, area: str = MAIN) -> None:
    if not any(item.url_name == url_name for item in _ITEMS):
        _ITEMS.append(NavItem(label, url_name, frozenset(roles), order, area))
        _ITEMS.sort(key=lambda item: item.order)


def can_open(url: str, roles) -> bool:
    """Whether `roles` pass the permission of the view behind `url` (a view without `allowed_roles` does its
    own checks: it stays)."""
    try:
        view = resolve(url.split("?")[0]).func
    except Resolver404:
        return False
    allowed = getattr(view, "allowed_roles", None)
    return allowed is None or bool(frozenset(roles) & allowed)


def navigation_for(request, organisation, roles, area: str = MAIN) -> list[dict]:
    entries = []
    for item in _ITEMS:
        if item.area != area or not roles & item.roles:
            continue
        url = reverse(item.url_name, kwargs={"slug": organisation.slug})
        if not can_open(url, roles):
            continue
        current = request.path == url or (url.count("/") > 3 and request.path.startswith(url))
        entries.append({"label": item.label, "url": url, "current": current})
    return entries
