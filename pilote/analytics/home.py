"""The key figures panel of the home page (pilote.ui.home) for elected members and administrators: a few of the
cockpit's indicators over the organisation's perimeter, with the same definitions (pilote.contracts.figures)."""

from pilote.contracts import db as duck, figures
from pilote.contracts.filters import parse_filters
from pilote.core.enums import Role
from pilote.ui.home import HomePanel, register_home_panel


KEY_FIGURES = (
    "nb_contrats",
    "montant_total",
    "part_consideration_sociale",
    "part_consideration_environnementale",
    "taux_offre_unique",
    "nb_art35_a_verifier",
)


def key_figures(request) -> dict:
    if not duck.has_store():
        return {"store": False}
    filters, _form = parse_filters({}, request.organisation)
    overview = figures.overview(filters, request.organisation)
    labels = {item["code"]: item["label"] for group in overview["groups"].values() for item in group}
    return {
        "store": True,
        "summary": filters.summary(),
        "figures": [{"code": code, "label": labels[code], "valeur": overview["values"][code]} for code in KEY_FIGURES],
    }


def register_home_panels() -> None:
    """Called by AnalyticsConfig.ready."""
    register_home_panel(
        HomePanel(
            "analytics.figures", "Chiffres clés", "analytics/home/figures.html", {Role.ELU, Role.ADMIN}, key_figures, 5
        )
    )
