"""Attach an evolution clause to a fiche visa, or detach it (forms of the fiche page's panel). Thin: organisation
and role, the fiche as its viewer sees it, service, message, back to the fiche."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.evolutions import fiche_clauses
from pilote.evolutions.models import EvolutionClause, FicheClause
from pilote.fiches import permissions as fiche_perms
from pilote.fiches.models import Fiche


def _fiche(request, fiche_id) -> Fiche:
    fiche = get_object_or_404(Fiche, pk=fiche_id, organisation=request.organisation)
    if not fiche_perms.can_view(request.user, request.roles, fiche):
        raise Http404("Fiche introuvable.")
    return fiche


def _back(request, fiche):
    return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


@organisation_view(*fiche_clauses.CAN_ATTACH)
@require_POST
def fiche_clause_attach(request, fiche_id):
    fiche = _fiche(request, fiche_id)
    raw = request.POST.get("clause", "")
    # A clause of another organisation is not looked up here: the service refuses it with its own message.
    clause = EvolutionClause.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        fiche_clauses.do_attach_evolution_clause(fiche, clause, actor=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"La clause d'évolution « {clause} » est rattachée à la fiche.")
    return _back(request, fiche)


@organisation_view(*fiche_clauses.CAN_ATTACH)
@require_POST
def fiche_clause_detach(request, rattachement_id):
    link = get_object_or_404(
        FicheClause.objects.select_related("fiche", "clause"), pk=rattachement_id,
        fiche__organisation=request.organisation,
    )  # fmt: skip
    fiche = _fiche(request, link.fiche_id)
    try:
        fiche_clauses.do_detach_evolution_clause(link, actor=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"La clause d'évolution « {link.clause} » est détachée de la fiche.")
    return _back(request, fiche)
