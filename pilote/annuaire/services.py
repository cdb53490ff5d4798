"""Every write of the directory, the lessons learnt and the sourcing charter. Each function is atomic,
validates with French messages, and writes an audit row (pilote.core.services.record_event). Training and
the reserve have their own (training/services.py, reserve/services.py)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from pilote.annuaire import uploads
from pilote.annuaire.audit import AnnuaireVerb
from pilote.annuaire.models import CharterVersion, Lesson, LessonDocument, Person, Skill
from pilote.annuaire.text import normalize, split_list
from pilote.clauses.queries import segments_for
from pilote.core.models import Organisation
from pilote.core.services import record_event


def skills_from_text(text: str) -> list[Skill]:
    """Existing skills are reused whatever their accents or case (« Energie » finds « Énergie »)."""
    skills = []
    for name in split_list(text):
        skill = Skill.objects.filter(key=normalize(name)).first()
        if skill is None:
            skill = Skill(name=name[:120])
            skill.save()
        skills.append(skill)
    return skills


def _check_not_duplicate(person: Person) -> None:
    others = Person.objects.filter(organisation=person.organisation).exclude(pk=person.pk)
    same_email = others.annotate(lower_email=Lower("email")).filter(lower_email=person.email.lower()).first()
    if same_email:
        raise ValidationError(
            {
                "email": f"{same_email} figure déjà dans l'annuaire avec l'adresse {same_email.email} : modifiez sa fiche."
            }
        )
    if person.user_id and others.filter(user_id=person.user_id).exists():
        raise ValidationError("Ce compte a déjà une fiche dans l'annuaire de l'organisation.")


def _checked_segments(organisation: Organisation, segments) -> list:
    allowed = set(segments_for(organisation).values_list("pk", flat=True))
    segments = list(segments)
    for segment in segments:
        if segment.pk not in allowed:
            raise ValidationError({"segments": f"Le segment « {segment} » n'est pas disponible pour {organisation}."})
    return segments


def _check_availability(person: Person) -> None:
    if person.available_from and person.available_until and person.available_until < person.available_from:
        raise ValidationError({"available_until": "La fin de disponibilité doit suivre son début."})


@transaction.atomic
def do_create_person(
    organisation: Organisation, *, actor, skills_text: str = "", segments=(), user=None, **fields
) -> Person:
    fields["email"] = (fields.get("email") or "").strip().lower()
    person = Person(organisation=organisation, user=user, **fields)
    person.full_clean(validate_constraints=False)
    _check_not_duplicate(person)
    _check_availability(person)
    person.save()
    person.skills.set(skills_from_text(skills_text))
    person.segments.set(_checked_segments(organisation, segments))
    person.refresh_search_text()
    person.save(update_fields=["search_text"])
    record_event(actor=actor, organisation=organisation, verb=AnnuaireVerb.PERSONNE_AJOUTEE, target=person)
    return person


CONSENT_FIELDS = ("share_with_partners", "volunteer_reservist")


def _check_consent(person: Person, fields: dict, actor) -> None:
    """Consent (to be shown to partners, to volunteer for the reserve) is given by the person themselves once
    they have an account; before that, the support team records the consent it collected."""
    if person.user_id is None or (actor is not None and actor.pk == person.user_id):
        return
    stored = Person.objects.get(pk=person.pk)
    changed = [name for name in CONSENT_FIELDS if name in fields and fields[name] != getattr(stored, name)]
    if changed:
        raise ValidationError(
            {changed[0]: f"Seul·e {stored} peut modifier son accord, depuis sa propre fiche (« Ma fiche »)."}
        )


@transaction.atomic
def do_update_person(person: Person, *, actor, skills_text: str | None = None, segments=None, **fields) -> Person:
    _check_consent(person, fields, actor)
    if "email" in fields:
        fields["email"] = (fields["email"] or "").strip().lower()
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean(validate_constraints=False)
    _check_not_duplicate(person)
    _check_availability(person)
    person.save()
    if skills_text is not None:
        person.skills.set(skills_from_text(skills_text))
    if segments is not None:
        person.segments.set(_checked_segments(person.organisation, segments))
    person.refresh_search_text()
    person.save(update_fields=["search_text"])
    record_event(actor=actor, organisation=person.organisation, verb=AnnuaireVerb.PERSONNE_MODIFIEE, target=person)
    return person


def own_entry(organisation: Organisation, user) -> Person | None:
    return Person.objects.filter(organisation=organisation, user=user).first()


@transaction.atomic
def do_ensure_own_entry(organisation: Organisation, *, user) -> Person:
    """The directory entry of a member, created from their account the first time they need one (to enrol)."""
    person = own_entry(organisation, user)
    if person is not None:
        return person
    existing = (
        Person.objects.filter(organisation=organisation, user__isnull=True)
        .annotate(lower_email=Lower("email"))
        .filter(lower_email=user.email.lower())
        .first()
    )
    if existing is not None:  # an entry made by the support team before the person had an account
        existing.user = user
        existing.save(update_fields=["user"])
        return existing
    return do_create_person(
        organisation,
        actor=user,
        user=user,
        first_name=user.first_name or user.email.split("@")[0],
        last_name=user.last_name or "—",
        email=user.email,
    )


def _save_lesson(lesson: Lesson, contacts, fiches, uploaded_files, actor) -> None:
    lesson.full_clean()
    if lesson.segment_id:
        _checked_segments(lesson.organisation, [lesson.segment])
    for fiche in fiches:
        if fiche.organisation_id != lesson.organisation_id:
            raise ValidationError({"fiches": f"La fiche {fiche.reference} n'appartient pas à l'organisation."})
    bad_uids = [uid for uid in lesson.contracts if len(uid) > 200]
    if bad_uids:
        raise ValidationError({"contract_uids": "Un identifiant de contrat ne dépasse pas 200 caractères."})
    for person in contacts:
        if person.organisation_id != lesson.organisation_id and not person.share_with_partners:
            raise ValidationError({"contacts": f"{person} n'a pas accepté d'être cité hors de son organisation."})
    checked = [uploads.check(f) for f in uploaded_files]  # every file is checked before anything is written
    lesson.refresh_search_text()
    lesson.save()
    lesson.contacts.set(contacts)
    lesson.fiches.set(fiches)
    pending = []
    for upload, content_type in checked:
        document = LessonDocument.objects.create(
            lesson=lesson,
            original_name=uploads.safe_name(upload.name),
            stored_name=uploads.new_stored_name(upload.name),
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor,
        )
        pending.append((document.stored_name, upload))
    # Files are written last, once every row is valid: a failure here rolls the rows back too.
    for stored_name, upload in pending:
        uploads.store(upload, stored_name)


@transaction.atomic
def do_create_lesson(
    organisation: Organisation, *, actor, contacts=(), fiches=(), uploaded_files=(), is_demo=False, **fields
) -> Lesson:
    lesson = Lesson(organisation=organisation, author=actor, is_demo=is_demo, **fields)
    _save_lesson(lesson, list(contacts), list(fiches), list(uploaded_files), actor)
    record_event(actor=actor, organisation=organisation, verb=AnnuaireVerb.RETOUR_CREE, target=lesson)
    return lesson


@transaction.atomic
def do_update_lesson(lesson: Lesson, *, actor, contacts=(), fiches=(), uploaded_files=(), **fields) -> Lesson:
    for name, value in fields.items():
        setattr(lesson, name, value)
    _save_lesson(lesson, list(contacts), list(fiches), list(uploaded_files), actor)
    record_event(actor=actor, organisation=lesson.organisation, verb=AnnuaireVerb.RETOUR_MODIFIE, target=lesson)
    return lesson


@transaction.atomic
def do_delete_document(document: LessonDocument, *, actor) -> None:
    lesson = document.lesson
    stored_name = document.stored_name
    record_event(actor=actor, organisation=lesson.organisation, verb=AnnuaireVerb.DOCUMENT_SUPPRIME, target=document)
    document.delete()
    transaction.on_commit(lambda: uploads.remove(stored_name))


@transaction.atomic
def do_save_charter(
    organisation: Organisation, *, actor, text: str, title: str, change_note: str = ""
) -> CharterVersion:
    """Adds a version (never edits one). Saving the same text again adds nothing."""
    current = CharterVersion.objects.select_for_update().filter(organisation=organisation).first()
    if current and current.text.strip() == text.strip() and current.title == title:
        raise ValidationError("Le texte n'a pas changé : aucune nouvelle version n'a été créée.")
    version = CharterVersion(
        organisation=organisation,
        number=(current.number + 1) if current else 1,
        title=title,
        text=text.strip(),
        change_note=change_note,
        author=actor,
    )
    version.full_clean()
    version.save()
    record_event(
        actor=actor,
        organisation=organisation,
        verb=AnnuaireVerb.CHARTE_VERSION,
        target=version,
        payload={"version": version.number, "objet": change_note},
    )
    return version
