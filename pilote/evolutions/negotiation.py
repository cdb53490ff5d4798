"""Responsible negotiation (`do_*`): impact questions sent identically to every bidder, with a record per bidder
(equal treatment, CCP art. R. 2161-17: a question to one bidder only is refused), claims per criterion with their
evidence, and the accepted commitments turned into execution clauses whose indicator is followed after award."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.clauses import services as clause_services
from pilote.clauses.impact import format_impact_questions
from pilote.clauses.models import ClauseKind
from pilote.clauses.queries import guide_for
from pilote.core.services import record_event
from pilote.evolutions.audit import EvolutionsVerb
from pilote.evolutions.models import Bidder, Claim, Commitment, Criterion, Dispatch, ImpactQuestion, Negotiation


SOCIAL = {Criterion.INSERTION, Criterion.SIAE_ESS}


def _event(actor, negotiation, verb, target, **payload):
    record_event(actor=actor, organisation=negotiation.organisation, verb=verb, target=str(target), payload=payload)


def starting_questions(organisation, segment) -> list[tuple[str, str]]:
    """The impact questions of the segment's guide (the organisation's own guide, else the national one): the
    questionnaire a negotiation for a purchase of that segment starts from; the buyer may edit it before opening."""
    guide = guide_for(organisation, segment)
    return guide.impact_question_pairs if guide else []


def starting_questionnaire(organisation, segment) -> str:
    """starting_questions as the « critère | question » text of the negotiation form."""
    return format_impact_questions(starting_questions(organisation, segment))


@transaction.atomic
def do_create_negotiation(organisation, *, actor, title, bidders, questions, segment=None) -> Negotiation:
    """`bidders`: names (at least two, distinct); `questions`: (criterion, text) pairs."""
    names = [n.strip() for n in bidders if n.strip()]
    errors = {}
    if not title.strip():
        errors["title"] = "Indiquez la consultation."
    if len(names) < 2 or len(set(names)) != len(names):
        errors["bidders"] = "Indiquez au moins deux soumissionnaires, chacun une seule fois."
    if not questions or any(not text.strip() for _c, text in questions):
        errors["questions"] = "Écrivez au moins une question d'impact, chacune avec son texte."
    if segment is not None and segment.organisation_id not in (None, organisation.pk):
        errors["segment"] = "Ce segment appartient à une autre organisation."
    if errors:
        raise ValidationError(errors)
    negotiation = Negotiation.objects.create(organisation=organisation, title=title.strip(), segment=segment)
    Bidder.objects.bulk_create([Bidder(negotiation=negotiation, name=n) for n in names])
    for criterion, text in questions:
        question = ImpactQuestion(negotiation=negotiation, criterion=criterion, text=text.strip())
        question.full_clean()
        question.save()
    _event(actor, negotiation, EvolutionsVerb.NEGOCIATION_CREEE, negotiation, soumissionnaires=len(names))
    return negotiation


@transaction.atomic
def do_send_questions(negotiation, *, actor, bidder_ids) -> int:
    """Send every unsent question to the bidders named — which must be all of them."""
    everyone = set(negotiation.bidders.values_list("pk", flat=True))
    if set(bidder_ids) != everyone:
        raise ValidationError(
            {"bidders": "Égalité de traitement (CCP art. R. 2161-17) : une question s'envoie à tous les "
                        "soumissionnaires à la fois, jamais à un seul."}
        )  # fmt: skip
    now = timezone.now()
    questions = list(negotiation.questions.filter(sent_at__isnull=True))
    if not questions:
        raise ValidationError({"bidders": "Toutes les questions ont déjà été envoyées."})
    Dispatch.objects.bulk_create(
        [Dispatch(question=q, bidder_id=b, text=q.text, sent_at=now) for q in questions for b in sorted(everyone)]
    )
    ImpactQuestion.objects.filter(pk__in=[q.pk for q in questions]).update(sent_at=now)
    _event(actor, negotiation, EvolutionsVerb.QUESTIONS_ENVOYEES, negotiation, questions=len(questions))
    return len(questions)


@transaction.atomic
def do_record_claim(bidder, *, actor, criterion, value, evidence) -> Claim:
    if not bidder.negotiation.questions.filter(criterion=criterion, sent_at__isnull=False).exists():
        raise ValidationError(
            {"criterion": "Aucune question envoyée sur ce critère : l'allégation n'a pas été demandée."}
        )
    if not (evidence or "").strip():
        raise ValidationError({"evidence": "Une allégation sans preuve n'est pas enregistrée : joignez sa preuve."})
    claim = Claim(bidder=bidder, criterion=criterion, value=value, evidence=evidence.strip())
    claim.full_clean()
    claim.save()
    _event(actor, bidder.negotiation, EvolutionsVerb.ALLEGATION_SAISIE, claim, critere=criterion)
    return claim


def comparison(negotiation) -> list[dict]:
    """Claims side by side: one row per criterion, one cell per bidder."""
    bidders = list(negotiation.bidders.all())
    claims = {(c.bidder_id, c.criterion): c for c in Claim.objects.filter(bidder__negotiation=negotiation)}
    criteria = [c for c in Criterion if any(k[1] == c for k in claims)]
    return [{"criterion": c, "cells": [claims.get((b.pk, c)) for b in bidders]} for c in criteria]


@transaction.atomic
def do_accept_commitment(claim, *, actor, indicator) -> Commitment:
    """The claim becomes an execution clause of the organisation's library with its indicator, followed after award."""
    if hasattr(claim, "commitment"):
        raise ValidationError({"indicator": "Cet engagement est déjà retenu."})
    if not indicator.strip():
        raise ValidationError({"indicator": "Indiquez l'indicateur suivi pendant l'exécution."})
    negotiation = claim.bidder.negotiation
    kind = ClauseKind.CONDITION_SOCIALE if claim.criterion in SOCIAL else ClauseKind.CONDITION_ENVIRONNEMENTALE
    text = (f"Le titulaire s'engage, au titre de son offre, sur : {claim.get_criterion_display()} = {claim.value:n}. "
            f"Indicateur suivi pendant l'exécution : {indicator.strip()}. Preuve fournie : {claim.evidence}")  # fmt: skip
    library = clause_services.do_save_clause(
        negotiation.organisation, actor=actor,
        fields={"kind": kind, "title": f"Engagement {claim.get_criterion_display()} — {claim.bidder}"[:200],
                "text": text, "legal_basis": "Engagement de l'offre retenu en négociation (condition d'exécution)"},
    )  # fmt: skip
    Claim.objects.filter(pk=claim.pk).update(accepted=True)
    commitment = Commitment.objects.create(claim=claim, library_clause=library, indicator=indicator.strip(),
                                           promised=claim.value)  # fmt: skip
    _event(actor, negotiation, EvolutionsVerb.ENGAGEMENT_RETENU, commitment, clause=library.pk)
    return commitment


@transaction.atomic
def do_record_achieved(commitment, *, actor, achieved, measured_on) -> Commitment:
    if achieved is None or achieved < 0:
        raise ValidationError({"achieved": "Indiquez la valeur réalisée (positive)."})
    commitment.achieved, commitment.measured_on = achieved, measured_on
    commitment.save(update_fields=["achieved", "measured_on"])
    _event(actor, commitment.claim.bidder.negotiation, EvolutionsVerb.ENGAGEMENT_MESURE, commitment)
    return commitment
