"""« Ajouter à la ressource-o-thèque après livraison » from a fiche visa or a census need (purchases.py): a page
shows the pre-filled draft item and asks for confirmation; the resource page marks a draft delivered."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.communs import permissions as perms, purchases
from pilote.communs.forms import DeliverForm
from pilote.communs.models import Resource
from pilote.core.permissions import organisation_view
from pilote.fiches.models import Fiche
from pilote.recensement.models import Need
from pilote.ui.forms import submit_and_report


def _add(request, *, fiche=None, need=None, back=""):
    purchase = fiche or need
    existing = getattr(purchase, "commons_item", None)
    if request.method == "POST":
        try:
            item = purchases.do_add_purchase_to_catalogue(
                request.organisation, fiche=fiche, need=need, actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"« {item.name} » ajouté au catalogue en brouillon, à compléter à la livraison.")
            return redirect("communs:resource", slug=request.organisation.slug, ressource_id=item.pk)
    try:
        values, problem = purchases.draft_values(purchase), ""
    except ValidationError as error:
        values, problem = {}, " ".join(error.messages)
    context = {
        "organisation": request.organisation,
        "purchase": purchase,
        "source": "la fiche visa" if fiche else "le besoin recensé",
        "values": values,
        "problem": problem,
        "existing": existing,
        "back": back,
    }
    return render(request, "communs/purchase_add.html", context)


@organisation_view(*perms.CAN_ADD_PURCHASE)
def purchase_from_fiche(request, fiche_id):
    fiche = get_object_or_404(Fiche, pk=fiche_id, organisation=request.organisation)
    return _add(request, fiche=fiche)


@organisation_view(*perms.CAN_ADD_PURCHASE)
def purchase_from_need(request, need_id):
    need = get_object_or_404(Need, pk=need_id, campaign__organisation=request.organisation)
    return _add(request, need=need)


@organisation_view(*perms.CAN_MANAGE)
@require_POST
def resource_deliver(request, ressource_id):
    resource = get_object_or_404(Resource, pk=ressource_id, organisation=request.organisation)
    form = DeliverForm(request.POST)
    submit_and_report(
        request,
        form,
        lambda data: purchases.do_mark_delivered(resource, actor=request.user, **data),
        f"« {resource.name} » est livré : il peut être réservé.",
    )
    return redirect("communs:resource", slug=request.organisation.slug, ressource_id=resource.pk)
