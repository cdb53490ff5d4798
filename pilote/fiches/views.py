"""Views of the fiche visa: list with filters, form with live guidance (HTMX), detail with the workflow
actions, comments, attachments, PDF, the overdue list, statistics, contract link and evaluations.
Thin: permission, form, service, redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from pilote.clauses.queries import segments_for
from pilote.core import params as query_params
from pilote.core.permissions import organisation_view
from pilote.fiches import completeness, guidance, matching, obligations, permissions as perms, stats, workflow
from pilote.fiches.forms import AttachmentForm, CommentForm, DecisionForm, FicheForm, ReviewerForm
from pilote.fiches.models import UNDER_REVIEW, Fiche, FicheAttachment, Status
from pilote.fiches.panels import fiche_panels
from pilote.fiches.services import (
    Incomplete,
    attachment_storage,
    check_transition,
    do_add_attachment,
    do_add_comment,
    do_assign_reviewer,
    do_create_fiche,
    do_transition,
    do_update_fiche,
    max_attachment_bytes,
    reviewer_choices,
)
from pilote.ui.forms import submit


def _fiche(request, fiche_id) -> Fiche:
    fiche = get_object_or_404(
        Fiche.objects.select_related("author", "segment", "reviewer", "organisation"),
        pk=fiche_id,
        organisation=request.organisation,
    )
    if not perms.can_view(request.user, request.roles, fiche):
        raise Http404("Fiche introuvable.")
    return fiche


def _filtered(request):
    qs = perms.visible_fiches(
        Fiche.objects.filter(organisation=request.organisation).select_related("author", "segment", "reviewer"),
        request.user,
        request.roles,
    )
    params = request.GET
    if params.get("etat") in Status.values:
        qs = qs.filter(status=params["etat"])
    if params.get("q"):
        qs = qs.filter(Q(objet__icontains=params["q"]) | Q(besoin__icontains=params["q"]))
    if params.get("service"):
        qs = qs.filter(service_demandeur__icontains=params["service"])
    segment_id = query_params.object_id(params, "segment")
    if segment_id is not None:
        qs = qs.filter(segment_id=segment_id)
    if params.get("instructeur") == "moi":
        qs = qs.filter(reviewer=request.user)
    if params.get("en_retard") == "1":
        qs = qs.filter(status__in=UNDER_REVIEW, review_deadline__lt=timezone.localdate())
    return qs


@organisation_view(*perms.CAN_VIEW_FICHES)
def fiche_list(request):
    page = Paginator(_filtered(request), 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "fiches/list.html",
        {
            "organisation": request.organisation,
            "page": page,
            "statuses": Status.choices,
            "segments": segments_for(request.organisation),
            "filters": request.GET,
            "querystring": query.urlencode(),
            "can_create": bool(request.roles & perms.CAN_WRITE_FICHES),
            "can_follow": bool(request.roles & perms.CAN_FOLLOW),
            "today": timezone.localdate(),
        },
    )


@organisation_view(*perms.CAN_FOLLOW)
def overdue(request):
    fiches = Fiche.objects.filter(
        organisation=request.organisation, status__in=UNDER_REVIEW, review_deadline__lt=timezone.localdate()
    ).select_related("author", "reviewer")
    return render(
        request,
        "fiches/overdue.html",
        {"organisation": request.organisation, "fiches": fiches.order_by("review_deadline")},
    )


def _guidance_values(form) -> dict:
    """Best-effort values from a (possibly invalid) bound form, so guidance refreshes while typing."""
    form.is_valid()
    data = dict(getattr(form, "cleaned_data", {}))
    if "montant_estime" not in data:
        from pilote.fiches.forms import parse_amount

        data["montant_estime"] = parse_amount(form.data.get("montant_estime"))
    if "code_cpv" not in data:
        data["code_cpv"] = form.data.get("code_cpv", "")
    for name in ("objet", "besoin"):
        data.setdefault(name, form.data.get(name, ""))
    return data


def _edit(request, fiche=None):
    form = FicheForm(request.POST or None, instance=fiche, organisation=request.organisation)
    if request.method == "POST":
        saved = submit(form, lambda data: _save(request, fiche, form, data))
        if saved.ok:
            messages.success(request, "La fiche est enregistrée.")
            return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=saved.result.pk)
    values = _guidance_values(form) if form.is_bound else _initial_values(fiche)
    return render(
        request,
        "fiches/form.html",
        {
            "organisation": request.organisation,
            "form": form,
            "fiche": fiche,
            "guidance": guidance.compute(request.organisation, values),
        },
    )


def _save(request, fiche, form, data) -> Fiche:
    """Create the fiche, or update it at the revision the form was loaded at."""
    if fiche is None:
        return do_create_fiche(request.organisation, actor=request.user, fields=form.service_fields())
    revision = data.get("revision") or 0
    do_update_fiche(fiche, actor=request.user, roles=request.roles, fields=form.service_fields(), revision=revision)
    return fiche


def _initial_values(fiche):
    if fiche is None:
        return {}
    names = ("objet", "besoin", "montant_estime", "code_cpv", "nature", "reconductions")
    return {name: getattr(fiche, name) for name in names} | {
        "segment": fiche.segment,
        "date_lancement": fiche.date_lancement,
        "alloti": fiche.alloti,
        "justification_lot_unique": fiche.justification_lot_unique,
        "duree_mois": fiche.duree_mois,
    }


@organisation_view(*perms.CAN_WRITE_FICHES)
def fiche_create(request):
    return _edit(request)


@organisation_view(*perms.CAN_WRITE_FICHES)
def fiche_edit(request, fiche_id):
    fiche = _fiche(request, fiche_id)
    if not perms.can_edit(request.user, request.roles, fiche):
        messages.error(request, "Cette fiche n'est plus modifiable dans son état actuel.")
        return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)
    return _edit(request, fiche)


@organisation_view(*perms.CAN_WRITE_FICHES)
def fiche_guidance(request):
    """HTMX partial: guidance for the values currently in the form (nothing is saved)."""
    instance = None
    if request.GET.get("fiche", "").isdigit():
        instance = Fiche.objects.filter(pk=request.GET["fiche"], organisation=request.organisation).first()
    form = FicheForm(request.POST or None, instance=instance, organisation=request.organisation)
    values = _guidance_values(form) if form.is_bound else {}
    computed = guidance.compute(request.organisation, values)
    # Re-render the guide's questions only when the segment changed, so that typing in them is not disturbed.
    segment_pk = str(computed["segment"].pk) if computed["segment"] else ""
    context = {
        "guidance": computed,
        "form": form,
        "oob": True,
        "refresh_questions": request.POST.get("guide_segment", "") != segment_pk,
    }
    return render(request, "fiches/_guidance.html", context)


# The events whose comment says why a fiche is in its current state: shown next to the status.
REASON_VERBS = ("demander_reprise", "viser_reserves", "refuser", "rouvrir")


def latest_reason(fiche):
    """The send-back, reservation, refusal or reopening reason that led to the current state, if any."""
    return (
        fiche.events.filter(verb__in=REASON_VERBS, to_status=fiche.status)
        .exclude(comment="")
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


@organisation_view(*perms.CAN_VIEW_FICHES)
def fiche_detail(request, fiche_id):
    fiche = _fiche(request, fiche_id)
    computed = guidance.compute(request.organisation, _initial_values(fiche))
    retained = list(fiche.retained_clauses.all())
    can_edit = perms.can_edit(request.user, request.roles, fiche)
    can_assign = bool(request.roles & perms.CAN_REVIEW) and not fiche.is_decided
    return render(
        request,
        "fiches/detail.html",
        {
            "organisation": request.organisation,
            "fiche": fiche,
            "reason": latest_reason(fiche),
            "missing": completeness.missing(fiche) if can_edit else [],
            "events": fiche.events.select_related("actor"),
            "comments": fiche.comments.select_related("author"),
            "attachments": fiche.attachments.all(),
            "transitions": workflow.available(fiche, user=request.user, roles=request.roles),
            "decision_form": DecisionForm(
                organisation=request.organisation,
                initial={"retained_clauses": [c.pk for c in retained]},
            ),
            "obligations": obligations.checklist(fiche, retained),
            "reviewer_form": ReviewerForm(
                choices=reviewer_choices(request.organisation), initial={"reviewer": fiche.reviewer_id}
            )
            if can_assign
            else None,
            "comment_form": CommentForm() if perms.can_comment(request.user, request.roles, fiche) else None,
            "attachment_form": AttachmentForm() if perms.can_attach(request.user, request.roles, fiche) else None,
            "can_edit": can_edit,
            "can_link": bool(request.roles & perms.CAN_LINK_CONTRACT)
            and fiche.status in (Status.VISEE, Status.VISEE_RESERVES),
            "can_evaluate": bool(request.roles & perms.CAN_EVALUATE),
            "guidance": computed,
            "recommended_ids": [c.pk for c in computed["recommended"] + computed["common_criteria"]],
            "max_upload_mb": max_attachment_bytes() // (1024 * 1024),
            "panels": fiche_panels(fiche, user=request.user, roles=request.roles),
        },
    )


def _refused(request, error):
    text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


def _transition_view(name):
    transition = workflow.TRANSITIONS[name]

    @organisation_view(*transition.roles)
    def view(request, fiche_id):
        fiche = _fiche(request, fiche_id)
        back = redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)
        if request.method != "POST":
            return back
        form = DecisionForm(request.POST, organisation=request.organisation)
        if not form.is_valid():
            messages.error(request, "Une clause choisie est inconnue.")
            return back
        revision = request.POST.get("revision", "")
        arguments = {
            "actor": request.user,
            "roles": request.roles,
            "comment": form.cleaned_data["comment"],
            "retained_clauses": list(form.cleaned_data["retained_clauses"]),
            "justification": form.cleaned_data["justification"],
        }
        confirmed = request.POST.get("confirm") == "1"
        try:
            if transition.confirm and not confirmed:
                # First post: every check, nothing written; the page says what will happen and asks to confirm.
                checked = check_transition(fiche, name, **arguments)
                return render(
                    request,
                    "fiches/confirm_transition.html",
                    {
                        "organisation": request.organisation,
                        "fiche": fiche,
                        "transition": transition,
                        "checked": checked,
                        "data": form.cleaned_data,
                        "revision": revision,
                        "obligations": obligations.checklist(fiche, checked["clauses"]),
                    },
                )
            do_transition(
                fiche,
                name,
                revision=int(revision) if revision.isdigit() else None,
                confirmed=confirmed,
                **arguments,
            )
        except Incomplete:
            messages.error(request, "La fiche est incomplète : complétez les éléments listés avant de la soumettre.")
        except (workflow.TransitionRefused, ValidationError) as error:
            _refused(request, error)
        else:
            messages.success(request, f"« {transition.label} » : c'est fait.")
        return back

    view.__name__ = f"transition_{name}"
    return view


TRANSITION_VIEWS = {name: _transition_view(name) for name in workflow.TRANSITIONS}


@organisation_view(*perms.CAN_REVIEW)
def assign_reviewer(request, fiche_id):
    """POST: name the support-service member who instructs the fiche."""
    fiche = _fiche(request, fiche_id)
    if request.method == "POST":
        form = ReviewerForm(request.POST, choices=reviewer_choices(request.organisation))
        if not form.is_valid():
            messages.error(request, "Choisissez un membre du service d'appui comme instructeur.")
        else:
            try:
                do_assign_reviewer(fiche, actor=request.user, reviewer=form.cleaned_data["reviewer"])
            except ValidationError as error:
                _refused(request, error)
            else:
                messages.success(request, "L'instructeur de la fiche est enregistré.")
    return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)


@organisation_view(*perms.CAN_COMMENT)
def fiche_comment(request, fiche_id):
    fiche = _fiche(request, fiche_id)
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                do_add_comment(fiche, actor=request.user, text=form.cleaned_data["text"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Commentaire publié.")
        else:
            messages.error(request, "Le commentaire est vide.")
    return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)


@organisation_view(*perms.CAN_VIEW_FICHES)
def attachment_upload(request, fiche_id):
    fiche = _fiche(request, fiche_id)
    if request.method == "POST":
        if not perms.can_attach(request.user, request.roles, fiche):
            messages.error(request, "Vous ne pouvez pas joindre de fichier à cette fiche dans son état actuel.")
        else:
            form = AttachmentForm(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(request, "Choisissez un fichier à joindre.")
            else:
                try:
                    do_add_attachment(fiche, actor=request.user, uploaded_file=form.cleaned_data["file"])
                except ValidationError as error:
                    messages.error(request, " ".join(error.messages))
                else:
                    messages.success(request, "Pièce jointe ajoutée.")
    return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)


@organisation_view(*perms.CAN_VIEW_FICHES)
def attachment_download(request, fiche_id, attachment_id):
    fiche = _fiche(request, fiche_id)
    attachment = get_object_or_404(FicheAttachment, pk=attachment_id, fiche=fiche)
    storage = attachment_storage()
    if not storage.exists(attachment.storage_name):
        raise Http404("Fichier introuvable.")
    response = FileResponse(
        storage.open(attachment.storage_name, "rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@organisation_view(*perms.CAN_VIEW_FICHES)
def fiche_pdf(request, fiche_id):
    from pilote.fiches.pdf import render_pdf

    fiche = _fiche(request, fiche_id)
    pdf = render_pdf(fiche, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{fiche.reference}.pdf"'
    return response


@organisation_view(*perms.CAN_VIEW_STATS)
def statistics(request):
    return render(
        request,
        "fiches/stats.html",
        {"organisation": request.organisation, "stats": stats.compute(request.organisation)},
    )


@organisation_view(*perms.CAN_LINK_CONTRACT)
def link_contract(request, fiche_id):
    from pilote.fiches.services import do_link_contract

    fiche = _fiche(request, fiche_id)
    error, suggestions = None, []
    try:
        suggestions = matching.suggest_contracts(fiche)
        if request.method == "POST":
            contrat_id, _, acheteur_id = request.POST.get("contrat", "").partition("|")
            row = matching.find_contract(fiche, contrat_id, acheteur_id)
            if row is None:
                error = "Ce marché est introuvable parmi ceux de l'organisation."
            else:
                do_link_contract(fiche, actor=request.user, contrat=row, check=matching.check_contract(fiche, row))
                messages.success(request, "La fiche est rattachée au marché notifié.")
                return redirect("fiches:detail", slug=request.organisation.slug, fiche_id=fiche.pk)
    except matching.DataUnavailable as unavailable:
        error = str(unavailable)
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    return render(
        request,
        "fiches/link_contract.html",
        {"organisation": request.organisation, "fiche": fiche, "suggestions": suggestions, "error": error},
    )
