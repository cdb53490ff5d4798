"""Checklists that other apps contribute to the fiche visa form: e.g. the annuaire's sourcing charter, whose
points the agent ticks as respected.

A contributor registers in its AppConfig.ready:

    register_checklist(FicheChecklist(
        key="charte", label="Charte de sourçage : points respectés", items=sourcing_checklist, order=10,
    ))

`items(organisation)` returns the points for that organisation (an empty list hides the checklist). A contributor
that needs the fiche itself (e.g. its CPV code) registers with `with_fiche=True`: it is then called as
`items(organisation, fiche)` and, if given, `label_for(organisation, fiche)` gives the legend (it may carry a link
built with format_html); `fiche` is the fiche being edited, or None. Each
checklist becomes a field `checklist_<key>` of the sourcing section of the form; the ticked points of every
checklist are stored together, in order, in `Fiche.sourcing_charte`. Nothing guards `items`: a contributor that
fails makes the form fail, so that a broken sibling shows in tests instead of an empty checklist."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from pilote.core.models import Organisation


@dataclass(frozen=True)
class FicheChecklist:
    key: str  # unique, a Python identifier (it names the form field)
    label: str  # legend of the checklist, in French
    items: Callable[..., Sequence[str]]
    order: int = 0
    with_fiche: bool = False
    label_for: Callable | None = None

    @property
    def field_name(self) -> str:
        return f"checklist_{self.key}"


_CHECKLISTS: dict[str, FicheChecklist] = {}


def register_checklist(checklist: FicheChecklist) -> None:
    """Add a checklist to the fiche form. A key registered twice with another checklist is a bug."""
    if not checklist.key.isidentifier():
        raise ValueError(f"checklist key {checklist.key!r} must be an identifier")
    if checklist.key in _CHECKLISTS and _CHECKLISTS[checklist.key] != checklist:
        raise ValueError(f"fiche checklist {checklist.key!r} is already registered")
    _CHECKLISTS[checklist.key] = checklist


def registered_checklists() -> list[FicheChecklist]:
    return sorted(_CHECKLISTS.values(), key=lambda checklist: (checklist.order, checklist.key))


def checklists_for(organisation: Organisation, fiche=None) -> list[tuple[FicheChecklist, list[str]]]:
    """Each registered checklist with its points for `organisation` (and `fiche` for those registered
    `with_fiche`), those without points left out."""
    result = []
    for checklist in registered_checklists():
        points = checklist.items(organisation, fiche) if checklist.with_fiche else checklist.items(organisation)
        items = [str(item) for item in points if str(item).strip()]
        if items:
            if checklist.with_fiche and checklist.label_for is not None:
                checklist = replace(checklist, label=checklist.label_for(organisation, fiche))
            result.append((checklist, items))
    return result


# Panels that higher apps add to the fiche page (e.g. the evolution clauses attached to the fiche). A contributor
# registers in its AppConfig.ready:
#
#     register_fiche_panel(FichePanel(key="evolutions.clauses", title="Clauses d'évolution",
#                                     template="evolutions/panels/fiche_clauses.html", context=..., order=10))
#
# `context(fiche, user, roles)` returns the dict given to `template` as `panel` (with `fiche` and `organisation`);
# it runs on every fiche page. As for checklists, nothing guards it: a failing contributor fails the page.


@dataclass(frozen=True)
class FichePanel:
    key: str  # unique, "<app>.<what>"
    title: str  # heading of the panel, in French
    template: str
    context: Callable
    order: int = 0


_FICHE_PANELS: dict[str, FichePanel] = {}


def register_fiche_panel(panel: FichePanel) -> None:
    """Add a panel to the fiche page. A key registered twice with another panel is a bug."""
    if panel.key in _FICHE_PANELS and _FICHE_PANELS[panel.key] != panel:
        raise ValueError(f"fiche panel {panel.key!r} is already registered")
    _FICHE_PANELS[panel.key] = panel


def fiche_panels(fiche, *, user, roles) -> list[dict]:
    """The registered panels with their context for this fiche and viewer, in order."""
    panels = sorted(_FICHE_PANELS.values(), key=lambda panel: (panel.order, panel.key))
    return [
        {"key": p.key, "title": p.title, "template": p.template, "context": p.context(fiche, user, roles)}
        for p in panels
    ]
