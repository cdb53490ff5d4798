"""The strategy's link kind "subvention": an instrument of a strategy points at a grant of the organisation, either
a grant of the territory map (imported from the SCDL or Fonds vert files, by its number) or a grant the fund
decided (« fonds-<n° de décision> », only a selected application). Only the organisation's own grants resolve:
another organisation's number is answered exactly like an unknown one."""

from django.core.exceptions import ValidationError

from pilote.strategie.links import LinkKind, register_link_kind
from pilote.territoire.models import Decision, Grant


FUND_PREFIX = "fonds-"


def _number(text: str) -> int:
    if not text.isdigit():
        raise ValidationError(
            {"ref": "Indiquez le numéro de la subvention, ou « fonds-<numéro> » pour une décision du fonds."}
        )
    return int(text)


def resolve_grant(organisation, ref: str) -> str:
    ref = str(ref).strip().lower()
    if ref.startswith(FUND_PREFIX):
        number = _number(ref.removeprefix(FUND_PREFIX))
        decision = (
            Decision.objects.filter(pk=number, selected=True, application__call__organisation=organisation)
            .select_related("application")
            .first()
        )
        if decision is None:
            raise ValidationError(
                {"ref": f"Aucune décision d'attribution n° {number} dans les fonds de l'organisation."}
            )
        return f"Subvention du fonds : {decision.application.title} ({decision.amount:.0f} €)"
    number = _number(ref)
    grant = Grant.objects.filter(pk=number, organisation=organisation).first()
    if grant is None:
        raise ValidationError({"ref": f"Aucune subvention n° {number} parmi celles de l'organisation."})
    return f"Subvention : {grant.objet} — {grant.beneficiaire_nom} ({grant.montant:.0f} €)"


def register() -> None:
    register_link_kind(LinkKind("subvention", "Subvention (territoire ou fonds)", resolve_grant))
