"""Reads of the knowledge network, including what the annuaire contributes to other apps' pages (registered in
AnnuaireConfig.ready):
- `lessons_panel(organisation, segment)`: lessons learnt of a purchase segment, a panel of the segment guides
  and the fiche visa (pilote.clauses.panels);
- `sourcing_checklist(organisation)`: items of the current sourcing charter, a checklist of the fiche visa form
  (pilote.fiches.panels);
- the directory search, reservist matching, a person's training history and fiches.

Searches compare accent- and case-free forms (`text.normalize`), so « energie » finds « Énergie »."""

from django.apps import apps
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse

from pilote.annuaire.models import CharterVersion, Enrolment, Lesson, Person, ReservistRequest
from pilote.annuaire.models_reserve import RequestStatus
from pilote.annuaire.models_training import EnrolmentStatus
from pilote.annuaire.text import normalize
from pilote.clauses.queries import segments_for
from pilote.core.models import Organisation, User


def visible_people(organisation: Organisation) -> QuerySet:
    """People of the organisation, and of any other organisation when they agreed to be shared."""
    return Person.objects.filter(Q(organisation=organisation) | Q(share_with_partners=True)).select_related(
        "organisation"
    )


def search_people(organisation: Organisation, *, q="", skill="", segment="", organisation_name="") -> list[Person]:
    people = visible_people(organisation).prefetch_related("skills", "segments")
    for word in normalize(q).split():
        people = people.filter(search_text__contains=word)
    if skill:
        people = people.filter(skills__key__contains=normalize(skill)).distinct()
    if organisation_name:
        people = people.filter(
            pk__in=[p.pk for p in people if normalize(organisation_name) in normalize(p.organisation.name)]
        )
    result = list(people)
    if segment:
        wanted = normalize(segment)
        result = [p for p in result if any(wanted in normalize(s.label) or wanted == s.code for s in p.segments.all())]
    # The organisation's own people first.
    return sorted(result, key=lambda p: (p.organisation_id != organisation.pk, p.last_name.lower(), p.first_name))


def visible_lessons(organisation: Organisation) -> QuerySet:
    return Lesson.objects.filter(Q(organisation=organisation) | Q(shared_with_partners=True)).select_related(
        "organisation"
    )


def search_lessons(organisation: Organisation, *, q="", segment=None) -> QuerySet:
    lessons = visible_lessons(organisation).select_related("segment")
    for word in normalize(q).split():
        lessons = lessons.filter(search_text__contains=word)
    if segment is not None:
        lessons = lessons.filter(segment=segment)
    return lessons


def lessons_for_segment(organisation: Organisation, segment) -> QuerySet:
    """Lessons learnt visible to `organisation` for a segment (a clauses.Segment, or its label or code as text,
    compared without accents or case)."""
    lessons = visible_lessons(organisation).select_related("segment")
    if isinstance(segment, str):
        wanted = normalize(segment)
        matching = [
            s.pk for s in segments_for(organisation) if normalize(s.label) == wanted or normalize(s.code) == wanted
        ]
        return lessons.filter(segment__in=matching)
    return lessons.filter(segment=segment)


def lessons_panel(organisation: Organisation, segment) -> dict:
    """Context of the segment panel the annuaire contributes to the segment guide and the fiche visa."""
    return {"lessons": list(lessons_for_segment(organisation, segment))}


def current_charter(organisation: Organisation) -> CharterVersion | None:
    return CharterVersion.objects.filter(organisation=organisation).select_related("author").first()


def sourcing_checklist(organisation: Organisation) -> list[str]:
    """The checklist of the organisation's current sourcing charter (empty when there is no charter yet)."""
    charter = current_charter(organisation)
    return charter.checklist if charter else []


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


def training_history(person: Person) -> list[Enrolment]:
    return list(
        person.enrolments.exclude(status=EnrolmentStatus.ANNULE)
        .select_related("session__module")
        .order_by("-session__starts_at")
    )


def fiches_of(person: Person) -> list | None:
    """Fiches visa the person worked on, or None while the fiches app has no model yet. Any field of the
    Fiche model pointing at a user (author, buyer, instructor...) counts as having worked on it."""
    if person.user_id is None:
        return []
    try:
        fiche_model = apps.get_model("fiches", "Fiche")
    except LookupError:
        return None
    user_fields = [
        f.name
        for f in fiche_model._meta.get_fields()
        if getattr(f, "related_model", None) is User and (f.many_to_one or f.many_to_many)
    ]
    if not user_fields:
        return None
    condition = Q()
    for name in user_fields:
        condition |= Q(**{name: person.user_id})
    fiches = fiche_model.objects.filter(condition)
    if any(f.name == "organisation" for f in fiche_model._meta.get_fields()):
        fiches = fiches.filter(organisation=person.organisation)
    return fiche_links(fiches.distinct()[:50])


def fiche_links(fiches) -> list[dict]:
    """Label and address of each fiche (no address while the fiches app has no detail page)."""
    links = []
    for fiche in fiches:
        try:
            url = reverse("fiches:detail", kwargs={"slug": fiche.organisation.slug, "fiche_id": fiche.pk})
        except NoReverseMatch:
            url = None
        links.append({"label": str(fiche), "url": url})
    return links


def contracts_of(person: Person) -> list[str]:
    """Contracts (DECP contrat_uid) named in the lessons where the person is a contact."""
    uids = []
    for lesson in person.lessons.all():
        uids += [uid for uid in lesson.contracts if uid not in uids]
    return uids


def contract_links(organisation: Organisation, uids: list[str]) -> list[dict]:
    """Each contract with the address of its page in the contract explorer (none while it has no such page)."""
    links = []
    for uid in uids:
        try:
            url = reverse("explorer:contract", kwargs={"slug": organisation.slug, "uid": uid})
        except NoReverseMatch:
            url = None
        links.append({"uid": uid, "url": url})
    return links
