"""The co-management board (comité de cogestion): the support service designates one representative per
initiative and opens proposals (a new credit price for a resource from a date, or an allocation of credits);
representatives vote (one vote per initiative); at closing the outcome follows rules.board_outcome. An adopted
allocation becomes a ledger grant by the recorded decision (ledger.do_grant_credits); an adopted price applies to
bookings starting from its date (bookings already approved keep the credits they were charged)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from pilote.communs import ledger, rules
from pilote.communs.audit import CommunsVerb
from pilote.communs.models import (
    Decision,
    Initiative,
    Proposal,
    Representative,
    Resource,
    ResourcePrice,
    Vote,
    VoteChoice,
)
from pilote.core.permissions import roles_in
from pilote.core.services import record_event


@transaction.atomic
def do_appoint_representative(initiative: Initiative, *, email, actor) -> Representative:
    """Designates a member of the organisation (invite them first if needed) as the initiative's representative."""
    user = get_user_model().objects.filter(email__iexact=(email or "").strip()).first()
    if user is None or not roles_in(user, initiative.organisation):
        raise ValidationError(
            {"email": "Aucun membre de l'organisation n'a cette adresse : invitez d'abord la personne."}
        )
    representative, _ = Representative.objects.update_or_create(
        initiative=initiative, defaults={"user": user, "appointed_by": actor}
    )
    record_event(
        actor=actor,
        organisation=initiative.organisation,
        verb=CommunsVerb.REPRESENTANT_DESIGNE,
        target=initiative.name,
        payload={"user": user.pk},
    )
    return representative


def represented(user, organisation) -> list[Initiative]:
    return list(Initiative.objects.filter(organisation=organisation, representative__user=user))


@transaction.atomic
def do_open_proposal(
    organisation,
    *,
    kind,
    reasons,
    actor,
    resource=None,
    new_price=None,
    effective_from=None,
    initiative=None,
    amount=None,
) -> Proposal:
    if not (reasons or "").strip():
        raise ValidationError({"reasons": "Indiquez les motifs de la proposition."})
    if kind == Proposal.Kind.PRIX:
        if resource is None or resource.organisation_id != organisation.pk:
            raise ValidationError({"resource": "Choisissez la ressource dont le prix est proposé."})
        if new_price is None or new_price < 0:
            raise ValidationError({"new_price": "Le nouveau prix est un nombre entier de crédits, positif ou nul."})
        if effective_from is None:
            raise ValidationError({"effective_from": "Indiquez la date à partir de laquelle le prix s'applique."})
        initiative, amount = None, None
    elif kind == Proposal.Kind.ALLOCATION:
        if initiative is None or initiative.organisation_id != organisation.pk:
            raise ValidationError({"initiative": "Choisissez l'initiative à qui attribuer les crédits."})
        if not amount or amount <= 0:
            raise ValidationError({"amount": "Le nombre de crédits proposés doit être un entier positif."})
        resource, new_price, effective_from = None, None, None
    else:
        raise ValidationError({"kind": "Objet de proposition inconnu."})
    proposal = Proposal.objects.create(
        organisation=organisation,
        kind=kind,
        resource=resource,
        new_price=new_price,
        effective_from=effective_from,
        initiative=initiative,
        amount=amount,
        reasons=reasons.strip(),
        opened_by=actor,
    )
    record_event(actor=actor, organisation=organisation, verb=CommunsVerb.PROPOSITION_OUVERTE, target=str(proposal))
    return proposal


def do_cast_vote(proposal: Proposal, initiative: Initiative, *, choice, actor) -> Vote:
    """One vote per initiative, by its representative, while the vote is open."""
    try:
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if proposal.outcome != Proposal.Outcome.OUVERTE:
                raise ValidationError("Le vote sur cette proposition est clos : il n'est plus possible de voter.")
            if choice not in VoteChoice.values:
                raise ValidationError({"choice": "Votez pour, contre ou abstention."})
            if (
                initiative.organisation_id != proposal.organisation_id
                or not Representative.objects.filter(initiative=initiative, user=actor).exists()
            ):
                raise ValidationError(f"Vous ne représentez pas « {initiative.name} » au comité de cogestion.")
            if proposal.votes.filter(initiative=initiative).exists():
                raise ValidationError(
                    f"« {initiative.name} » a déjà voté sur cette proposition : un vote par initiative."
                )
            vote = Vote.objects.create(proposal=proposal, initiative=initiative, choice=choice, voter=actor)
            record_event(
                actor=actor,
                organisation=proposal.organisation,
                verb=CommunsVerb.VOTE,
                target=str(proposal),
                payload={"initiative": initiative.pk, "choice": choice},
            )
            return vote
    except IntegrityError as error:  # the same initiative voting twice at the same instant
        raise ValidationError(
            f"« {initiative.name} » a déjà voté sur cette proposition : un vote par initiative."
        ) from error


def tally(proposal: Proposal) -> dict:
    counts = proposal.votes.aggregate(
        pour=Count("pk", filter=Q(choice=VoteChoice.POUR)),
        contre=Count("pk", filter=Q(choice=VoteChoice.CONTRE)),
        abstention=Count("pk", filter=Q(choice=VoteChoice.ABSTENTION)),
    )
    return counts


@transaction.atomic
def do_close_proposal(proposal: Proposal, *, actor) -> Proposal:
    """Closes the vote; an adopted proposal is recorded as a decision of the board and applied."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.outcome != Proposal.Outcome.OUVERTE:
        raise ValidationError("Ce vote est déjà clos.")
    counts = tally(proposal)
    adopted = rules.board_outcome(counts["pour"], counts["contre"], counts["abstention"])
    proposal.outcome = Proposal.Outcome.ADOPTEE if adopted else Proposal.Outcome.REJETEE
    proposal.closed_at = timezone.now()
    reasons = (
        f"{proposal.reasons}\nVote du comité de cogestion : {counts['pour']} pour, {counts['contre']} contre, "
        f"{counts['abstention']} abstention(s)."
    )
    reference = f"CCG-{proposal.pk}"
    if adopted and proposal.kind == Proposal.Kind.ALLOCATION:
        movement = ledger.do_grant_credits(
            proposal.initiative,
            amount=proposal.amount,
            body=Decision.Body.COMITE,
            reference=reference,
            decided_on=timezone.localdate(),
            reasons=reasons,
            actor=actor,
        )
        proposal.decision = movement.decision
    elif adopted:
        proposal.decision = Decision.objects.create(
            organisation=proposal.organisation,
            body=Decision.Body.COMITE,
            reference=reference,
            decided_on=timezone.localdate(),
            reasons=reasons,
            recorded_by=actor,
        )
        ResourcePrice.objects.create(
            resource=proposal.resource,
            price=proposal.new_price,
            effective_from=proposal.effective_from,
            proposal=proposal,
        )
    proposal.save(update_fields=["outcome", "closed_at", "decision"])
    record_event(
        actor=actor,
        organisation=proposal.organisation,
        verb=CommunsVerb.PROPOSITION_CLOSE,
        target=str(proposal),
        payload=counts | {"outcome": proposal.outcome},
    )
    return proposal


def price_on(resource: Resource, day: dt.date) -> int:
    """The resource's credit price for a booking starting on `day` (voted prices from their date)."""
    voted = list(resource.prices.values_list("effective_from", "price"))
    return rules.price_on(resource.credit_price, voted, day)
