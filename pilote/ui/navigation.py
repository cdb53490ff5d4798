"""Main navigation: each app registers its entries in its AppConfig.ready, with the roles that may see them:
`register("Fiches visa", "fiches:list", roles, order=30)`. Every registered URL name must resolve with the
organisation's slug: a wrong one fails every page (NoReverseMatch) instead of silently dropping the entry."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    order: int


_ITEMS: list[NavItem] = []


def register(label: str, url_name: str, roles, order: int) -> None:
    if not any(item.url_name == url_name for item in _ITEMS):
        _ITEMS.append(NavItem(label, url_name, frozenset(roles), order))
        _ITEMS.sort(key=lambda item: item.order)


def navigation_for(request, organisation, roles) -> list[dict]:
    entries = []
    for item in _ITEMS:
        if not roles & item.roles:
            continue
        url = reverse(item.url_name, kwargs={"slug": organisation.slug})
        current = request.path == url or (url.count("/") > 3 and request.path.startswith(url))
        entries.append({"label": item.label, "url": url, "current": current})
    return entries
