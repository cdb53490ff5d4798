"""Evolution clauses attached to fiches visa (`do_*`): the issue's « clauses saved in the clause library and
attached to fiches ». Only the buyer and the support service attach or detach, only a clause of the fiche's own
organisation, and only until the fiche is decided: after a visa (or a refusal) its clauses no longer change unless
the support service reopens it (pilote.fiches.workflow, « Rouvrir la fiche »). Each write is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.core.enums import Role
from pilote.core.permissions import roles_in
from pilote.core.services import record_event
from pilote.evolutions.audit import EvolutionsVerb
from pilote.evolutions.models import EvolutionClause, FicheClause
from pilote.fiches.models import Fiche


CAN_ATTACH = frozenset({Role.ACHETEUR, Role.APPUI})


def _locked_fiche(fiche) -> Fiche:
    # Locked so that a visa given at the same moment cannot slip between the check and the write.
    return Fiche.objects.select_for_update().select_related("organisation").get(pk=fiche.pk)


def _check(fiche: Fiche, actor) -> None:
    if not roles_in(actor, fiche.organisation) & CAN_ATTACH:
        raise ValidationError("Seuls l'acheteur et le service d'appui de l'organisation rattachent une clause "
                              "d'évolution à une fiche visa.")  # fmt: skip
    if fiche.is_decided:
        raise ValidationError(
            f"La fiche est « {fiche.get_status_display()} » : ses clauses ne changent plus après la décision. "
            "Le service d'appui peut la rouvrir pour y rattacher ou en détacher une clause."
        )


@transaction.atomic
def do_attach_evolution_clause(fiche, clause, *, actor) -> FicheClause:
    fiche = _locked_fiche(fiche)
    if clause is None or clause.organisation_id != fiche.organisation_id:
        raise ValidationError(
            {"clause": "Cette clause d'évolution n'est pas une clause de l'organisation de la fiche."}
        )
    _check(fiche, actor)
    if FicheClause.objects.filter(fiche=fiche, clause=clause).exists():
        raise ValidationError({"clause": "Cette clause d'évolution est déjà rattachée à la fiche."})
    link = FicheClause.objects.create(fiche=fiche, clause=clause, attached_by=actor)
    record_event(actor=actor, organisation=fiche.organisation, verb=EvolutionsVerb.CLAUSE_RATTACHEE,
                 target=str(clause), payload={"fiche": fiche.reference, "clause": clause.pk})  # fmt: skip
    return link


@transaction.atomic
def do_detach_evolution_clause(link: FicheClause, *, actor) -> None:
    fiche = _locked_fiche(link.fiche)
    _check(fiche, actor)
    clause = link.clause
    link.delete()
    record_event(actor=actor, organisation=fiche.organisation, verb=EvolutionsVerb.CLAUSE_DETACHEE,
                 target=str(clause), payload={"fiche": fiche.reference, "clause": clause.pk})  # fmt: skip


def attachable(fiche):
    """The organisation's evolution clauses not yet attached to the fiche."""
    attached = FicheClause.objects.filter(fiche=fiche).values("clause_id")
    return EvolutionClause.objects.filter(organisation_id=fiche.organisation_id).exclude(pk__in=attached)
