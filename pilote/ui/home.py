"""Panels of the organisation's home page: what each role has to do next. ui knows none of them; each app
registers its own in its AppConfig.ready:

    register_home_panel(HomePanel(
        key="fiches.mine", title="Mes fiches visa", template="fiches/home/mine.html",
        roles={Role.AGENT}, context=my_fiches, order=10,
    ))

`context(request)` runs with `request.organisation`, `request.roles` and `request.user` set (the home is an
`organisation_view`); it returns the dict given to `template` as `panel`. Nothing guards it: a contributor that
fails makes the home fail, so that a broken app shows in tests instead of an empty panel."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HomePanel:
    key: str  # unique, "<app>.<what>"
    title: str  # heading of the panel, in French
    template: str  # rendered with `panel` (the context's result)
    roles: frozenset  # the panel shows to a person holding one of these roles
    context: Callable[[Any], dict[str, Any]]
    order: int = 0


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    """Add a panel to the home page. A key registered twice with another panel is a bug."""
    panel = HomePanel(panel.key, panel.title, panel.template, frozenset(panel.roles), panel.context, panel.order)
    if panel.key in _PANELS and _PANELS[panel.key] != panel:
        raise ValueError(f"home panel {panel.key!r} is already registered")
    _PANELS[panel.key] = panel


def registered_home_panels() -> list[HomePanel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def home_panels(request) -> list[RenderedPanel]:
    """The panels of the person's roles in the current organisation, in order, their context computed."""
    return [
        RenderedPanel(panel.key, panel.title, panel.template, panel.context(request))
        for panel in registered_home_panels()
        if request.roles & panel.roles
    ]
