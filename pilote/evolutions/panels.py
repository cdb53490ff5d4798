"""What the evolutions app adds to other apps' pages: on the fiche visa page, the evolution clauses attached to the
fiche (with the attach / detach forms for the buyer and the support service) and, for the buyer, the way to a
responsible negotiation that starts from the impact questions of the fiche's segment guide."""

from pilote.evolutions import fiche_clauses, permissions as perms
from pilote.evolutions.models import FicheClause
from pilote.fiches.panels import FichePanel, register_fiche_panel


def fiche_clauses_context(fiche, user, roles) -> dict:
    can_change = bool(set(roles) & fiche_clauses.CAN_ATTACH) and not fiche.is_decided
    return {
        "links": FicheClause.objects.filter(fiche=fiche).select_related("clause", "attached_by"),
        "attachable": list(fiche_clauses.attachable(fiche)) if can_change else [],
        "can_change": can_change,
        "can_negotiate": bool(set(roles) & perms.CAN_EDIT),
    }


def register_panels() -> None:
    register_fiche_panel(
        FichePanel(
            key="evolutions.clauses",
            title="Clauses d'évolution rattachées",
            template="evolutions/panels/fiche_clauses.html",
            context=fiche_clauses_context,
            order=10,
        )
    )
