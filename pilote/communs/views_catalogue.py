"""Views of a resource's card after creation: the edit form and the photos (added, removed, served). A photo is
served to the members of the resource's organisation, and to everyone when the organisation publishes its
page and the resource is on it. Thin: permission, form, service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.communs import catalogue, permissions as perms, photos
from pilote.communs.forms import PhotoForm, ResourceEditForm
from pilote.communs.models import Resource, ResourcePhoto
from pilote.core.models import Organisation
from pilote.core.permissions import organisation_view
from pilote.ui.forms import submit


def _resource(request, ressource_id) -> Resource:
    return get_object_or_404(Resource, pk=ressource_id, organisation=request.organisation)


def _to_resource(request, resource):
    return redirect("communs:resource", slug=request.organisation.slug, ressource_id=resource.pk)


@organisation_view(*perms.CAN_MANAGE)
def resource_edit(request, ressource_id):
    resource = _resource(request, ressource_id)
    form = ResourceEditForm(request.POST or None, instance=resource)
    if (
        request.method == "POST"
        and submit(form, lambda data: catalogue.do_update_resource(resource, actor=request.user, **data)).ok
    ):
        messages.success(request, "Fiche de la ressource enregistrée.")
        return _to_resource(request, resource)
    context = {"form": form, "organisation": request.organisation, "resource": resource}
    return render(request, "communs/resource_edit.html", context)


@organisation_view(*perms.CAN_MANAGE)
@require_POST
def photo_add(request, ressource_id):
    resource = _resource(request, ressource_id)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError(
                [f"{form.fields[name].label} : {m}" for name, errors in form.errors.items() for m in errors]
            )
        catalogue.do_add_photo(
            resource, upload=form.cleaned_data["photo"], alt_text=form.cleaned_data["alt_text"], actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Photo ajoutée (métadonnées retirées).")
    return _to_resource(request, resource)


@organisation_view(*perms.CAN_MANAGE)
@require_POST
def photo_delete(request, photo_id):
    photo = get_object_or_404(ResourcePhoto, pk=photo_id, resource__organisation=request.organisation)
    resource = photo.resource
    catalogue.do_delete_photo(photo, actor=request.user)
    messages.success(request, "Photo supprimée.")
    return _to_resource(request, resource)


def _serve(photo: ResourcePhoto, cache: str):
    storage = photos.storage()
    if not storage.exists(photo.storage_name):
        raise Http404("Photo introuvable.")
    response = FileResponse(storage.open(photo.storage_name, "rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = cache
    return response


@organisation_view(*perms.CAN_VIEW)
def photo_file(request, photo_id):
    photo = get_object_or_404(ResourcePhoto, pk=photo_id, resource__organisation=request.organisation)
    return _serve(photo, "private, max-age=3600")


def public_photo(request, slug, photo_id):
    """Public: a photo of a resource shown on the public catalogue (published organisation, public resource,
    delivered); anything else is not found, whether it exists or not."""
    organisation = get_object_or_404(Organisation, slug=slug, is_public=True)
    photo = get_object_or_404(
        ResourcePhoto,
        pk=photo_id,
        resource__organisation=organisation,
        resource__is_public=True,
        resource__draft=False,
    )
    return _serve(photo, "public, max-age=3600")
