"""The co-management board: accounts (balances, trial balance, decisions), proposals and votes. Everyone of the
organisation sees it; the support service designates representatives and opens and closes votes; a
representative votes for its initiative (board.do_cast_vote checks it)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.communs import board, ledger, legal, permissions as perms, rules
from pilote.communs.forms import ProposalForm, RepresentativeForm
from pilote.communs.models import Decision, Initiative, Proposal, Representative, VoteChoice
from pilote.core.permissions import organisation_view
from pilote.ui.forms import submit


def _to_board(request):
    return redirect("communs:board", slug=request.organisation.slug)


@organisation_view(*perms.CAN_VIEW)
def board_home(request, proposal_form=None, representative_form=None):
    org = request.organisation
    initiatives = list(Initiative.objects.filter(organisation=org).select_related("representative__user"))
    for initiative in initiatives:
        initiative.balance = ledger.initiative_balance(initiative)
    proposals = list(Proposal.objects.filter(organisation=org).select_related("resource", "initiative", "decision"))
    mine = board.represented(request.user, org)
    for proposal in proposals:
        proposal.counts = board.tally(proposal)
        voted = set(proposal.votes.values_list("initiative_id", flat=True))
        proposal.can_vote_for = [i for i in mine if i.pk not in voted]
    context = {
        "organisation": org,
        "initiatives": initiatives,
        "trial": ledger.trial_balance(org),
        "decisions": Decision.objects.filter(organisation=org)[:30],
        "proposals": proposals,
        "choices": VoteChoice.choices,
        "can_grant": bool(request.roles & perms.CAN_GRANT),
        "proposal_form": proposal_form or ProposalForm(organisation=org),
        "representative_form": representative_form or RepresentativeForm(organisation=org),
        "majority": rules.board_outcome.__doc__.split(":", 1)[1].strip(),
        "not_money": legal.NOT_MONEY,
    }
    return render(request, "communs/board.html", context)


@organisation_view(*perms.CAN_GRANT)
@require_POST
def representative_appoint(request):
    form = RepresentativeForm(request.POST, organisation=request.organisation)
    if submit(
        form, lambda data: board.do_appoint_representative(data["initiative"], email=data["email"], actor=request.user)
    ).ok:
        messages.success(request, "Représentant désigné.")
        return _to_board(request)
    return board_home.__wrapped__(request, representative_form=form)


@organisation_view(*perms.CAN_GRANT)
@require_POST
def proposal_open(request):
    form = ProposalForm(request.POST, organisation=request.organisation)
    if submit(form, lambda data: board.do_open_proposal(request.organisation, actor=request.user, **data)).ok:
        messages.success(request, "Proposition soumise au vote du comité.")
        return _to_board(request)
    return board_home.__wrapped__(request, proposal_form=form)


@organisation_view(*perms.CAN_VIEW)
@require_POST
def proposal_vote(request, proposition_id):
    proposal = get_object_or_404(Proposal, pk=proposition_id, organisation=request.organisation)
    representative = Representative.objects.filter(
        initiative_id=request.POST.get("initiative") or None, initiative__organisation=request.organisation
    ).first()
    try:
        if representative is None:
            raise ValidationError("Choisissez l'initiative que vous représentez.")
        board.do_cast_vote(
            proposal, representative.initiative, choice=request.POST.get("choice", ""), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Vote de « {representative.initiative.name} » enregistré.")
    return _to_board(request)


@organisation_view(*perms.CAN_GRANT)
@require_POST
def proposal_close(request, proposition_id):
    proposal = get_object_or_404(Proposal, pk=proposition_id, organisation=request.organisation)
    try:
        proposal = board.do_close_proposal(proposal, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Vote clos : proposition {proposal.get_outcome_display().lower()}.")
    return _to_board(request)
