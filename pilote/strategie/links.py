"""Kinds of links from an instrument to a Pilote object. The strategy app knows census needs, fiches visa and
contracts of the data; apps above it (support schemes, grants…) register their own kind in AppConfig.ready:
`register_link_kind(LinkKind("dispositif", "Dispositif de soutien", resolve))`, where `resolve(organisation, ref)`
returns the object's label, or raises ValidationError when `ref` names nothing of that organisation."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from pilote.fiches.models import Fiche
from pilote.recensement.models import Need


@dataclass(frozen=True)
class LinkKind:
    code: str
    label: str
    resolve: Callable


_KINDS: dict[str, LinkKind] = {}


def register_link_kind(kind: LinkKind) -> None:
    _KINDS.setdefault(kind.code, kind)


def link_kinds() -> dict[str, LinkKind]:
    return dict(_KINDS)


def kind(code: str) -> LinkKind:
    if code not in _KINDS:
        raise ValidationError({"kind": f"Type de lien inconnu : « {code} »."})
    return _KINDS[code]


def _number(ref: str, what: str) -> int:
    if not str(ref).strip().isdigit():
        raise ValidationError({"ref": f"Indiquez le numéro {what}."})
    return int(ref)


def resolve_need(organisation, ref: str) -> str:
    need = Need.objects.filter(pk=_number(ref, "du besoin"), campaign__organisation=organisation).first()
    if need is None:
        raise ValidationError({"ref": f"Aucun besoin n° {ref} dans le recensement de l'organisation."})
    return f"Besoin : {need.objet}"


def resolve_fiche(organisation, ref: str) -> str:
    fiche = Fiche.objects.filter(pk=_number(ref, "de la fiche"), organisation=organisation).first()
    if fiche is None:
        raise ValidationError({"ref": f"Aucune fiche visa n° {ref} dans l'organisation."})
    return f"Fiche visa : {fiche.objet}"


def resolve_contract(organisation, ref: str) -> str:
    ref = str(ref).strip()
    if not ref or len(ref) > 120:
        raise ValidationError({"ref": "Indiquez l'identifiant du contrat dans les données (uid)."})
    return f"Contrat {ref}"


def contract_of(link) -> str | None:
    """The DECP id of the contract an instrument's link leads to, once notified and published: the contract
    itself, the fiche's matched contract, or the contract of the fiche made from the need."""
    if link.kind == "contrat":
        return link.ref
    if link.kind == "fiche":
        fiche = Fiche.objects.filter(pk=link.ref).only("contrat_id").first()
        return (fiche.contrat_id or None) if fiche else None
    if link.kind == "besoin":
        need = Need.objects.filter(pk=link.ref).select_related("fiche").first()
        return (need.fiche.contrat_id or None) if need and need.fiche else None
    return None


register_link_kind(LinkKind("besoin", "Besoin du recensement", resolve_need))
register_link_kind(LinkKind("fiche", "Fiche visa", resolve_fiche))
register_link_kind(LinkKind("contrat", "Contrat des données (uid)", resolve_contract))
