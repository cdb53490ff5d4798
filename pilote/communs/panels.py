"""What the ressource-o-thèque contributes to the fiche visa and to the census: before buying shareable
equipment, check the catalogue first. A census need is matched on its CPV class (rules.share_class_of_cpv). The fiche's checklist registry (pilote.fiches.panels) passes only the organisation, so the
checklist lists every shareable item in service (equipment and vehicles), with its category."""

from pilote.communs import rules
from pilote.communs.models import Resource, ResourceKind
from pilote.fiches.panels import FicheChecklist, register_checklist
from pilote.recensement.notices import register_need_notice


def catalogue_first(organisation) -> list[str]:
    items = Resource.objects.filter(
        organisation=organisation, kind__in=(ResourceKind.MATERIEL, ResourceKind.VEHICULE), in_service=True
    ).order_by("share_class", "name")[:20]
    return [
        f"Vérifié d'abord la ressource-o-thèque : « {item.name} » ({item.get_share_class_display() or item.get_kind_display()}"
        f"{', ' + item.location if item.location else ''}) ne répond pas au besoin ; sinon, ajouter l'achat au "
        "catalogue après livraison"
        for item in items
    ]


def need_notice(need) -> str:
    """« Vérifiez d'abord la ressource-o-thèque » with the items of the need's class, or "" (no class, no item)."""
    share_class = rules.share_class_of_cpv(need.code_cpv)
    if share_class is None:
        return ""
    names = list(
        Resource.objects.filter(
            organisation_id=need.campaign.organisation_id, share_class=share_class, in_service=True
        ).values_list("name", flat=True)[:5]
    )
    if not names:
        return ""
    listed = ", ".join(f"« {name} »" for name in names)
    return f"Vérifiez d'abord la ressource-o-thèque : {listed}. Sinon, ajoutez l'achat au catalogue après livraison."


def register_panels() -> None:
    register_need_notice(need_notice)
    register_checklist(
        FicheChecklist(
            key="ressourcotheque",
            label="Vérifiez d'abord la ressource-o-thèque (matériel partageable de l'organisation)",
            items=catalogue_first,
            order=20,
        )
    )
