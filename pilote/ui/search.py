"""The search field of the header: one query, one results page grouped by kind. ui knows no kind; each app
registers its sources in its AppConfig.ready:

    register_search_source(SearchSource(
        key="fiches", label="Fiches visa", roles=CAN_VIEW_FICHES, search=find_fiches, order=40,
    ))

`search(request, q)` runs with `request.organisation`, `request.roles` and `request.user` set and returns a
`Found`: at most a few hits (title, url, detail), the total when known and the address of the full list. A
source reads only what the person may see in the current organisation (scoped like its own list page)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


MAX_HITS = 5  # per kind: the page points to each kind's own list for the rest


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    detail: str = ""


@dataclass(frozen=True)
class Found:
    hits: list[Hit] = field(default_factory=list)
    total: int | None = None  # None when the source cannot count cheaply
    more_url: str = ""  # the kind's own search or list page for this query
    message: str = ""  # why there is nothing (no data imported...)


@dataclass(frozen=True)
class SearchSource:
    key: str
    label: str
    roles: frozenset
    search: Callable[[Any, str], Found]
    order: int = 0


_SOURCES: dict[str, SearchSource] = {}


def register_search_source(source: SearchSource) -> None:
    source = SearchSource(source.key, source.label, frozenset(source.roles), source.search, source.order)
    if source.key in _SOURCES and _SOURCES[source.key] != source:
        raise ValueError(f"search source {source.key!r} is already registered")
    _SOURCES[source.key] = source


def registered_search_sources() -> list[SearchSource]:
    return sorted(_SOURCES.values(), key=lambda source: (source.order, source.key))


def search_everywhere(request, q: str) -> list[dict]:
    """[{key, label, found}] for every source the person's roles may read, in order."""
    return [
        {"key": source.key, "label": source.label, "found": source.search(request, q)}
        for source in registered_search_sources()
        if request.roles & source.roles
    ]
