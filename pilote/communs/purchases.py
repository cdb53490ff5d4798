"""« Ajouter à la ressource-o-thèque après livraison »: from a fiche visa or a census need whose CPV is of a
shareable class (rules.share_class_of_cpv), the support service creates a draft catalogue item pre-filled from
the purchase (label, category, purchase value) and linked back to it. The draft counts among the items bought
for the « achats partagés » indicator; it can be booked once a manager marks it delivered."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pilote.communs import rules
from pilote.communs.audit import CommunsVerb
from pilote.communs.models import Resource, ResourceKind, ShareClass
from pilote.core.services import record_event


def draft_values(purchase) -> dict:
    """The catalogue fields pre-filled from a fiche or a need (both have objet, code_cpv, montant_estime)."""
    share_class = rules.share_class_of_cpv(purchase.code_cpv)
    if share_class is None:
        raise ValidationError(
            f"Le code CPV « {purchase.code_cpv or 'non renseigné'} » ne relève pas d'une classe de matériel "
            "partageable (outillage, véhicules, audiovisuel, mobilier, informatique)."
        )
    return {
        "name": purchase.objet[:200],
        "kind": ResourceKind.VEHICULE if share_class == ShareClass.VEHICULES else ResourceKind.MATERIEL,
        "share_class": share_class,
        "purchase_value_eur": purchase.montant_estime,
        "description": f"Achat à venir (code CPV {purchase.code_cpv}), ajouté avant livraison.",
    }


@transaction.atomic
def do_add_purchase_to_catalogue(organisation, *, fiche=None, need=None, actor) -> Resource:
    """One draft item per fiche or need; a second request is refused (the first item is linked back)."""
    purchase = fiche if fiche is not None else need
    if purchase is None:
        raise ValidationError("Indiquez la fiche visa ou le besoin recensé à ajouter.")
    existing = getattr(purchase, "commons_item", None) if purchase.pk else None
    if existing is not None:
        raise ValidationError(f"Cet achat est déjà dans la ressource-o-thèque : « {existing.name} ».")
    values = draft_values(purchase)
    resource = Resource(organisation=organisation, draft=True, source_fiche=fiche, source_need=need, **values)
    resource.full_clean()
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError as error:
        raise ValidationError("Cet achat est déjà dans la ressource-o-thèque.") from error
    record_event(
        actor=actor,
        organisation=organisation,
        verb=CommunsVerb.RESSOURCE_CREEE,
        target=resource.name,
        payload={"fiche": fiche.pk if fiche else None, "need": need.pk if need else None, "draft": True},
    )
    return resource


DELIVERY_FIELDS = ("location", "condition", "valuation_rate", "credit_price")


@transaction.atomic
def do_mark_delivered(resource: Resource, *, actor, **fields) -> Resource:
    """The draft completed at delivery (DELIVERY_FIELDS) and put in the catalogue; a rate is required, since every
    booking is valued in euros."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if not resource.draft:
        raise ValidationError(f"« {resource.name} » est déjà au catalogue.")
    for name, value in fields.items():
        if name not in DELIVERY_FIELDS:
            raise ValidationError(f"Champ inattendu : {name}.")
        setattr(resource, name, value)
    if resource.valuation_rate is None:
        raise ValidationError(
            {"valuation_rate": "Indiquez le taux de valorisation (€ par jour) avant la mise au catalogue."}
        )
    resource.draft = False
    resource.full_clean()
    resource.save(update_fields=["draft", *fields])
    record_event(
        actor=actor,
        organisation=resource.organisation,
        verb=CommunsVerb.RESSOURCE_LIVREE,
        target=resource.name,
    )
    return resource
