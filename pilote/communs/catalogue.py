"""Writes of the catalogue after creation: a resource's card edited, its photos added and removed. Each checks
that the actor manages resources of the resource's organisation (the views check it too: a service may be
called from elsewhere), is atomic and audited."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pilote.communs import permissions as perms, photos
from pilote.communs.audit import CommunsVerb
from pilote.communs.models import Resource, ResourceKind, ResourcePhoto
from pilote.core import uploads
from pilote.core.permissions import has_any_role
from pilote.core.services import record_event


# The card of every resource, then what each kind adds (rooms: the SCDL « équipements collectifs publics »).
COMMON_FIELDS = (
    "name",
    "description",
    "who_may_book",
    "allowed_purpose",
    "deposit_eur",
    "training_required",
    "valuation_rate",
    "credit_price",
    "purchase_value_eur",
    "is_public",
)
KIND_FIELDS = {
    ResourceKind.SALLE: ("theme", "address", "postal_code", "commune", "capacity", "accessibility", "opening_hours"),
    ResourceKind.MATERIEL: ("share_class", "condition", "location"),
    ResourceKind.VEHICULE: ("share_class", "condition", "location"),
    ResourceKind.TEMPS: ("skill", "hours_per_month", "manager_approved"),
}


def editable_fields(kind: str) -> tuple[str, ...]:
    """The fields of a resource of `kind` its managers may change (the kind itself is kept: it sets the unit,
    hour or day, that bookings already priced and valued)."""
    return COMMON_FIELDS[:1] + KIND_FIELDS.get(kind, ()) + COMMON_FIELDS[1:]


def _check_manager(actor, organisation) -> None:
    if not has_any_role(actor, organisation, perms.CAN_MANAGE):
        raise PermissionDenied("Seuls les gestionnaires de la ressource-o-thèque modifient le catalogue.")


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


@transaction.atomic
def do_update_resource(resource: Resource, *, actor, **fields) -> Resource:
    """Changes the card of a resource; the audit row keeps each changed field as [before, after]."""
    _check_manager(actor, resource.organisation)
    allowed = editable_fields(resource.kind)
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError(f"Ces champs ne se modifient pas pour cette ressource : {', '.join(unknown)}.")
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    changes = {}
    for name, value in fields.items():
        before = getattr(resource, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(resource, name, value)
    resource.full_clean()
    if changes:
        resource.save(update_fields=[*changes])
        record_event(
            actor=actor,
            organisation=resource.organisation,
            verb=CommunsVerb.RESSOURCE_MODIFIEE,
            target=resource.name,
            payload={"resource": resource.pk, "changes": changes},
        )
    return resource


def do_add_photo(resource: Resource, *, upload, alt_text, actor) -> ResourcePhoto:
    """A photo checked and re-encoded (photos.clean_photo), stored, then its row written; if the row cannot be
    written the stored file is removed, so that no file outlives its row."""
    _check_manager(actor, resource.organisation)
    alt = photos.clean_alt_text(alt_text)
    if resource.photos.count() >= photos.MAX_PER_RESOURCE:
        raise ValidationError(
            f"« {resource.name} » a déjà {photos.MAX_PER_RESOURCE} photos : supprimez-en une avant d'en ajouter."
        )
    try:
        clean = photos.clean_photo(upload)
    except uploads.UploadRefused as refusal:
        raise ValidationError({"photo": refusal.messages}) from refusal
    storage = photos.storage()
    name = storage.save_bytes(uploads.new_name("photo" + clean.extension, folder=str(resource.pk)), clean.data)
    try:
        with transaction.atomic():
            photo = ResourcePhoto.objects.create(
                resource=resource,
                storage_name=name,
                alt_text=alt,
                content_type=clean.content_type,
                width=clean.width,
                height=clean.height,
                size=len(clean.data),
                uploaded_by=actor,
            )
            record_event(
                actor=actor,
                organisation=resource.organisation,
                verb=CommunsVerb.PHOTO_AJOUTEE,
                target=resource.name,
                payload={"photo": photo.pk, "alt": alt[:100]},
            )
    except Exception:
        storage.delete(name)
        raise
    return photo


@transaction.atomic
def do_delete_photo(photo: ResourcePhoto, *, actor) -> None:
    """The row goes now; the file once the transaction commits (a rollback keeps both)."""
    resource = photo.resource
    _check_manager(actor, resource.organisation)
    name = photo.storage_name
    photo.delete()
    photos.storage().delete_on_commit(name)
    record_event(
        actor=actor,
        organisation=resource.organisation,
        verb=CommunsVerb.PHOTO_SUPPRIMEE,
        target=resource.name,
        payload={"alt": photo.alt_text[:100]},
    )
