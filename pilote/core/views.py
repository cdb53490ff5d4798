"""Views of the core domain: sign-in, invitations, organisation home and settings, members, audit trail,
the public page of an organisation and the health check. Thin: permission, form, service, redirect."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pilote.core import health, permissions as perms
from pilote.core.forms import AcceptInvitationForm, InvitationForm, LoginForm, OrganisationForm, RoleForm
from pilote.core.models import AuditEvent, Invitation, Membership, Notification, Organisation
from pilote.core.services import (
    do_accept_invitation,
    do_change_role,
    do_clear_login_failures,
    do_invite_member,
    do_mark_all_notifications_read,
    do_mark_notification_read,
    do_record_login_failure,
    do_remove_member,
    do_resend_invitation,
    do_revoke_invitation,
    do_update_organisation,
    find_invitation,
    login_is_throttled,
)
from pilote.core.throttling import client_address
from pilote.ui import formats
from pilote.ui.home import home_panels
from pilote.ui.search import search_everywhere


DEMO_DOMAIN = "@demo.pilote.test"


def client_ip(request) -> str | None:
    return client_address(request)  # the same address as the API's quota


@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request.POST if request.method == "POST" else None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if login_is_throttled(email, client_ip(request)):
            form.add_error(None, "Trop de tentatives de connexion échouées. Réessayez dans quelques minutes.")
        elif settings.PRODUCTION and email.lower().endswith(DEMO_DOMAIN):
            form.add_error(None, "Les comptes de démonstration sont désactivés en production.")
        else:
            user = authenticate(request, username=email, password=form.cleaned_data["password"])
            if user is None:
                do_record_login_failure(email=email, ip_address=client_ip(request))
                form.add_error(None, "Adresse e-mail ou mot de passe incorrect.")
            else:
                do_clear_login_failures(email=email)
                login(request, user)
                if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
                    return redirect(next_url)
                return redirect("core:home")
    return render(request, "core/login.html", {"form": form, "next": next_url, "demo": settings.PILOTE_DEMO})


def logout_view(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    logout(request)
    messages.info(request, "Vous êtes déconnecté·e.")
    return redirect("core:login")


@login_required
def home(request):
    organisations = perms.organisations_of(request.user)
    slug = request.session.get("organisation_slug")
    direct = Organisation.objects.filter(memberships__user=request.user).order_by("name").first()
    current = next(
        (o for o in organisations if o.slug == slug), direct or (organisations[0] if organisations else None)
    )
    if current is None:
        return render(request, "core/no_organisation.html")
    return redirect("core:organisation_home", slug=current.slug)


@login_required
@require_POST
def switch_organisation(request):
    slug = request.POST.get("organisation", "")
    if not any(o.slug == slug for o in perms.organisations_of(request.user)):
        messages.error(request, "Organisation inconnue ou inaccessible.")
        return redirect("core:home")
    request.session["organisation_slug"] = slug
    return redirect("core:organisation_home", slug=slug)


@perms.organisation_view(*perms.CAN_VIEW_ORGANISATION)
def organisation_home(request):
    """What to do next, by role: the panels the apps register (pilote.ui.home)."""
    context = {"organisation": request.organisation, "panels": home_panels(request)}
    return render(request, "core/organisation_home.html", context)


MIN_QUERY = 2


@perms.organisation_view(*perms.CAN_VIEW_ORGANISATION)
def search(request):
    """The header's search: every kind the person's roles may read (pilote.ui.search), grouped by kind."""
    q = " ".join(request.GET.get("q", "").split())[:200]
    problem = "" if len(q) >= MIN_QUERY or not q else f"Tapez au moins {MIN_QUERY} caractères."
    groups = search_everywhere(request, q) if q and not problem else []
    context = {"organisation": request.organisation, "q": q, "groups": groups, "problem": problem}
    return render(request, "core/search.html", context)


@perms.organisation_view(*perms.CAN_VIEW_ORGANISATION)
def help_page(request):
    return render(request, "core/help.html", {"organisation": request.organisation})


@perms.organisation_view(*perms.CAN_VIEW_ORGANISATION)
def organisation_detail(request):
    organisation = request.organisation
    can_edit = bool(request.roles & perms.CAN_EDIT_ORGANISATION)
    form = None
    if can_edit:
        form = OrganisationForm(request.POST if request.method == "POST" else None, instance=organisation)
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "sirets_text"}
            try:
                do_update_organisation(
                    organisation, actor=request.user, sirets=form.cleaned_data["sirets_text"], **data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Les informations de l'organisation ont été enregistrées.")
                return redirect("core:organisation_detail", slug=organisation.slug)
    elif request.method == "POST":
        raise perms.PermissionDenied("Seul un administrateur peut modifier l'organisation.")
    return render(request, "core/organisation_detail.html", {"organisation": organisation, "form": form})


@perms.organisation_view(*perms.CAN_VIEW_MEMBERS)
def members(request):
    organisation = request.organisation
    can_manage = bool(request.roles & perms.CAN_MANAGE_MEMBERS)
    form = (InvitationForm(request.POST if request.method == "POST" else None)) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise perms.PermissionDenied("Seul un administrateur peut inviter.")
        if form.is_valid():
            try:
                do_invite_member(organisation, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Invitation envoyée à {form.cleaned_data['email']}.")
                return redirect("core:members", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "memberships": organisation.memberships.select_related("user").order_by("user__last_name", "user__email"),
        "invitations": organisation.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True),
        "form": form,
        "can_manage": can_manage,
        "role_form": RoleForm(),
    }
    return render(request, "core/members.html", context)


@perms.organisation_view(*perms.CAN_MANAGE_MEMBERS)
@require_POST
def member_change_role(request, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, organisation=request.organisation)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            do_change_role(membership, role=form.cleaned_data["role"], actor=request.user)
            messages.success(request, f"Rôle de {membership.user} modifié.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "Rôle inconnu.")
    return redirect("core:members", slug=request.organisation.slug)


def confirm_page(request, *, title, message, confirm_label, cancel_url, consequences=(), danger=True):
    """The confirmation step before an irreversible action: GET shows it, its form POSTs to the same URL."""
    context = {
        "title": title,
        "message": message,
        "consequences": consequences,
        "confirm_label": confirm_label,
        "cancel_url": cancel_url,
        "danger": danger,
    }
    return render(request, "ui/confirm.html", context)


@perms.organisation_view(*perms.CAN_MANAGE_MEMBERS)
def member_remove(request, membership_id):
    membership = get_object_or_404(Membership, pk=membership_id, organisation=request.organisation)
    if request.method != "POST":
        return confirm_page(
            request,
            title="Retirer un membre",
            message=f"Retirer {membership.user} ({membership.user.email}) de {request.organisation} ?",
            consequences=[
                f"Son rôle « {membership.get_role_display()} » lui est retiré : il ou elle n'accède plus aux pages "
                "de l'organisation.",
                "Son compte et ce qu'il ou elle a écrit (fiches, besoins, commentaires) restent.",
                "Pour revenir, il faudra une nouvelle invitation.",
            ],
            confirm_label="Retirer ce membre",
            cancel_url=reverse("core:members", kwargs={"slug": request.organisation.slug}),
        )
    try:
        do_remove_member(membership, actor=request.user)
        messages.success(request, f"{membership.user} ne fait plus partie de l'organisation.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("core:members", slug=request.organisation.slug)


def _invitation(request, invitation_id) -> Invitation:
    return get_object_or_404(Invitation, pk=invitation_id, organisation=request.organisation)


@perms.organisation_view(*perms.CAN_MANAGE_MEMBERS)
@require_POST
def invitation_resend(request, invitation_id):
    invitation = _invitation(request, invitation_id)
    try:
        do_resend_invitation(invitation, actor=request.user)
        messages.success(request, f"Invitation renvoyée à {invitation.email} avec un nouveau lien.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("core:members", slug=request.organisation.slug)


@perms.organisation_view(*perms.CAN_MANAGE_MEMBERS)
def invitation_revoke(request, invitation_id):
    invitation = _invitation(request, invitation_id)
    if request.method != "POST":
        return confirm_page(
            request,
            title="Révoquer une invitation",
            message=f"Révoquer l'invitation de {invitation.email} ({invitation.get_role_display()}) ?",
            consequences=[
                "Le lien envoyé par e-mail ne fonctionnera plus.",
                "Vous pourrez inviter cette adresse de nouveau.",
            ],
            confirm_label="Révoquer l'invitation",
            cancel_url=reverse("core:members", kwargs={"slug": request.organisation.slug}),
        )
    try:
        do_revoke_invitation(invitation, actor=request.user)
        messages.success(request, f"L'invitation de {invitation.email} est révoquée.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("core:members", slug=request.organisation.slug)


@perms.organisation_view(*perms.CAN_VIEW_AUDIT)
def audit_log(request):
    events = AuditEvent.objects.filter(organisation=request.organisation).select_related("actor")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"organisation": request.organisation, "page": page})


@login_required
def notifications(request):
    """The person's own notifications, every organisation together (the bell of the header leads here)."""
    mine = Notification.objects.filter(user=request.user).select_related("organisation")
    page = Paginator(mine, 30).get_page(request.GET.get("page"))
    unread = mine.filter(read_at__isnull=True).count()
    return render(request, "core/notifications.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notification_open(request, notification_id):
    """Mark the notification read and go to the page it is about (its list when it links nowhere)."""
    notification = get_object_or_404(Notification, pk=notification_id, user=request.user)
    do_mark_notification_read(notification, actor=request.user)
    if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect(notification.link)
    return redirect("core:notifications")


@login_required
@require_POST
def notifications_read_all(request):
    count = do_mark_all_notifications_read(actor=request.user)
    messages.success(
        request, f"{formats.compte(count, 'notification marquée comme lue,notifications marquées comme lues')}."
    )
    return redirect("core:notifications")


@never_cache
def accept_invitation(request, token):
    invitation = find_invitation(token)
    if invitation is None:
        raise Http404("Invitation introuvable.")
    context = {"invitation": invitation}
    if invitation.accepted_at or invitation.revoked_at or invitation.is_expired:
        if invitation.accepted_at:
            context["problem"] = "Cette invitation a déjà été utilisée."
        elif invitation.revoked_at:
            context["problem"] = (
                "Cette invitation a été révoquée. Demandez à votre administrateur une nouvelle invitation."
            )
        else:
            context["problem"] = (
                "Cette invitation a expiré. Demandez à votre administrateur de vous en envoyer une nouvelle."
            )
        return render(request, "core/invitation.html", context, status=410)
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                do_accept_invitation(invitation, user=request.user)
            except ValidationError as error:
                context["problem"] = " ".join(error.messages)
                return render(request, "core/invitation.html", context, status=400)
            messages.success(request, f"Vous avez rejoint {invitation.organisation}.")
            return redirect("core:organisation_home", slug=invitation.organisation.slug)
        return render(request, "core/invitation.html", context)
    form = AcceptInvitationForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = do_accept_invitation(
                invitation,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Bienvenue ! Vous avez rejoint {invitation.organisation}.")
            return redirect("core:organisation_home", slug=invitation.organisation.slug)
    context["form"] = form
    return render(request, "core/invitation.html", context)


def public_organisation(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, is_public=True)
    return render(request, "core/public_organisation.html", {"organisation": organisation})


def public_index(request):
    organisations = Organisation.objects.filter(is_public=True)
    return render(request, "core/public_index.html", {"organisations": organisations})


@never_cache
def healthz(request):
    """Liveness and readiness: the database answers, and every check registered by an app
    (`pilote.core.health`, e.g. the analytics store of pilote.decp) is ready."""
    body, status = {"status": "ok"}, 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except DatabaseError as error:  # the database does not answer: "not ready", reported as such
        body["database"], body["status"], status = f"erreur : {error.__class__.__name__}", "erreur", 503
    for name, report in health.run_checks().items():
        body[name] = report
        if report["status"] == health.NOT_READY:
            body["status"], status = "erreur", 503
    return JsonResponse(body, status=status)
