"""Views of the census: campaigns, needs (form and spreadsheet import) and the fiche visa of a big purchase.
Analyses are in views_analysis.py. Thin: permission (organisation_view + permissions.py), form, service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.core import tabular, uploads
from pilote.core.permissions import organisation_view
from pilote.recensement import cells, exports, permissions as perms, queries, services, spreadsheet, staging, tasks
from pilote.recensement.forms import CampaignForm, NeedForm, ServicesForm, UploadForm
from pilote.recensement.models import Campaign, Need
from pilote.recensement.notices import need_notices
from pilote.recensement.templatetags.recensement_tags import euros
from pilote.ui.forms import add_service_errors


def campaign_of(request, campaign_id) -> Campaign:
    return get_object_or_404(Campaign, pk=campaign_id, organisation=request.organisation)


def _need_of(request, campaign, need_id) -> Need:
    return get_object_or_404(Need.objects.select_related("service", "campaign"), pk=need_id, campaign=campaign)


def _confirm(request, *, title, consequences, action, back):
    """The confirmation step of an irreversible action: what will happen, and the same POST with confirm=1."""
    name, campaign_id = back
    context = {
        "organisation": request.organisation,
        "title": title,
        "consequences": consequences,
        "action": action,
        "action_url": request.path,
        "back_url": reverse(name, kwargs={"slug": request.organisation.slug, "campaign_id": campaign_id}),
    }
    return render(request, "recensement/confirm.html", context)


@organisation_view(*perms.CAN_VIEW)
def home(request):
    campaigns = Campaign.objects.filter(organisation=request.organisation)
    context = {
        "organisation": request.organisation,
        "campaigns": campaigns,
        "can_manage": bool(request.roles & perms.CAN_MANAGE_CAMPAIGN),
        "can_analyse": bool(request.roles & perms.CAN_ANALYSE),
    }
    return render(request, "recensement/home.html", context)


@organisation_view(*perms.CAN_MANAGE_CAMPAIGN)
def campaign_create(request):
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.do_open_campaign(request.organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"La campagne « {campaign} » est ouverte ; les services ont été prévenus.")
            return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)
    return render(request, "recensement/campaign_form.html", {"form": form, "organisation": request.organisation})


@organisation_view(*perms.CAN_VIEW)
def campaign_detail(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    needs = list(campaign.needs.select_related("service", "fiche", "segment"))
    rows = [
        {
            "need": n,
            "can_edit": perms.can_edit_need(request.user, request.roles, n),
            "big": n.is_big_purchase,
            "notices": need_notices(n),
        }
        for n in needs
    ]
    context = {
        "organisation": request.organisation,
        "campaign": campaign,
        "rows": rows,
        "total": sum(n.montant_estime for n in needs),
        "big_count": sum(1 for r in rows if r["big"]),
        "service_counts": [(s, sum(1 for n in needs if n.service_id == s.pk)) for s in campaign.services.all()],
        "can_manage": bool(request.roles & perms.CAN_MANAGE_CAMPAIGN),
        "can_declare": bool(request.roles & perms.CAN_DECLARE) and campaign.is_open,
        "can_analyse": bool(request.roles & perms.CAN_ANALYSE),
        "can_make_fiche": bool(request.roles & perms.CAN_MAKE_FICHE),
        "services_form": ServicesForm(),
    }
    return render(request, "recensement/campaign_detail.html", context)


@organisation_view(*perms.CAN_MANAGE_CAMPAIGN)
@require_POST
def campaign_close(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    if request.POST.get("confirm") != "1" and campaign.is_open:
        needs = campaign.needs.count()
        return _confirm(
            request,
            title=f"Clore la campagne « {campaign.title} »",
            consequences=[
                f"Les {needs} besoin{'s' if needs > 1 else ''} déclaré{'s' if needs > 1 else ''} ne seront plus "
                "modifiables ni supprimables ; aucun besoin ne pourra plus être ajouté ni importé.",
                "Les analyses (regroupements, programmation, bilan) restent consultables.",
                "Une campagne close ne se rouvre pas.",
            ],
            action="Confirmer : clore la campagne",
            back=("recensement:campaign", campaign.pk),
        )
    try:
        services.do_close_campaign(campaign, actor=request.user, confirmed=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "La campagne est close : les besoins ne sont plus modifiables.")
    return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)


@organisation_view(*perms.CAN_MANAGE_CAMPAIGN)
@require_POST
def campaign_services(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    form = ServicesForm(request.POST)
    if form.is_valid():
        names = form.cleaned_data["services"].splitlines()
        try:
            created = services.do_add_services(campaign, actor=request.user, services=names)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{len(created)} service(s) invité(s) en plus.")
    else:
        messages.error(request, "Indiquez au moins un service à inviter.")
    return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)


@organisation_view(*perms.CAN_DECLARE)
def need_create(request, campaign_id):
    campaign = campaign_of(request, campaign_id)
    if not campaign.is_open:
        messages.error(request, "La campagne est close : aucun besoin ne peut plus être ajouté.")
        return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)
    form = NeedForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            need = services.do_create_need(campaign, actor=request.user, fields=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Besoin « {need} » enregistré.")
            return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)
    context = {"form": form, "campaign": campaign, "organisation": request.organisation, "title": "Déclarer un besoin"}
    return render(request, "recensement/need_form.html", context)


@organisation_view(*perms.CAN_DECLARE)
def need_edit(request, campaign_id, need_id):
    campaign = campaign_of(request, campaign_id)
    need = _need_of(request, campaign, need_id)
    if not perms.can_edit_need(request.user, request.roles, need):
        messages.error(
            request, "Ce besoin ne peut pas être modifié (campagne close, fiche visa créée ou autre auteur)."
        )
        return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)
    form = NeedForm(request.POST or None, instance=need, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_need(need, actor=request.user, roles=request.roles, fields=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Besoin modifié.")
            return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)
    context = {
        "form": form,
        "campaign": campaign,
        "need": need,
        "organisation": request.organisation,
        "title": "Modifier un besoin",
    }
    return render(request, "recensement/need_form.html", context)


@organisation_view(*perms.CAN_DECLARE)
@require_POST
def need_delete(request, campaign_id, need_id):
    campaign = campaign_of(request, campaign_id)
    need = _need_of(request, campaign, need_id)
    if request.POST.get("confirm") != "1" and perms.can_edit_need(request.user, request.roles, need):
        return _confirm(
            request,
            title=f"Supprimer le besoin « {need.objet} »",
            consequences=[
                f"Le besoin du service « {need.service.name} » ({euros(need.montant_estime)} HT) sera supprimé "
                "définitivement de la campagne ; le journal d'audit garde son contenu.",
                "Il disparaîtra des regroupements et de la programmation.",
            ],
            action="Confirmer : supprimer le besoin",
            back=("recensement:campaign", campaign.pk),
        )
    try:
        services.do_delete_need(need, actor=request.user, roles=request.roles, confirmed=True)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Besoin « {need.objet} » supprimé.")
    return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)


@organisation_view(*perms.CAN_DECLARE)
def cpv_suggestions(request):
    """HTMX fragment: CPV codes suggested from the object and description typed so far."""
    text = f"{request.GET.get('objet', '')} {request.GET.get('description', '')}"[:500]
    suggestions = queries.suggest_cpv(text, 5)
    return render(request, "recensement/_cpv_suggestions.html", {"suggestions": suggestions})


@organisation_view(*perms.CAN_MAKE_FICHE)
@require_POST
def need_fiche(request, campaign_id, need_id):
    campaign = campaign_of(request, campaign_id)
    need = _need_of(request, campaign, need_id)
    try:
        fiche = services.do_make_fiche(need, actor=request.user, roles=request.roles)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)
    messages.success(
        request, "Fiche visa créée à partir du besoin : vérifiez-la et complétez-la avant de la soumettre."
    )
    return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)


# --- spreadsheet import ----------------------------------------------------------------------------------


@organisation_view(*perms.CAN_VIEW)
def template_download(request):
    return tabular.xlsx_response("modele-recensement-besoins.xlsx", exports.template_xlsx())


@organisation_view(*perms.CAN_VIEW)
def example_download(request):
    return tabular.xlsx_response("exemple-recensement-besoins.xlsx", exports.example_file())


def _parse_staged(campaign, data: bytes | None, default_service: str, cells_read=None):
    return spreadsheet.parse(
        data,
        services=[s.name for s in campaign.services.all()],
        default_service=default_service or None,
        existing=queries.existing_keys(campaign),
        cells=cells_read,
    )


@organisation_view(*perms.CAN_DECLARE)
def upload(request, campaign_id):
    """Step 1: upload; the file is checked and every problem shown. Nothing is imported at this step."""
    campaign = campaign_of(request, campaign_id)
    if not campaign.is_open:
        messages.error(request, "La campagne est close : aucun besoin ne peut plus être importé.")
        return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)
    form = UploadForm(request.POST or None, request.FILES or None, campaign=campaign)
    context = {"form": form, "campaign": campaign, "organisation": request.organisation}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        default_service = form.cleaned_data["service"].name if form.cleaned_data["service"] else ""
        try:
            uploads.check_upload(uploaded, spreadsheet.UPLOAD_RULES)  # size, and archives before any parsing
        except uploads.UploadRefused as refusal:
            form.add_error("file", refusal.messages[0])
            return render(request, "recensement/upload.html", context)
        data = uploaded.read()
        if len(data) > spreadsheet.INLINE_BYTES:  # read by a background task; the next page shows its state
            token = staging.stage_upload(
                data, campaign=campaign, user=request.user, filename=uploaded.name, default_service=default_service
            )
            tasks.read_staged_task.enqueue(token)
            return redirect(
                "recensement:upload_status", slug=request.organisation.slug, campaign_id=campaign.pk, token=token
            )
        try:
            parsed = _parse_staged(campaign, data, default_service)
        except spreadsheet.FileRefused as refusal:
            form.add_error("file", str(refusal))
            return render(request, "recensement/upload.html", context)
        token = staging.stage_upload(
            data, campaign=campaign, user=request.user, filename=uploaded.name, default_service=default_service
        )
        context |= {"parsed": parsed, "token": token, "filename": uploaded.name}
        return render(request, "recensement/upload_review.html", context)
    return render(request, "recensement/upload.html", context)


@organisation_view(*perms.CAN_DECLARE)
@require_POST
def upload_confirm(request, campaign_id):
    """Step 2: import, all rows (only if all are valid) or explicitly the valid rows only."""
    campaign = campaign_of(request, campaign_id)
    token = request.POST.get("token", "")
    staged = staging.load_staged(token, campaign=campaign, user=request.user)
    back = redirect("recensement:upload", slug=request.organisation.slug, campaign_id=campaign.pk)
    if staged is None:
        messages.error(request, "Ce dépôt a expiré ou a déjà été importé : déposez à nouveau le fichier.")
        return back
    data, meta = staged
    state, result = staging.staged_result(token)
    try:
        read = cells.loads(result) if state == "ready" else None  # read once by the background task
        parsed = _parse_staged(campaign, data, meta.get("service", ""), read)
        needs = services.do_import_needs(
            campaign,
            actor=request.user,
            parsed=parsed,
            only_valid=request.POST.get("mode") == "valides",
            filename=meta.get("filename", ""),
        )
    except spreadsheet.FileRefused as refusal:
        messages.error(request, str(refusal))
        return back
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back
    staging.drop_staged(token)
    skipped = len(parsed.invalid_rows)
    text = f"{len(needs)} besoin(s) importé(s)"
    text += f" ; {skipped} ligne(s) en erreur écartée(s)." if skipped else "."
    messages.success(request, text)
    return redirect("recensement:campaign", slug=request.organisation.slug, campaign_id=campaign.pk)


@organisation_view(*perms.CAN_DECLARE)
def upload_status(request, campaign_id, token):
    """Step 1 of a big file: the background read's state (polled), then the same check page as a small file."""
    campaign = campaign_of(request, campaign_id)
    staged = staging.load_staged(token, campaign=campaign, user=request.user)
    back = redirect("recensement:upload", slug=request.organisation.slug, campaign_id=campaign.pk)
    if staged is None:
        messages.error(request, "Ce dépôt a expiré ou a déjà été importé : déposez à nouveau le fichier.")
        return back
    state, result = staging.staged_result(token)
    context = {"campaign": campaign, "organisation": request.organisation, "token": token}
    if state == "pending":
        if request.htmx:
            return render(request, "recensement/_upload_pending.html", context)
        return render(request, "recensement/upload_pending.html", context | {"filename": staged[1].get("filename")})
    if request.htmx:  # finished: the whole page is reloaded to show the check (or the refusal)
        response = HttpResponse("")
        response["HX-Refresh"] = "true"
        return response
    if state == "refused":
        staging.drop_staged(token)
        messages.error(request, f"« {staged[1].get('filename', 'Le fichier')} » : {result}")
        return back
    _data, meta = staged
    try:
        parsed = _parse_staged(campaign, None, meta.get("service", ""), cells.loads(result))
    except spreadsheet.FileRefused as refusal:
        staging.drop_staged(token)
        messages.error(request, str(refusal))
        return back
    context |= {"parsed": parsed, "filename": meta.get("filename", ""), "form": None}
    return render(request, "recensement/upload_review.html", context)
