"""Views of the responsible negotiation: open it with its bidders and impact questions, send the questions to every
bidder at once, record claims with evidence, compare them side by side, turn one into a followed execution clause."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.permissions import organisation_view
from pilote.evolutions import negotiation as service, permissions as perms
from pilote.evolutions.forms import AchievedForm, ClaimForm, CommitmentForm, NegotiationForm, StartingSegmentForm
from pilote.evolutions.legal import NEGOTIATION_ARTICLES, articles_in_force
from pilote.evolutions.models import Claim, Commitment, Negotiation
from pilote.ui.forms import submit


def _negotiation(request, negociation_id):
    return get_object_or_404(Negotiation, pk=negociation_id, organisation=request.organisation)


def _to(request, negotiation):
    return redirect("evolutions:negotiation", slug=request.organisation.slug, negociation_id=negotiation.pk)


def _starting_form(request):
    """The negotiation form; on GET with ?segment=<code>, prefilled with that segment's impact questions."""
    if request.method == "POST":
        return NegotiationForm(request.POST, organisation=request.organisation), None
    chooser = StartingSegmentForm(request.GET if "segment" in request.GET else None, organisation=request.organisation)
    initial = {"title": request.GET.get("titre", "")[:200]}
    if chooser.is_bound and chooser.is_valid():
        segment = chooser.cleaned_data["segment"]
        initial |= {"segment": segment, "questions": service.starting_questionnaire(request.organisation, segment)}
    return NegotiationForm(initial=initial, organisation=request.organisation), chooser


@organisation_view(*perms.CAN_EDIT)
def negotiation_create(request):
    form, chooser = _starting_form(request)
    if request.method == "POST":
        created = submit(
            form,
            lambda _data: service.do_create_negotiation(
                request.organisation, actor=request.user, **form.fields_for_service()
            ),
        )
        if created.ok:
            return _to(request, created.result)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "chooser": chooser, "organisation": request.organisation,
               "articles": articles_in_force(NEGOTIATION_ARTICLES)}  # fmt: skip
    return render(request, "evolutions/negotiation_form.html", context, status=status)


def _page(request, negotiation, status=200, claim_form=None):
    bidders = negotiation.bidders.all()
    context = {
        "organisation": request.organisation,
        "negotiation": negotiation,
        "bidders": bidders,
        "questions": negotiation.questions.prefetch_related("dispatches__bidder"),
        "comparison": service.comparison(negotiation),
        "claim_form": claim_form or ClaimForm(bidders=bidders),
        "commitments": Commitment.objects.filter(claim__bidder__negotiation=negotiation).select_related(
            "claim__bidder"
        ),
        "can_edit": request.roles & perms.CAN_EDIT,
    }
    return render(request, "evolutions/negotiation.html", context, status=status)


@organisation_view(*perms.CAN_VIEW)
def negotiation_detail(request, negociation_id):
    return _page(request, _negotiation(request, negociation_id))


@organisation_view(*perms.CAN_EDIT)
@require_POST
def questions_send(request, negociation_id):
    negotiation = _negotiation(request, negociation_id)
    ids = [int(v) for v in request.POST.getlist("bidders") if v.isdigit()]
    try:
        sent = service.do_send_questions(negotiation, actor=request.user, bidder_ids=ids)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"{sent} question(s) envoyée(s) à l'identique à chaque soumissionnaire.")
    return _to(request, negotiation)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def claim_add(request, negociation_id):
    negotiation = _negotiation(request, negociation_id)
    form = ClaimForm(request.POST, bidders=negotiation.bidders.all())
    if submit(form, lambda data: service.do_record_claim(actor=request.user, **data)).ok:
        return _to(request, negotiation)
    return _page(request, negotiation, status=400, claim_form=form)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def commitment_accept(request, allegation_id):
    claim = get_object_or_404(Claim, pk=allegation_id, bidder__negotiation__organisation=request.organisation)
    form = CommitmentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Indiquez l'indicateur suivi.")
        service.do_accept_commitment(claim, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "Engagement retenu : clause d'exécution ajoutée à la bibliothèque.")
    return _to(request, claim.bidder.negotiation)


@organisation_view(*perms.CAN_EDIT)
@require_POST
def commitment_measure(request, engagement_id):
    commitment = get_object_or_404(
        Commitment, pk=engagement_id, claim__bidder__negotiation__organisation=request.organisation
    )
    form = AchievedForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Indiquez la valeur réalisée et la date de mesure.")
        service.do_record_achieved(commitment, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return _to(request, commitment.claim.bidder.negotiation)
