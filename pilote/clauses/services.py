"""Every write of the clauses app: segment guides and clauses, each change versioned (revision row with the
field-level diff) and recorded in the audit trail."""

from django.core.exceptions import ValidationError
from django.db import transaction

from pilote.clauses.audit import ClausesVerb
from pilote.clauses.models import Clause, ClauseRevision, GuideRevision, SegmentGuide
from pilote.core.services import record_event


GUIDE_FIELDS = (
    "summary",
    "questions",
    "legal_references",
    "labels",
    "pitfalls",
    "sourcing_tips",
    "sourcing_questions",
    "impact_questions",
)
CLAUSE_FIELDS = ("kind", "title", "text", "legal_basis", "is_active")


def _ids(qs) -> list[int]:
    return sorted(obj.pk for obj in qs)


def guide_snapshot(guide: SegmentGuide) -> dict:
    data = {name: getattr(guide, name) for name in GUIDE_FIELDS}
    if guide.pk:
        data["recommended_clauses"] = _ids(guide.recommended_clauses.all())
        data["common_criteria"] = _ids(guide.common_criteria.all())
    return data


def clause_snapshot(clause: Clause) -> dict:
    data = {name: getattr(clause, name) for name in CLAUSE_FIELDS}
    if clause.pk:
        data["segments"] = _ids(clause.segments.all())
    return data


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _check_clauses(organisation, clauses):
    foreign = [c for c in clauses if c.organisation_id not in (None, organisation.pk)]
    if foreign:
        raise ValidationError("Une clause choisie appartient à une autre organisation.")


@transaction.atomic
def do_save_guide(
    organisation, segment, *, actor, fields: dict, recommended_clauses=(), common_criteria=()
) -> SegmentGuide:
    """Create or update the organisation's guide for a segment (starting from the national one when it adapts
    it for the first time); writes a GuideRevision with the diff."""
    _check_clauses(organisation, list(recommended_clauses) + list(common_criteria))
    guide = SegmentGuide.objects.select_for_update().filter(organisation=organisation, segment=segment).first()
    before = guide_snapshot(guide) if guide else {}
    if guide is None:
        guide = SegmentGuide(organisation=organisation, segment=segment, version=0)
    unknown = set(fields) - set(GUIDE_FIELDS)
    if unknown:
        raise ValidationError(f"Champs inconnus : {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(guide, name, value)
    guide.version += 1
    guide.full_clean()
    guide.save()
    guide.recommended_clauses.set(recommended_clauses)
    guide.common_criteria.set(common_criteria)
    after = guide_snapshot(guide)
    changes = diff(before, after)
    GuideRevision.objects.create(guide=guide, version=guide.version, actor=actor, snapshot=after, changes=changes)
    record_event(
        actor=actor,
        organisation=organisation,
        verb=ClausesVerb.GUIDE_MODIFIE if before else ClausesVerb.GUIDE_CREE,
        target=guide,
        payload={"version": guide.version, "champs": sorted(changes)},
    )
    return guide


@transaction.atomic
def do_save_clause(organisation, *, actor, clause: Clause | None = None, fields: dict, segments=()) -> Clause:
    """Create an organisation clause or update one of its own (national clauses are read-only)."""
    if clause is not None:
        clause = Clause.objects.select_for_update().get(pk=clause.pk)
        if clause.organisation_id != organisation.pk:
            raise ValidationError(
                "Les clauses nationales ne sont pas modifiables : copiez-la dans votre bibliothèque."
            )
        before = clause_snapshot(clause)
        clause.version += 1
    else:
        clause, before = Clause(organisation=organisation), {}
    for name, value in fields.items():
        if name not in CLAUSE_FIELDS:
            raise ValidationError(f"Champ inconnu : {name}.")
        setattr(clause, name, value)
    clause.full_clean()
    clause.save()
    clause.segments.set(segments)
    after = clause_snapshot(clause)
    changes = diff(before, after)
    ClauseRevision.objects.create(clause=clause, version=clause.version, actor=actor, snapshot=after, changes=changes)
    record_event(
        actor=actor,
        organisation=organisation,
        verb=ClausesVerb.CLAUSE_MODIFIEE if before else ClausesVerb.CLAUSE_CREEE,
        target=clause,
        payload={"version": clause.version, "champs": sorted(changes)},
    )
    return clause


@transaction.atomic
def do_copy_clause(organisation, clause: Clause, *, actor) -> Clause:
    """Copy a national clause into the organisation's library, where it can be adapted."""
    return do_save_clause(
        organisation,
        actor=actor,
        fields={name: getattr(clause, name) for name in CLAUSE_FIELDS},
        segments=list(clause.segments.all()),
    )


@transaction.atomic
def do_save_segment(organisation, *, actor, segment=None, fields: dict):
    """Create or update one of the organisation's own segments (national segments are reference data)."""
    from pilote.clauses.models import Segment

    if segment is not None and segment.organisation_id != organisation.pk:
        raise ValidationError("Les segments nationaux ne sont pas modifiables.")
    segment = segment or Segment(organisation=organisation)
    before = {name: getattr(segment, name) for name in fields} if segment.pk else {}
    for name, value in fields.items():
        setattr(segment, name, value)
    prefixes = segment.cpv_prefix_list
    if not prefixes or not all(p.isdigit() and 2 <= len(p) <= 8 for p in prefixes):
        raise ValidationError({"cpv_prefixes": "Indiquez des préfixes CPV de 2 à 8 chiffres (ex. 9091, 3919)."})
    segment.full_clean()
    segment.save()
    record_event(
        actor=actor,
        organisation=organisation,
        verb=ClausesVerb.SEGMENT_MODIFIE if before else ClausesVerb.SEGMENT_CREE,
        target=segment,
        payload=diff(before, {name: getattr(segment, name) for name in fields}),
    )
    return segment
