"""Every write of the modification register and of evolution clauses (`do_*`): atomic, validated, one audit row
each. Bad input raises a French ValidationError naming the field; nothing is saved."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pilote.clauses import services as clause_services
from pilote.clauses.models import ClauseKind
from pilote.contracts import modifications as data
from pilote.core.services import record_event
from pilote.evolutions import builder, decp, rules
from pilote.evolutions.audit import EvolutionsVerb
from pilote.evolutions.legal import Ground
from pilote.evolutions.models import COUNTED, Body, EvolutionClause, Modification, Opinion, Register, Status


def _event(actor, organisation, verb, target, **payload):
    record_event(actor=actor, organisation=organisation, verb=verb, target=str(target), payload=payload)


@transaction.atomic
def do_open_register(organisation, *, actor, **fields) -> Register:
    """A register for a contract entered by hand (a contract followed from its fiche, not yet in the data)."""
    register = Register(organisation=organisation, **fields)
    register.full_clean()
    register.save()
    _event(actor, organisation, EvolutionsVerb.REGISTRE_OUVERT, register, source="saisie")
    return register


@transaction.atomic
def do_open_register_from_data(organisation, *, actor, contrat_uid: str, awarded_by_cao=False) -> Register:
    """A register for a contract of the organisation in the DECP data; its modifications are imported (legal
    ground unknown until someone types it). Opening it twice returns the same register."""
    existing = Register.objects.filter(organisation=organisation, contrat_uid=contrat_uid).first()
    if existing:
        return existing
    row = data.contract(contrat_uid, organisation.sirets)
    if row is None:
        raise ValidationError({"contrat_uid": "Ce contrat n'est pas un contrat de l'organisation dans les données."})
    if not row["montant"] or not row["date_notification"]:
        raise ValidationError({"contrat_uid": "Ce contrat n'a pas de montant ou de date de notification utilisable."})
    register = do_open_register(
        organisation, actor=actor, contrat_uid=contrat_uid, decp_id=(row["id"] or "")[:16] or "inconnu",
        title=(row["objet"] or "Objet non renseigné")[:300], nature=row["nature"],
        initial_amount=Decimal(str(row["montant"])), initial_duration=row["duree_mois"] or 1,
        notified_on=row["date_notification"], procedure=(row["procedure"] or "")[:120], awarded_by_cao=awarded_by_cao,
    )  # fmt: skip
    total = register.initial_amount
    for rank, mod in enumerate(row["modifications"], start=1):
        amount = Decimal(str(mod["montant"])) if mod["montant"] is not None else total
        Modification.objects.create(
            register=register, rank=rank, status=Status.IMPORTEE, ground=Ground.INCONNU,
            description="Modification publiée dans les DECP", amount_delta=amount - total,
            new_duration=mod["duree_mois"], dated=mod["date_notification_modification"] or register.notified_on,
            published_on=mod["date_publication_donnees_modification"],
        )  # fmt: skip
        total = amount
    return register


def counted(register, *, exclude=None) -> list[Modification]:
    return [m for m in register.modifications.all() if m.status in COUNTED and m.pk != getattr(exclude, "pk", None)]


def _validate_proposal(register, proposal):
    errors = {}
    if proposal.dated < register.notified_on:
        errors["dated"] = (
            f"La modification est datée du {proposal.dated:%d/%m/%Y}, avant la notification du marché "
            f"({register.notified_on:%d/%m/%Y})."
        )
    if not proposal.description.strip():
        errors["description"] = "Décrivez la modification."
    if proposal.ground == Ground.INCONNU:
        errors["ground"] = "Choisissez le fondement juridique de la modification (article L. 2194-1)."
    if register.initial_amount + sum(m.amount_delta for m in counted(register)) + proposal.amount_delta <= 0:
        errors["amount_delta"] = "Le montant du marché après modification doit rester positif."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_propose_modification(register, *, actor, nonconforming=False, justification="", **fields) -> Modification:
    """Record a proposed modification after checking it against every limit. A proposal that crosses a limit is
    refused, or — when `nonconforming` is asked with a justification — recorded as non-conforming (never signed)."""
    register = Register.objects.select_for_update().get(pk=register.pk)
    rank = (register.modifications.order_by("-rank").values_list("rank", flat=True).first() or 0) + 1
    proposal = Modification(register=register, rank=rank, created_by=actor, justification=justification, **fields)
    _validate_proposal(register, proposal)
    kind = register.organisation.kind
    issues = rules.check(register, counted(register), proposal, kind, clause=proposal.clause)
    proposal.issues = [i.as_dict() for i in issues]
    if rules.blocking(issues):
        if not nonconforming:
            raise ValidationError({"amount_delta": [f"{i.message} ({i.citation})" for i in rules.blocking(issues)]})
        if not justification.strip():
            raise ValidationError(
                {"justification": "Une modification non conforme s'enregistre avec sa justification."}
            )
        proposal.status = Status.NON_CONFORME
    proposal.full_clean()
    proposal.save()
    verb = (
        EvolutionsVerb.MODIFICATION_NON_CONFORME
        if proposal.status == Status.NON_CONFORME
        else EvolutionsVerb.MODIFICATION_PROPOSEE
    )
    _event(actor, register.organisation, verb, proposal, registre=register.pk, montant=str(proposal.amount_delta))
    return proposal


@transaction.atomic
def do_record_opinion(modification, *, actor, body, verdict, given_on, text, jury=None) -> Opinion:
    if modification.status not in (Status.PROPOSEE, Status.NON_CONFORME):
        raise ValidationError({"body": "L'avis se recueille avant la signature."})
    if body == Body.JURY and jury is None:
        raise ValidationError({"jury": "Choisissez le jury citoyen qui a rendu l'avis."})
    if jury is not None and jury.organisation_id != modification.register.organisation_id:
        raise ValidationError({"jury": "Ce jury n'est pas celui de l'organisation."})
    opinion = Opinion(modification=modification, body=body, verdict=verdict, given_on=given_on, text=text,
                      jury=jury if body == Body.JURY else None, created_by=actor)  # fmt: skip
    opinion.full_clean()
    opinion.save()
    _event(actor, modification.register.organisation, EvolutionsVerb.AVIS_ENREGISTRE, modification, instance=body)
    return opinion


@transaction.atomic
def do_sign_modification(modification, *, actor) -> Modification:
    """Sign a proposal: checked again against the register as it is now, with the opinions it needs recorded."""
    Register.objects.select_for_update().get(pk=modification.register_id)  # one signature at a time per contract
    modification = Modification.objects.select_related("register", "clause").get(pk=modification.pk)
    if modification.status != Status.PROPOSEE:
        raise ValidationError("Seule une modification proposée et conforme peut être signée.")
    register = modification.register
    issues = rules.check(register, counted(register), modification, register.organisation.kind, modification.clause)
    if rules.blocking(issues):
        raise ValidationError([f"{i.message} ({i.citation})" for i in rules.blocking(issues)])
    given = set(modification.opinions.values_list("body", flat=True))
    missing = rules.opinions_needed([i.as_dict() for i in issues]) - given
    if missing:
        labels = ", ".join(Body(code).label for code in sorted(missing))
        raise ValidationError(f"Avis requis avant signature : {labels}.")
    modification.status, modification.signed_at = Status.SIGNEE, timezone.now()
    modification.issues = [i.as_dict() for i in issues]
    modification.save(update_fields=["status", "signed_at", "issues"])
    _event(actor, register.organisation, EvolutionsVerb.MODIFICATION_SIGNEE, modification, registre=register.pk)
    return modification


@transaction.atomic
def do_publish_modification(modification, *, actor, published_on: date) -> dict:
    """Record the publication of a signed modification in the DECP; its block must validate against the schema."""
    modification = (
        Modification.objects.select_for_update(of=("self",)).select_related("register").get(pk=modification.pk)
    )
    if modification.status != Status.SIGNEE:
        raise ValidationError({"published_on": "Seule une modification signée se publie."})
    if published_on < modification.dated:
        raise ValidationError({"published_on": "La publication ne peut précéder la notification de la modification."})
    block = decp.block(modification, published_on=published_on)
    problems = decp.errors(block)
    if problems:
        raise ValidationError({"published_on": problems})
    modification.published_on = published_on
    modification.save(update_fields=["published_on"])
    late = published_on > rules.publication_deadline(modification.dated)
    _event(actor, modification.register.organisation, EvolutionsVerb.MODIFICATION_PUBLIEE, modification, tardive=late)
    return block


@transaction.atomic
def do_create_evolution_clause(organisation, *, actor, register=None, **fields) -> EvolutionClause:
    """Build a review clause from its fields, refuse it unless clear, precise and unequivocal, and save its text in
    the organisation's clause library."""
    problems = builder.problems(fields)
    if problems:
        raise ValidationError(problems)
    if register is not None and register.organisation_id != organisation.pk:
        raise ValidationError({"register": "Ce registre n'est pas celui de l'organisation."})
    text = builder.text(fields)
    library = clause_services.do_save_clause(
        organisation, actor=actor,
        fields={"kind": ClauseKind.SPECIFICATION, "title": f"Clause de réexamen — {fields['title']}"[:200],
                "text": text, "legal_basis": "CCP art. L. 2194-1 et R. 2194-1 (clause de réexamen)"},
    )  # fmt: skip
    clause = EvolutionClause(organisation=organisation, register=register, library_clause=library, text=text, **fields)
    clause.full_clean()
    clause.save()
    _event(actor, organisation, EvolutionsVerb.CLAUSE_CREEE, clause, bibliotheque=library.pk)
    return clause


@transaction.atomic
def do_activate_clause(clause, *, actor, register, amount_delta, dated, description, answers=None) -> Modification:
    """Activating a clause proposes a modification on the ground of the clause in the contract's register."""
    if clause.register_id and clause.register_id != register.pk:
        raise ValidationError({"register": "La clause est attachée à un autre contrat."})
    modification = do_propose_modification(
        register, actor=actor, ground=Ground.CLAUSE, clause=clause, amount_delta=amount_delta, dated=dated,
        description=description, substantial_answers=answers or {},
    )  # fmt: skip
    _event(actor, register.organisation, EvolutionsVerb.CLAUSE_ACTIVEE, clause, modification=modification.pk)
    return modification
