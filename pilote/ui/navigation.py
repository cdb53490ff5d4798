"""Main navigation: each app registers its entries in its AppConfig.ready, with the roles that may see them:
`register("Fiches visa", "fiches:list", roles, order=30)`. Every registered URL name must resolve with the
organisation's slug: a wrong one fails every page (NoReverseMatch) instead of silently dropping the entry.

`area` places an entry: "main" (the menu bar) or "outils" (the links beside the header's search field: help,
method of the figures)."""

from dataclasses import dataclass

from django.urls import reverse


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


def navigation_for(request, organisation, roles, area: str = MAIN) -> list[dict]:
    entries = []
    for item in _ITEMS:
        if item.area != area or not roles & item.roles:
            continue
        url = reverse(item.url_name, kwargs={"slug": organisation.slug})
        current = request.path == url or (url.count("/") > 3 and request.path.startswith(url))
        entries.append({"label": item.label, "url": url, "current": current})
    return entries
