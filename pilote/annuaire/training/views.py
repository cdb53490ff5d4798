"""Views of the training catalogue: modules, sessions, enrolment (self or by a training manager), waiting
list, cancellation and attendance."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.annuaire import permissions as perms, services
from pilote.annuaire.models import Enrolment, Module, Person, TrainingSession
from pilote.annuaire.training import services as training
from pilote.annuaire.training.forms import EnrolOtherForm, ModuleForm, SessionForm
from pilote.annuaire.training.models import EnrolmentStatus
from pilote.core.permissions import organisation_view
from pilote.ui.forms import submit


@organisation_view(*perms.CAN_VIEW)
def catalogue(request):
    modules = Module.objects.filter(organisation=request.organisation).prefetch_related("sessions")
    upcoming = (
        TrainingSession.objects.filter(module__organisation=request.organisation, ends_at__gte=timezone.now())
        .select_related("module")
        .order_by("starts_at")
    )
    context = {
        "organisation": request.organisation,
        "modules": modules,
        "upcoming": upcoming,
        "can_manage": bool(request.roles & perms.CAN_MANAGE_TRAINING),
    }
    return render(request, "annuaire/catalogue.html", context)


@organisation_view(*perms.CAN_MANAGE_TRAINING)
def module_create(request):
    form = ModuleForm(request.POST or None)
    if request.method == "POST":
        created = submit(
            form, lambda data: training.do_create_module(request.organisation, actor=request.user, **data)
        )
        if created.ok:
            module = created.result
            messages.success(request, f"Le module « {module} » a été ajouté au catalogue.")
            return redirect("annuaire:module_detail", slug=request.organisation.slug, module_id=module.pk)
    return render(request, "annuaire/simple_form.html", {"form": form, "title": "Nouveau module de formation"})


@organisation_view(*perms.CAN_MANAGE_TRAINING)
def module_edit(request, module_id):
    module = get_object_or_404(Module, organisation=request.organisation, pk=module_id)
    form = ModuleForm(request.POST or None, instance=module)
    if (
        request.method == "POST"
        and submit(form, lambda data: training.do_update_module(module, actor=request.user, **data)).ok
    ):
        messages.success(request, "Le module a été modifié.")
        return redirect("annuaire:module_detail", slug=request.organisation.slug, module_id=module.pk)
    return render(request, "annuaire/simple_form.html", {"form": form, "title": f"Modifier « {module} »"})


@organisation_view(*perms.CAN_VIEW)
def module_detail(request, module_id):
    module = get_object_or_404(Module, organisation=request.organisation, pk=module_id)
    can_manage = bool(request.roles & perms.CAN_MANAGE_TRAINING)
    form = SessionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("Seul le service d'appui ou un administrateur programme des sessions.")
        created = submit(form, lambda data: training.do_create_session(module, actor=request.user, **data))
        if created.ok:
            messages.success(request, "La session a été programmée.")
            return redirect("annuaire:session_detail", slug=request.organisation.slug, session_id=created.result.pk)
    context = {"module": module, "sessions": module.sessions.all(), "form": form, "can_manage": can_manage}
    return render(request, "annuaire/module_detail.html", context)


def _session(request, session_id) -> TrainingSession:
    return get_object_or_404(
        TrainingSession.objects.select_related("module"), module__organisation=request.organisation, pk=session_id
    )


@organisation_view(*perms.CAN_VIEW)
def session_detail(request, session_id):
    session = _session(request, session_id)
    can_manage = bool(request.roles & perms.CAN_MANAGE_TRAINING)
    own = services.own_entry(request.organisation, request.user)
    enrolments = session.enrolments.select_related("person").exclude(status=EnrolmentStatus.ANNULE)
    context = {
        "session": session,
        "module": session.module,
        "confirmed": [e for e in enrolments if e.status == EnrolmentStatus.INSCRIT],
        "waiting": [e for e in enrolments if e.status == EnrolmentStatus.ATTENTE],
        "own_enrolment": session.enrolments.filter(person=own).exclude(status=EnrolmentStatus.ANNULE).first()
        if own
        else None,
        "can_manage": can_manage,
        "started": session.starts_at <= timezone.now(),
        "finished": session.ends_at <= timezone.now(),
        "enrol_form": EnrolOtherForm(people=Person.objects.filter(organisation=request.organisation))
        if can_manage
        else None,
    }
    return render(request, "annuaire/session_detail.html", context)


@organisation_view(*perms.CAN_ENROL_SELF)
@require_POST
def session_enrol(request, session_id):
    """Enrol oneself, or (training managers) the person chosen in the form. The person is looked up among the
    organisation's own people only: an id of another organisation's person gets the same answer as an unknown
    id, so that the page never names people of other organisations (the service checks it again)."""
    session = _session(request, session_id)
    person_id = request.POST.get("person")
    try:
        if person_id:
            person = (
                Person.objects.filter(pk=person_id, organisation=request.organisation).first()
                if person_id.isdigit()
                else None
            )
            if person is None:
                raise ValidationError(
                    f"Cette personne n'est pas dans l'annuaire de {request.organisation} : seules ses personnes "
                    "peuvent être inscrites à ses sessions."
                )
        else:
            person = services.do_ensure_own_entry(request.organisation, user=request.user)
        enrolment = training.do_enrol(session, person, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        own = person.user_id == request.user.pk
        who = "Vous êtes" if own else f"{person} est"
        if enrolment.status == EnrolmentStatus.INSCRIT:
            messages.success(request, f"{who} inscrit·e à la session.")
        else:
            position = session.enrolments.filter(
                status=EnrolmentStatus.ATTENTE, requested_at__lte=enrolment.requested_at
            ).count()
            messages.warning(
                request,
                f"La session est complète : {'vous êtes' if own else who} sur la liste d'attente (position {position}). "
                "Une place libérée sera attribuée automatiquement, avec un e-mail de confirmation.",
            )
    return redirect("annuaire:session_detail", slug=request.organisation.slug, session_id=session.pk)


@organisation_view(*perms.CAN_ENROL_SELF)
@require_POST
def enrolment_cancel(request, enrolment_id):
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("person", "session"),
        session__module__organisation=request.organisation,
        pk=enrolment_id,
    )
    if enrolment.person.user_id != request.user.pk and not request.roles & perms.CAN_MANAGE_TRAINING:
        raise PermissionDenied("Vous ne pouvez annuler que votre propre inscription.")
    try:
        promoted = training.do_cancel_enrolment(enrolment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        text = "L'inscription est annulée."
        if promoted:
            text += f" La place libérée revient à {promoted.person} (liste d'attente), prévenu·e par e-mail."
        messages.success(request, text)
    return redirect("annuaire:session_detail", slug=request.organisation.slug, session_id=enrolment.session_id)


@organisation_view(*perms.CAN_MANAGE_TRAINING)
@require_POST
def enrolment_attendance(request, enrolment_id):
    enrolment = get_object_or_404(Enrolment, session__module__organisation=request.organisation, pk=enrolment_id)
    attended = request.POST.get("attended") == "oui"
    try:
        enrolment = training.do_mark_attendance(enrolment, attended=attended, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        person = Person.objects.get(pk=enrolment.person_id)
        text = f"{person} : {'présent·e' if attended else 'absent·e'}."
        if enrolment.session.module.qualifies_reservist:
            missing = training.missing_reservist_modules(person, request.organisation)
            if person.is_reservist:
                text += " Cette personne volontaire est désormais réserviste de l'achat."
            elif missing:
                text += " Modules restant à suivre pour la réserve : " + ", ".join(m.title for m in missing) + "."
        messages.success(request, text)
    return redirect("annuaire:session_detail", slug=request.organisation.slug, session_id=enrolment.session_id)
