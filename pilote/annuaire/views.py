"""Views of the directory, the lessons learnt and the sourcing charter (training: training/views.py, reserve:
reserve/views.py). Thin: permission (organisation_view + permissions.py), form, service, redirect."""

import difflib

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.annuaire import permissions as perms, queries, services, uploads
from pilote.annuaire.forms import CharterForm, LessonForm, PersonForm, SearchForm
from pilote.annuaire.models import CharterVersion, LessonDocument, Person
from pilote.annuaire.training import queries as training_queries
from pilote.clauses.queries import segments_for
from pilote.core.permissions import organisation_view
from pilote.ui.forms import submit


def _visible_person(request, person_id) -> Person:
    return get_object_or_404(queries.visible_people(request.organisation), pk=person_id)


@organisation_view(*perms.CAN_VIEW)
def home(request):
    """The directory: search people by free text, skill, segment, organisation."""
    form = SearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    people = queries.search_people(
        request.organisation,
        q=criteria.get("q", ""),
        skill=criteria.get("skill", ""),
        segment=criteria.get("segment", ""),
        organisation_name=criteria.get("organisation", ""),
    )
    context = {
        "organisation": request.organisation,
        "form": form,
        "people": people,
        "searched": any(criteria.values()) if criteria else False,
        "can_manage": bool(request.roles & perms.CAN_MANAGE_DIRECTORY),
        "can_edit_own": bool(request.roles & perms.CAN_EDIT_OWN_ENTRY),
        "own_entry": services.own_entry(request.organisation, request.user),
        "segments": segments_for(request.organisation),
    }
    return render(request, "annuaire/home.html", context)


@organisation_view(*perms.CAN_MANAGE_DIRECTORY)
def person_create(request):
    form = PersonForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST":
        created = submit(
            form, lambda data: services.do_create_person(request.organisation, actor=request.user, **data)
        )
        if created.ok:
            person = created.result
            messages.success(request, f"{person} a été ajouté·e à l'annuaire.")
            return redirect("annuaire:person_detail", slug=request.organisation.slug, person_id=person.pk)
    return render(request, "annuaire/person_form.html", {"form": form, "title": "Ajouter une personne"})


@organisation_view(*perms.CAN_VIEW)
def person_detail(request, person_id):
    person = _visible_person(request, person_id)
    context = {
        "person": person,
        "skills": person.skills.all(),
        "history": training_queries.training_history(person),
        "fiches": queries.fiches_of(person, request.organisation),
        "contracts": queries.contract_links(request.organisation, queries.contracts_of(person)),
        "lessons": queries.visible_lessons(request.organisation).filter(contacts=person),
        "can_edit": person.organisation_id == request.organisation.pk and perms.can_edit_person(request.user, person),
        "is_own": person.user_id == request.user.pk,
    }
    return render(request, "annuaire/person_detail.html", context)


def _edit_person(request, person):
    form = PersonForm(
        request.POST or None, instance=person, organisation=request.organisation, consent_by=request.user
    )
    if (
        request.method == "POST"
        and submit(form, lambda data: services.do_update_person(person, actor=request.user, **data)).ok
    ):
        messages.success(request, "La fiche de l'annuaire a été enregistrée.")
        return redirect("annuaire:person_detail", slug=request.organisation.slug, person_id=person.pk)
    return render(request, "annuaire/person_form.html", {"form": form, "title": f"Modifier la fiche de {person}"})


@organisation_view(*perms.CAN_MANAGE_DIRECTORY)
def person_edit(request, person_id):
    person = get_object_or_404(Person, organisation=request.organisation, pk=person_id)
    return _edit_person(request, person)


@organisation_view(*perms.CAN_EDIT_OWN_ENTRY)
def own_entry(request):
    """« Ma fiche »: a member keeps their own entry up to date; it is created from their account on request."""
    person = services.own_entry(request.organisation, request.user)
    if person is None:
        if request.method == "POST" and "creer" in request.POST:
            person = services.do_ensure_own_entry(request.organisation, user=request.user)
            messages.success(request, "Votre fiche a été créée : complétez vos compétences et vos segments.")
            return redirect("annuaire:own_entry", slug=request.organisation.slug)
        return render(request, "annuaire/own_entry_missing.html", {"organisation": request.organisation})
    return _edit_person(request, person)


@organisation_view(*perms.CAN_VIEW)
def lessons(request):
    q, segment = request.GET.get("q", "").strip(), request.GET.get("segment", "").strip()
    segments = segments_for(request.organisation)
    chosen = segments.filter(pk=segment).first() if segment.isdigit() else None
    context = {
        "organisation": request.organisation,
        "lessons": queries.search_lessons(request.organisation, q=q, segment=chosen),
        "q": q,
        "segment": chosen,
        "segments": segments,
        "can_write": bool(request.roles & perms.CAN_WRITE_LESSON),
    }
    return render(request, "annuaire/lessons.html", context)


@organisation_view(*perms.CAN_VIEW)
def segments(request):
    """Segments with their lessons learnt (until the segment guides show them, they are reached from here)."""
    rows = [
        {
            "segment": segment,
            "lessons": queries.lessons_for_segment(request.organisation, segment).count(),
            "people": queries.visible_people(request.organisation).filter(segments=segment).count(),
        }
        for segment in segments_for(request.organisation)
    ]
    return render(request, "annuaire/segments.html", {"organisation": request.organisation, "rows": rows})


