"""Views of the ressource-o-thèque: catalogue home, initiatives with their statement and in-kind value, credits
granted by decision, contributions, reversals, the trial balance, the SCDL export and the public catalogue.
Bookings and maintenance are in views_booking.py. Thin: permission, form, service."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.communs import funding, ledger, legal, permissions as perms, rules, scdl, services
from pilote.communs.forms import (
    ActorLinkForm,
    ContributionForm,
    GrantForm,
    InitiativeForm,
    ResourceForm,
    ReverseForm,
)
from pilote.communs.models import Initiative, Movement, Resource
from pilote.core.models import Organisation
from pilote.core.permissions import organisation_view
from pilote.core.tabular import csv_response
from pilote.ui.forms import submit


def _initiative(request, initiative_id) -> Initiative:
    return get_object_or_404(Initiative, pk=initiative_id, organisation=request.organisation)


def _to_initiative(request, initiative):
    return redirect("communs:initiative", slug=request.organisation.slug, initiative_id=initiative.pk)


def _year(request) -> int:
    try:
        return int(request.GET.get("annee", ""))
    except ValueError:
        return timezone.localdate().year


@organisation_view(*perms.CAN_VIEW)
def home(request):
    org = request.organisation
    initiatives = list(Initiative.objects.filter(organisation=org))
    for initiative in initiatives:
        initiative.balance = ledger.initiative_balance(initiative)
    context = {
        "organisation": org,
        "resources": Resource.objects.filter(organisation=org),
        "initiatives": initiatives,
        "shared": rules.shared_purchases(services.shared_purchase_items(org)),
        "late": services.late_bookings(org),
        "year": _year(request),
        "not_money": legal.NOT_MONEY,
        "notes": legal.NOTES,
        "can_manage": bool(request.roles & perms.CAN_MANAGE),
    }
    return render(request, "communs/home.html", context)


def _create(request, form_class, service, template, redirect_name, kwarg):
    form = form_class(request.POST or None)
    if request.method == "POST":
        created = submit(form, lambda data: service(request.organisation, actor=request.user, **data))
        if created.ok:
            return redirect(redirect_name, slug=request.organisation.slug, **{kwarg: created.result.pk})
    return render(request, template, {"form": form, "organisation": request.organisation})


@organisation_view(*perms.CAN_MANAGE)
def resource_create(request):
    return _create(
        request,
        ResourceForm,
        services.do_create_resource,
        "communs/resource_form.html",
        "communs:resource",
        "ressource_id",
    )


@organisation_view(*perms.CAN_MANAGE)
def initiative_create(request):
    return _create(
        request,
        InitiativeForm,
        services.do_create_initiative,
        "communs/initiative_form.html",
        "communs:initiative",
        "initiative_id",
    )


@organisation_view(*perms.CAN_VIEW)
def initiative_detail(request, initiative_id, grant_form=None, contribution_form=None, link_form=None):
    initiative = _initiative(request, initiative_id)
    in_kind = services.in_kind_by_year(initiative)
    year = _year(request)
    support = funding.year_support(initiative, year)
    context = {
        "organisation": request.organisation,
        "initiative": initiative,
        "statement": ledger.statement(initiative),
        "balance": ledger.initiative_balance(initiative),
        "in_kind": sorted(in_kind.items()),
        "year": year,
        "support": support,
        "threshold": rules.AGREEMENT_THRESHOLD_EUR,
        "link_form": link_form
        or ActorLinkForm(initiative=initiative, candidates=funding.candidate_actors(initiative)),
        "bookings": initiative.bookings.select_related("resource").order_by("-starts_at")[:50],
        "grant_form": grant_form or GrantForm(initial={"decided_on": timezone.localdate()}),
        "contribution_form": contribution_form or ContributionForm(),
        "reverse_form": ReverseForm(),
        "can_grant": bool(request.roles & perms.CAN_GRANT),
        "not_money": legal.NOT_MONEY,
    }
    return render(request, "communs/initiative.html", context)


@organisation_view(*perms.CAN_GRANT)
@require_POST
def credit_grant(request, initiative_id):
    initiative = _initiative(request, initiative_id)
    form = GrantForm(request.POST)
    if submit(form, lambda data: ledger.do_grant_credits(initiative, actor=request.user, **data)).ok:
        messages.success(request, f"{form.cleaned_data['amount']} crédits d'accès attribués.")
        return _to_initiative(request, initiative)
    return initiative_detail.__wrapped__(request, initiative_id, grant_form=form)


@organisation_view(*perms.CAN_GRANT)
@require_POST
def initiative_actor_link(request, initiative_id):
    initiative = _initiative(request, initiative_id)
    form = ActorLinkForm(request.POST, initiative=initiative, candidates=funding.candidate_actors(initiative))
    if submit(
        form,
        lambda data: funding.do_link_territory_actor(
            initiative, territory_actor=data["territory_actor"], actor=request.user
        ),
    ).ok:
        messages.success(request, "Lien avec l'acteur du territoire enregistré.")
        return _to_initiative(request, initiative)
    return initiative_detail.__wrapped__(request, initiative_id, link_form=form)


@organisation_view(*perms.CAN_GRANT)
@require_POST
def contribution_add(request, initiative_id):
    initiative = _initiative(request, initiative_id)
    form = ContributionForm(request.POST)
    if submit(form, lambda data: ledger.do_record_contribution(initiative, actor=request.user, **data)).ok:
        messages.success(request, "Contribution reconnue.")
        return _to_initiative(request, initiative)
    return initiative_detail.__wrapped__(request, initiative_id, contribution_form=form)


@organisation_view(*perms.CAN_GRANT)
@require_POST
def movement_reverse(request, ecriture_id):
    movement = get_object_or_404(Movement, pk=ecriture_id, organisation=request.organisation)
    form = ReverseForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Indiquez le motif de la contrepassation.")
        ledger.do_reverse_movement(movement, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Écriture contrepassée.")
    account = movement.credit if movement.credit.initiative_id else movement.debit
    if account.initiative_id:
        return _to_initiative(request, account.initiative)
    return redirect("communs:trial_balance", slug=request.organisation.slug)


@organisation_view(*perms.CAN_VIEW)
def trial_balance(request):
    context = {
        "organisation": request.organisation,
        "trial": ledger.trial_balance(request.organisation),
        "not_money": legal.NOT_MONEY,
    }
    return render(request, "communs/trial_balance.html", context)


@organisation_view(*perms.CAN_MANAGE)
def scdl_export(request):
    year = _year(request)
    if "apercu" in request.GET:
        rows, problems = scdl.export_rows(request.organisation, year)
        context = {
            "organisation": request.organisation,
            "rows": rows,
            "problems": problems,
            "year": year,
            "header": scdl.HEADER,
        }
        return render(request, "communs/scdl_preview.html", context)
    rows, _ = scdl.export_rows(request.organisation, year)
    return csv_response(f"subventions-en-nature-{year}.csv", scdl.HEADER, rows)


def public_catalogue(request, slug):
    """Public: only organisations that chose to publish, and only the resources they marked public."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not organisation.is_public:
        raise Http404
    resources = Resource.objects.filter(organisation=organisation, is_public=True, draft=False).prefetch_related(
        "photos"
    )
    context = {
        "organisation": organisation,
        "resources": resources,
        "notes": legal.NOTES,
    }
    return render(request, "communs/public.html", context)
