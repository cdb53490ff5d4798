"""Panels that other apps contribute to a segment's pages (the segment guide, and the guide section of the fiche
visa form): e.g. the annuaire's lessons learnt on the segment.

A contributor registers in its AppConfig.ready:

    register_segment_panel(SegmentPanel(
        key="annuaire.lessons", title="Retours d'expérience",
        template="annuaire/panels/segment_lessons.html", context=lessons_panel_context, order=10,
    ))

`context(organisation, segment)` returns the dict given to `template` as `panel` (with `organisation` and
`segment`); it runs on every page that shows the segment. Nothing guards it: a contributor that fails makes the
page fail, so that a broken sibling shows in tests instead of leaving an empty panel."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pilote.clauses.models import Segment
from pilote.core.models import Organisation


@dataclass(frozen=True)
class SegmentPanel:
    key: str  # unique, "<app>.<what>"
    title: str  # heading of the panel, in French
    template: str  # rendered with `panel` (the context's result), `organisation` and `segment`
    context: Callable[[Organisation, Segment], dict[str, Any]]
    order: int = 0


@dataclass(frozen=True)
class RenderedPanel:
    """A panel with its context computed for one organisation and segment (what templates loop over)."""

    key: str
    title: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, SegmentPanel] = {}


def register_segment_panel(panel: SegmentPanel) -> None:
    """Add a panel to the segment pages. A key registered twice with another panel is a bug."""
    if panel.key in _PANELS and _PANELS[panel.key] != panel:
        raise ValueError(f"segment panel {panel.key!r} is already registered")
    _PANELS[panel.key] = panel


def registered_segment_panels() -> list[SegmentPanel]:
    return sorted(_PANELS.values(), key=lambda panel: (panel.order, panel.key))


def segment_panels(organisation: Organisation, segment: Segment | None) -> list[RenderedPanel]:
    """The registered panels for `segment`, in order (none without a segment)."""
    if segment is None:
        return []
    return [
        RenderedPanel(panel.key, panel.title, panel.template, panel.context(organisation, segment))
        for panel in registered_segment_panels()
    ]
