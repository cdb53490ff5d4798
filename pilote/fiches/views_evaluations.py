"""Evaluation of contracts after award: from a fiche (prefilled) or from any contract of the organisation."""

from django.contrib import messages
from django.shortcuts import redirect, render

from pilote.core.permissions import organisation_view
from pilote.fiches import matching, permissions as perms, stats
from pilote.fiches.forms import EvaluationForm
from pilote.fiches.models import Evaluation, Fiche
from pilote.fiches.services import do_save_evaluation
from pilote.ui.forms import submit


@organisation_view(*perms.CAN_VIEW_STATS)
def evaluation_list(request):
    return render(
        request,
        "fiches/evaluations.html",
        {
            "organisation": request.organisation,
            "evaluations": Evaluation.objects.filter(organisation=request.organisation).select_related(
                "fiche", "author"
            ),
            "totals": stats.evaluations(request.organisation),
            "can_evaluate": bool(request.roles & perms.CAN_EVALUATE),
        },
    )


@organisation_view(*perms.CAN_EVALUATE)
def evaluation_create(request):
    fiche = None
    fiche_id = request.GET.get("fiche") or request.POST.get("fiche")
    if fiche_id and str(fiche_id).isdigit():
        fiche = Fiche.objects.filter(pk=fiche_id, organisation=request.organisation).first()
    initial = {}
    if fiche is not None:
        check = fiche.contrat_check or {}
        initial = {"objet": fiche.objet, "contrat_id": fiche.contrat_id, "offres_recues": check.get("offres_recues")}
    elif request.GET.get("contrat"):
        initial = {"contrat_id": request.GET["contrat"][:100], "objet": request.GET.get("objet", "")[:300]}
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        contrat_id = form.cleaned_data.get("contrat_id")
        if contrat_id and matching.organisation_has_contract(request.organisation, contrat_id) is False:
            form.add_error("contrat_id", "Aucun marché publié par l'organisation ne porte cet identifiant.")
    if request.method == "POST":
        saved = submit(
            form, lambda data: do_save_evaluation(request.organisation, actor=request.user, fiche=fiche, fields=data)
        )
        if saved.ok:
            messages.success(request, "L'évaluation est enregistrée.")
            return redirect("fiches:evaluations", slug=request.organisation.slug)
    return render(
        request,
        "fiches/evaluation_form.html",
        {"organisation": request.organisation, "form": form, "fiche": fiche},
    )
