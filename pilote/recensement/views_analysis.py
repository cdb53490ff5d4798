"""Analyses of a campaign (grouping, renewals, purchase plan and its exports, year-end comparison) and
split-purchase detection on the DECP data for any buyer."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.contracts import db as duck
from pilote.core import tabular
from pilote.core.permissions import organisation_view
from pilote.recensement import analysis, data, exports, permissions as perms, planned, services
from pilote.recensement.forms import GroupingForm, SplitSearchForm
from pilote.recensement.models import NeedSource
from pilote.recensement.views import campaign_of
from pilote.reglementation import seuils


NO_DATA = "Aucune donnée DECP n'a encore été importée : le service d'appui peut en importer depuis la page Données."


def annual_amount(contract) -> Decimal:
    months = max(contract["duree_mois"] or 12, 1)
    yearly = Decimal(str(contract["montant"] or 1)) * 12 / months
    return max(yearly, Decimal(1)).quantize(Decimal("0.01"))


def _needs(campaign):
    return list(campaign.needs.select_related("service", "fiche", "segment"))


def _planned(campaign):
    """The needs and the fiches visa of the campaign's year, each purchase once (planned.py)."""
    return planned.items(campaign, _needs(campaign))


@organisation_view(*perms.CAN_ANALYSE)
def grouping(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    form = GroupingForm(request.GET or None)
    mode = (form.cleaned_data.get("par") if form.is_valid() else "") or "classe"
    categories = analysis.categories(campaign, _planned(campaign), mode)
    context = {
        "organisation": request.organisation,
        "campaign": campaign,
        "form": form,
        "mode_label": analysis.GROUPINGS[mode],
        "categories": categories,
        "opportunities": [c for c in categories if c.is_opportunity],
        "crossings": [c for c in categories if c.crossing],
        "reference_date": analysis.reference_date(campaign),
    }
    return render(request, "recensement/grouping.html", context)


@organisation_view(*perms.CAN_VIEW)
def renewals(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    error, contracts = "", []
    try:
        contracts = data.renewals(request.organisation.sirets, campaign.year)
    except duck.StoreMissing:
        error = NO_DATA
    declared = set(campaign.needs.exclude(contrat_en_cours="").values_list("contrat_en_cours", flat=True))
    for contract in contracts:
        contract["declared"] = contract["id"] in declared
    context = {
        "organisation": request.organisation,
        "campaign": campaign,
        "contracts": contracts,
        "error": error,
        "sirets": request.organisation.sirets,
        "can_declare": bool(request.roles & perms.CAN_DECLARE) and campaign.is_open,
        "services": campaign.services.all(),
    }
    return render(request, "recensement/renewals.html", context)


@organisation_view(*perms.CAN_DECLARE)
@require_POST
def renewal_add(request, campaign_id):
    """Declare the renewal of a contract of the data as a need of the chosen service."""
    campaign = campaign_of(request, campaign_id)
    back = redirect("recensement:renewals", slug=request.organisation.slug, campaign_id=campaign.pk)
    try:
        contracts = {c["contrat_uid"]: c for c in data.renewals(request.organisation.sirets, campaign.year)}
    except duck.StoreMissing:
        messages.error(request, NO_DATA)
        return back
    contract = contracts.get(request.POST.get("contrat_uid", ""))
    service = campaign.services.filter(pk=request.POST.get("service") or 0).first()
    if contract is None or service is None:
        messages.error(request, "Choisissez un service et un contrat de la liste.")
        return back
    fields = {
        "service": service,
        "objet": (contract["objet"] or f"Renouvellement du marché {contract['id']}")[:300],
        "code_cpv": contract["code_cpv"] or "",
        # The contract amount is for its whole duration: the need is that of one year.
        "montant_estime": annual_amount(contract),
        "recurrence": "annuel",
        "date_souhaitee": contract["date_fin"],
        "contrat_en_cours": contract["id"][:200],
        "date_fin_contrat": contract["date_fin"],
        "renouvellement": True,
    }
    try:
        services.do_create_need(campaign, actor=request.user, fields=fields, source=NeedSource.RENOUVELLEMENT)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Renouvellement de « {fields['objet']} » ajouté aux besoins de {service} (montant annualisé à vérifier).",
        )
    return back


@organisation_view(*perms.CAN_VIEW)
def plan(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    slots = analysis.plan(campaign, _planned(campaign))
    context = {"organisation": request.organisation, "campaign": campaign, "slots": slots}
    return render(request, "recensement/plan.html", context)


@organisation_view(*perms.CAN_VIEW)
def plan_xlsx(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    content = exports.plan_xlsx(campaign, analysis.plan(campaign, _planned(campaign)))
    return tabular.xlsx_response(f"programmation-achats-{campaign.year}.xlsx", content)


@organisation_view(*perms.CAN_VIEW)
def plan_pdf(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    content = exports.plan_pdf(campaign, analysis.plan(campaign, _planned(campaign)), request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="programmation-achats-{campaign.year}.pdf"'
    return response


@organisation_view(*perms.CAN_ANALYSE)
def comparison(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    error, result = "", None
    try:
        result = data.comparison(_needs(campaign), data.notified(request.organisation.sirets, campaign.year))
    except duck.StoreMissing:
        error = NO_DATA
    context = {
        "organisation": request.organisation,
        "campaign": campaign,
        "result": result,
        "error": error,
        "sirets": request.organisation.sirets,
    }
    return render(request, "recensement/comparison.html", context)


@organisation_view(*perms.CAN_ANALYSE)
def split_purchases(request):
    sirets = request.organisation.sirets
    initial = {"siret": sirets[0]} if sirets else {}
    form = SplitSearchForm(request.GET or None, initial=initial)
    siret = form.cleaned_data["siret"] if form.is_valid() else (None if request.GET else initial.get("siret"))
    cases, error, buyer_name, review = [], "", "", None
    if siret:
        try:
            kind = request.organisation.kind if siret in sirets else "commune"
            review = data.split_review(siret, buyer_kind=kind)
            cases = review.cases
        except duck.StoreMissing:
            error = NO_DATA
        names = [c["acheteur_nom"] for case in cases for c in case.contracts if c.get("acheteur_nom")]
        buyer_name = names[0] if names else ""
    context = {
        "organisation": request.organisation,
        "form": form,
        "siret": siret,
        "cases": cases,
        "error": error,
        "buyer_name": buyer_name,
        "levels": data.LEVELS,
        "review": review,
        "publication_threshold": seuils.value("publication_decp", timezone.localdate()),
    }
    return render(request, "recensement/split.html", context)
