"""What the ressource-o-thèque contributes to the fiche visa: before buying shareable equipment, check the
catalogue first. The fiche's checklist registry (pilote.fiches.panels) passes only the organisation, so the
checklist lists every shareable item in service (equipment and vehicles), with its category."""

from pilote.communs.models import Resource, ResourceKind
from pilote.fiches.panels import FicheChecklist, register_checklist


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


def register_panels() -> None:
    register_checklist(
        FicheChecklist(
            key="ressourcotheque",
            label="Vérifiez d'abord la ressource-o-thèque (matériel partageable de l'organisation)",
            items=catalogue_first,
            order=20,
        )
    )
