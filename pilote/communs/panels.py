"""What the ressource-o-thèque contributes to the fiche visa and to the census: before buying shareable
equipment, check the catalogue first, with the items of the purchase's CPV class (rules.share_class_of_cpv), and
a link to « Ajouter à la ressource-o-thèque après livraison » (views_purchase) for the support service."""

from django.urls import reverse
from django.utils.html import format_html

from pilote.communs import rules
from pilote.communs.models import Resource, ResourceKind
from pilote.fiches.panels import FicheChecklist, register_checklist
from pilote.recensement.notices import register_need_notice


LABEL = "Vérifiez d'abord la ressource-o-thèque (matériel partageable de l'organisation)"
ADD = "Ajouter à la ressource-o-thèque après livraison"


def _items_in_service(organisation_id, share_class=None):
    items = Resource.objects.filter(
        organisation_id=organisation_id,
        kind__in=(ResourceKind.MATERIEL, ResourceKind.VEHICULE),
        in_service=True,
        draft=False,
    )
    if share_class is not None:
        items = items.filter(share_class=share_class)
    return items.order_by("share_class", "name")


def catalogue_first(organisation, fiche=None) -> list[str]:
    """The items of the fiche's CPV class; every shareable item when the fiche has no CPV yet (a new fiche); none
    when its CPV is not of a shareable class."""
    share_class = None
    if fiche is not None and (fiche.code_cpv or "").strip():
        share_class = rules.share_class_of_cpv(fiche.code_cpv)
        if share_class is None:
            return []
    items = _items_in_service(organisation.pk, share_class)[:20]
    return [
        f"Vérifié d'abord la ressource-o-thèque : « {item.name} » ({item.get_share_class_display() or item.get_kind_display()}"
        f"{', ' + item.location if item.location else ''}) ne répond pas au besoin ; sinon, ajouter l'achat au "
        "catalogue après livraison"
        for item in items
    ]


def checklist_label(organisation, fiche=None) -> str:
    """The legend, with the link to add this fiche's purchase to the catalogue when its CPV is shareable."""
    if fiche is None or fiche.pk is None or rules.share_class_of_cpv(fiche.code_cpv) is None:
        return LABEL
    url = reverse("communs:purchase_from_fiche", args=[organisation.slug, fiche.pk])
    return format_html('{} — <a href="{}">{}</a>', LABEL, url, ADD)


def need_notice(need) -> str:
    """« Vérifiez d'abord la ressource-o-thèque » with the items of the need's class and the link to add the
    purchase to the catalogue, or "" when the need's CPV is not of a shareable class."""
    share_class = rules.share_class_of_cpv(need.code_cpv)
    if share_class is None:
        return ""
    organisation = need.campaign.organisation
    names = list(_items_in_service(organisation.pk, share_class).values_list("name", flat=True)[:5])
    listed = ", ".join(f"« {name} »" for name in names) if names else "aucun matériel de cette catégorie"
    text = f"Vérifiez d'abord la ressource-o-thèque : {listed}."
    if need.pk is None:
        return text
    url = reverse("communs:purchase_from_need", args=[organisation.slug, need.pk])
    return format_html('{} <a href="{}">{}</a>', text, url, ADD)


def register_panels() -> None:
    register_need_notice(need_notice)
    register_checklist(
        FicheChecklist(
            key="ressourcotheque",
            label=LABEL,
            items=catalogue_first,
            order=20,
            with_fiche=True,
            label_for=checklist_label,
        )
    )
