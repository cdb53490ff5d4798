"""Read side of the clauses app: which segments, guides and clauses an organisation sees."""

from django.db.models import Q

from pilote.clauses.models import Clause, Segment, SegmentGuide


def segments_for(organisation):
    """National segments plus the organisation's own."""
    return Segment.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation)).order_by("label")


def clauses_for(organisation, *, active_only=True):
    qs = Clause.objects.filter(Q(organisation__isnull=True) | Q(organisation=organisation))
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.prefetch_related("segments")


def guide_for(organisation, segment) -> SegmentGuide | None:
    """The organisation's own guide for the segment when it adapted one, else the national guide."""
    if segment is None:
        return None
    own = SegmentGuide.objects.filter(organisation=organisation, segment=segment).first()
    return own or SegmentGuide.objects.filter(organisation__isnull=True, segment=segment).first()


def segment_for_cpv(organisation, code_cpv: str | None) -> Segment | None:
    """The most specific segment (longest matching prefix) for a CPV code; the organisation's own first."""
    best, best_len = None, -1
    for segment in segments_for(organisation):
        for prefix in segment.cpv_prefix_list:
            code = (code_cpv or "").replace("-", "")
            longer = len(prefix) > best_len or (len(prefix) == best_len and segment.organisation_id)
            if code.startswith(prefix) and longer:
                best, best_len = segment, len(prefix)
    return best
