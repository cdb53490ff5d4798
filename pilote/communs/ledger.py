"""The access-credit ledger: double entry, append-only, in a unit that is not money (legal.NOT_MONEY).

Every movement debits one account and credits another by the same amount (models.Movement), so the trial
balance sums to zero by construction; balances are always derived from the movements. An initiative's balance
is its credits minus its debits; it may go below zero down to its `credit_limit`, never further. Corrections are
reversing movements. Limit checks lock the initiative's row (select_for_update), so two bookings approved at the
same time cannot both pass a limit that only one fits."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum

from pilote.communs.audit import CommunsVerb
from pilote.communs.models import Account, AccountKind, Decision, Initiative, Movement
from pilote.core.services import record_event


def system_account(organisation, kind: AccountKind) -> Account:
    account, _ = Account.objects.get_or_create(organisation=organisation, kind=kind, initiative=None)
    return account


def initiative_account(initiative: Initiative) -> Account:
    account, _ = Account.objects.get_or_create(
        organisation_id=initiative.organisation_id, kind=AccountKind.INITIATIVE, initiative=initiative
    )
    return account


def balance(account: Account) -> int:
    credits = Movement.objects.filter(credit=account).aggregate(total=Sum("amount"))["total"] or 0
    debits = Movement.objects.filter(debit=account).aggregate(total=Sum("amount"))["total"] or 0
    return credits - debits


def initiative_balance(initiative: Initiative) -> int:
    return balance(initiative_account(initiative))


def trial_balance(organisation) -> dict:
    """Every account of the organisation with its debits, credits and balance; `total` is always zero."""
    rows = []
    for account in Account.objects.filter(organisation=organisation).select_related("initiative"):
        debits = Movement.objects.filter(debit=account).aggregate(total=Sum("amount"))["total"] or 0
        credits = Movement.objects.filter(credit=account).aggregate(total=Sum("amount"))["total"] or 0
        rows.append({"account": account, "debits": debits, "credits": credits, "balance": credits - debits})
    return {
        "rows": rows,
        "debits": sum(r["debits"] for r in rows),
        "credits": sum(r["credits"] for r in rows),
        "total": sum(r["balance"] for r in rows),
    }


def statement(initiative: Initiative) -> list[dict]:
    """The initiative's movements in order, each with its signed amount and the running balance."""
    account = initiative_account(initiative)
    rows, running = [], 0
    movements = Movement.objects.filter(Q(debit=account) | Q(credit=account))
    for movement in movements.select_related("decision", "booking__resource", "reverses"):
        signed = movement.amount if movement.credit_id == account.pk else -movement.amount
        running += signed
        rows.append({"movement": movement, "signed": signed, "balance": running})
    return rows


def _check_amount(amount) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError({"amount": "Le montant en crédits doit être un nombre entier positif."})
    return amount


def post(organisation, *, kind, debit: Account, credit: Account, amount: int, memo: str, actor, **links) -> Movement:
    """Write one movement inside the caller's transaction. Refuses an amount that is not a positive integer, the
    same account on both sides, an account of another organisation, and a debit that takes an initiative beyond
    its credit limit (its row is locked until the transaction ends)."""
    _check_amount(amount)
    if debit.pk == credit.pk:
        raise ValidationError(
            "Une écriture débite un compte et en crédite un autre : les deux comptes sont identiques."
        )
    if debit.organisation_id != organisation.pk or credit.organisation_id != organisation.pk:
        raise ValidationError("Les deux comptes d'une écriture appartiennent à la même organisation.")
    if debit.initiative_id:
        initiative = Initiative.objects.select_for_update().get(pk=debit.initiative_id)
        available = balance(debit) + initiative.credit_limit
        if amount > available:
            raise ValidationError(
                f"Crédits insuffisants pour « {initiative.name} » : {amount} crédits demandés, {balance(debit)} "
                f"disponibles et un découvert autorisé de {initiative.credit_limit}."
            )
    return Movement.objects.create(
        organisation=organisation,
        kind=kind,
        debit=debit,
        credit=credit,
        amount=amount,
        memo=memo[:250],
        created_by=actor,
        **links,
    )


@transaction.atomic
def do_grant_credits(initiative: Initiative, *, amount, body, reference, decided_on, reasons, actor) -> Movement:
    """Credits granted by a recorded decision (a committee or the support service, with its reasons)."""
    _check_amount(amount)
    if not (reference or "").strip() or not (reasons or "").strip():
        raise ValidationError({"reasons": "Une attribution de crédits cite sa décision : référence et motifs."})
    organisation = initiative.organisation
    decision = Decision.objects.create(
        organisation=organisation,
        body=body,
        reference=reference.strip(),
        decided_on=decided_on,
        reasons=reasons.strip(),
        recorded_by=actor,
    )
    movement = post(
        organisation,
        kind=Movement.Kind.ALLOCATION,
        debit=system_account(organisation, AccountKind.EMISSION),
        credit=initiative_account(initiative),
        amount=amount,
        memo=f"Décision {decision}",
        actor=actor,
        decision=decision,
    )
    record_event(
        actor=actor,
        organisation=organisation,
        verb=CommunsVerb.CREDITS_ATTRIBUES,
        target=initiative.name,
        payload={"amount": amount, "decision": decision.pk},
    )
    return movement


@transaction.atomic
def do_record_contribution(initiative: Initiative, *, amount, memo, actor) -> Movement:
    """Credits earned back by contributing: an item lent to the catalogue, volunteering hours."""
    if not (memo or "").strip():
        raise ValidationError({"memo": "Décrivez la contribution (objet prêté, heures de bénévolat…)."})
    organisation = initiative.organisation
    movement = post(
        organisation,
        kind=Movement.Kind.CONTRIBUTION,
        debit=system_account(organisation, AccountKind.CONTRIBUTIONS),
        credit=initiative_account(initiative),
        amount=amount,
        memo=memo.strip(),
        actor=actor,
    )
    record_event(
        actor=actor,
        organisation=organisation,
        verb=CommunsVerb.CONTRIBUTION,
        target=initiative.name,
        payload={"amount": amount},
    )
    return movement


@transaction.atomic
def do_reverse_movement(movement: Movement, *, reason, actor) -> Movement:
    """The correction of a movement: a new movement swapping its accounts. A movement is reversed at most once,
    and a reversal is not itself reversed (post the right movement again instead)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "Indiquez le motif de la contrepassation."})
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    if movement.reverses_id:
        raise ValidationError("Cette écriture est déjà une contrepassation : passez plutôt une nouvelle écriture.")
    if Movement.objects.filter(reverses=movement).exists():
        raise ValidationError("Cette écriture a déjà été contrepassée.")
    reversal = post(
        movement.organisation,
        kind=Movement.Kind.CONTREPASSATION,
        debit=movement.credit,
        credit=movement.debit,
        amount=movement.amount,
        memo=f"Contrepassation : {reason.strip()}",
        actor=actor,
        reverses=movement,
        booking=movement.booking,
    )
    record_event(
        actor=actor,
        organisation=movement.organisation,
        verb=CommunsVerb.ECRITURE_CONTREPASSEE,
        target=str(movement.pk),
        payload={"reason": reason.strip()[:200]},
    )
    return reversal
