"""Every write of the cockpit: SPASER targets and report comments (atomic, validated, audited)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pilote.analytics.audit import AnalyticsVerb
from pilote.analytics.models import ReportComment, SpaserTarget
from pilote.analytics.permissions import can_edit_targets
from pilote.core.services import record_event


def _check(actor, organisation):
    if not can_edit_targets(actor, organisation):
        raise PermissionDenied("Seul le service d'appui ou un administrateur peut modifier les objectifs.")


@transaction.atomic
def do_set_target(*, organisation, annee, indicateur, cible, actor) -> SpaserTarget:
    """Create or replace the target of `indicateur` for `annee`."""
    _check(actor, organisation)
    target = SpaserTarget.objects.filter(organisation=organisation, annee=annee, indicateur=indicateur).first()
    before = str(target.cible) if target else None
    if target is None:
        target = SpaserTarget(organisation=organisation, annee=annee, indicateur=indicateur)
    target.cible = cible
    target.updated_by = actor
    target.full_clean()
    target.save()
    record_event(
        actor=actor,
        organisation=organisation,
        verb=AnalyticsVerb.TARGET_SET,
        target=str(target),
        payload={"annee": annee, "indicateur": indicateur, "avant": before, "apres": str(target.cible)},
    )
    return target


@transaction.atomic
def do_delete_target(*, target: SpaserTarget, actor) -> None:
    _check(actor, target.organisation)
    record_event(
        actor=actor,
        organisation=target.organisation,
        verb=AnalyticsVerb.TARGET_DELETED,
        target=str(target),
        payload={"annee": target.annee, "indicateur": target.indicateur, "cible": str(target.cible)},
    )
    target.delete()


@transaction.atomic
def do_save_comment(*, organisation, annee, texte, actor) -> ReportComment:
    _check(actor, organisation)
    comment = ReportComment.objects.filter(organisation=organisation, annee=annee).first() or ReportComment(
        organisation=organisation, annee=annee
    )
    comment.texte = texte.strip()
    comment.updated_by = actor
    comment.full_clean()
    comment.save()
    record_event(
        actor=actor, organisation=organisation, verb=AnalyticsVerb.COMMENT_SAVED, target=f"rapport {annee}", payload={}
    )
    return comment
