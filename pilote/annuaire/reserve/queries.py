"""Reads of the reserve: which volunteers can answer a request, and in which order they are suggested."""

from django.db.models import Q, QuerySet

from pilote.annuaire.models import ReservistRequest
from pilote.annuaire.queries import visible_people
from pilote.annuaire.reserve.models import RequestStatus


def reservist_candidates(request: ReservistRequest) -> QuerySet:
    """Trained volunteers visible to the requesting organisation, available over the request's dates and not
    already on another mission then."""
    busy = ReservistRequest.objects.filter(
        status=RequestStatus.ACCEPTEE, starts_on__lte=request.ends_on, ends_on__gte=request.starts_on
    ).exclude(pk=request.pk)
    return (
        visible_people(request.organisation)
        .filter(volunteer_reservist=True, reservist_qualified_on__isnull=False)
        .filter(Q(available_from__isnull=True) | Q(available_from__lte=request.starts_on))
        .filter(Q(available_until__isnull=True) | Q(available_until__gte=request.ends_on))
        .exclude(pk__in=busy.exclude(reservist__isnull=True).values("reservist_id"))
    )


def suggest_reservists(request: ReservistRequest) -> list[dict]:
    """Candidates ranked by shared skills, then by segment; each with the reasons shown to the user."""
    wanted_skills = {s.pk: s.name for s in request.skills.all()}
    wanted_segment = request.segment_id
    suggestions = []
    for person in reservist_candidates(request).prefetch_related("skills", "segments"):
        shared = [s.name for s in person.skills.all() if s.pk in wanted_skills]
        segment_match = bool(wanted_segment) and any(wanted_segment == s.pk for s in person.segments.all())
        if wanted_skills and not shared and not segment_match:
            continue
        if not wanted_skills and wanted_segment and not segment_match:
            continue
        reasons = []
        if shared:
            reasons.append("compétences : " + ", ".join(shared))
        if segment_match:
            reasons.append(f"segment : {request.segment}")
        reasons.append("disponible sur la période")
        suggestions.append({"person": person, "score": len(shared) * 2 + segment_match, "reasons": reasons})
    return sorted(suggestions, key=lambda s: (-s["score"], s["person"].last_name))
