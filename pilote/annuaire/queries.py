"""Reads of the knowledge network, including what the annuaire contributes to other apps' pages (registered in
AnnuaireConfig.ready):
- `lessons_panel(organisation, segment)`: lessons learnt of a purchase segment, a panel of the segment guides
  and the fiche visa (pilote.clauses.panels);
- `sourcing_checklist(organisation)`: items of the current sourcing charter, a checklist of the fiche visa form
  (pilote.fiches.panels);
- the directory search, a person's fiches and contracts (reservist matching: reserve/queries.py; training
  history: training/queries.py).

Searches compare accent- and case-free forms (`text.normalize`), so « energie » finds « Énergie »."""

from django.db.models import Q, QuerySet
from django.urls import reverse

from pilote.annuaire.models import CharterVersion, Lesson, Person
from pilote.annuaire.text import normalize
from pilote.clauses.queries import segments_for
from pilote.core.models import Organisation
from pilote.fiches.models import Fiche


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


def fiches_of(person: Person, viewer: Organisation) -> list[dict]:
    """Fiches visa of the person's organisation that the person wrote or reviewed, for a viewer of that
    organisation only: sharing a person shares their profile, not their organisation's fiches (drafts included)."""
    if person.user_id is None or person.organisation_id != viewer.pk:
        return []
    fiches = Fiche.objects.filter(Q(author_id=person.user_id) | Q(reviewer_id=person.user_id)).filter(
        organisation=person.organisation
    )
    return fiche_links(fiches.select_related("organisation").distinct()[:50])


def lesson_fiches(lesson: Lesson, viewer: Organisation) -> list[dict]:
    """The fiches a lesson cites, for a viewer of the lesson's organisation only (a shared lesson shares its
    text, not its organisation's fiches)."""
    if lesson.organisation_id != viewer.pk:
        return []
    return fiche_links(lesson.fiches.select_related("organisation"))


def fiche_links(fiches) -> list[dict]:
    """Label and address of each fiche."""
    return [
        {
            "label": str(fiche),
            "url": reverse("fiches:detail", kwargs={"slug": fiche.organisation.slug, "fiche_id": fiche.pk}),
        }
        for fiche in fiches
    ]


def contracts_of(person: Person) -> list[str]:
    """Contracts (DECP contrat_uid) named in the lessons where the person is a contact."""
    uids = []
    for lesson in person.lessons.all():
        uids += [uid for uid in lesson.contracts if uid not in uids]
    return uids


def contract_links(organisation: Organisation, uids: list[str]) -> list[dict]:
    """Each contract with the address of its page in the contract explorer."""
    return [
        {"uid": uid, "url": reverse("explorer:contract", kwargs={"slug": organisation.slug, "uid": uid})}
        for uid in uids
    ]