def _lesson_form(request, instance=None):
    contacts = queries.visible_people(request.organisation)
    return LessonForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        contact_choices=contacts,
        organisation=request.organisation,
    )


def _lesson_data(cleaned_data):
    data = dict(cleaned_data)
    data["uploaded_files"] = data.pop("documents")
    return data


@organisation_view(*perms.CAN_WRITE_LESSON)
def lesson_create(request):
    form = _lesson_form(request)
    if request.method == "POST":
        created = submit(
            form,
            lambda data: services.do_create_lesson(request.organisation, actor=request.user, **_lesson_data(data)),
        )
        if created.ok:
            messages.success(request, "Le retour d'expérience a été enregistré.")
            return redirect("annuaire:lesson_detail", slug=request.organisation.slug, lesson_id=created.result.pk)
    return render(request, "annuaire/lesson_form.html", {"form": form, "title": "Nouveau retour d'expérience"})


@organisation_view(*perms.CAN_VIEW)
def lesson_detail(request, lesson_id):
    lesson = get_object_or_404(queries.visible_lessons(request.organisation), pk=lesson_id)
    context = {
        "lesson": lesson,
        # people who did not agree to be shared are not named to other organisations
        "contacts": lesson.contacts.filter(
            pk__in=queries.visible_people(request.organisation).values("pk")
        ).select_related("organisation"),
        "documents": lesson.documents.all(),
        "fiches": queries.lesson_fiches(lesson, request.organisation),
        "contracts": queries.contract_links(request.organisation, lesson.contracts),
        "can_edit": lesson.organisation_id == request.organisation.pk and bool(request.roles & perms.MANAGERS),
    }
    return render(request, "annuaire/lesson_detail.html", context)


@organisation_view(*perms.MANAGERS)
def lesson_edit(request, lesson_id):
    lesson = get_object_or_404(request.organisation.lessons, pk=lesson_id)
    form = _lesson_form(request, instance=lesson)
    if (
        request.method == "POST"
        and submit(form, lambda data: services.do_update_lesson(lesson, actor=request.user, **_lesson_data(data))).ok
    ):
        messages.success(request, "Le retour d'expérience a été modifié.")
        return redirect("annuaire:lesson_detail", slug=request.organisation.slug, lesson_id=lesson.pk)
    return render(request, "annuaire/lesson_form.html", {"form": form, "title": f"Modifier « {lesson} »"})


@organisation_view(*perms.CAN_VIEW)
def document_download(request, document_id):
    document = get_object_or_404(
        LessonDocument.objects.filter(lesson__in=queries.visible_lessons(request.organisation)), pk=document_id
    )
    path = uploads.path_of(document.stored_name)
    if not path.exists():
        raise Http404("Le fichier n'est plus disponible.")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=document.original_name, content_type=document.content_type
    )


@organisation_view(*perms.MANAGERS)
@require_POST
def document_delete(request, document_id):
    document = get_object_or_404(LessonDocument, lesson__organisation=request.organisation, pk=document_id)
    services.do_delete_document(document, actor=request.user)
    messages.success(request, f"Le document « {document} » a été supprimé.")
    return redirect("annuaire:lesson_detail", slug=request.organisation.slug, lesson_id=document.lesson_id)


@organisation_view(*perms.CAN_VIEW)
def charter(request):
    current = queries.current_charter(request.organisation)
    context = {
        "organisation": request.organisation,
        "charter": current,
        "can_manage": bool(request.roles & perms.CAN_MANAGE_CHARTER),
    }
    return render(request, "annuaire/charter.html", context)


@organisation_view(*perms.CAN_MANAGE_CHARTER)
def charter_edit(request):
    current = queries.current_charter(request.organisation)
    initial = {"title": current.title, "text": current.text} if current else {}
    form = CharterForm(request.POST or None, initial=initial)
    if request.method == "POST":
        saved = submit(form, lambda data: services.do_save_charter(request.organisation, actor=request.user, **data))
        if saved.ok:
            messages.success(request, f"Version {saved.result.number} de la charte enregistrée.")
            return redirect("annuaire:charter", slug=request.organisation.slug)
    return render(request, "annuaire/charter_form.html", {"form": form, "current": current})


@organisation_view(*perms.CAN_VIEW)
def charter_history(request):
    versions = CharterVersion.objects.filter(organisation=request.organisation).select_related("author")
    return render(request, "annuaire/charter_history.html", {"versions": versions})


@organisation_view(*perms.CAN_VIEW)
def charter_version(request, version_id):
    version = get_object_or_404(CharterVersion, organisation=request.organisation, pk=version_id)
    previous = (
        CharterVersion.objects.filter(organisation=request.organisation, number__lt=version.number)
        .order_by("-number")
        .first()
    )
    diff = []
    if previous:
        for line in difflib.unified_diff(previous.text.splitlines(), version.text.splitlines(), lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            kind = {"+": "ajout", "-": "retrait", "@": "repere"}.get(line[:1], "")
            diff.append({"kind": kind, "text": line})
    return render(request, "annuaire/charter_version.html", {"version": version, "previous": previous, "diff": diff})
