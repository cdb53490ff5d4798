"""Every write of the core domain. Each function is atomic, validates, writes an audit row and defers
e-mails to on_commit, so that a failed transaction sends nothing."""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from pilote.core.audit import CoreVerb, checked_verb
from pilote.core.enums import Role
from pilote.core.models import (
    AuditEvent,
    BuyerEntity,
    Invitation,
    LoginFailure,
    Membership,
    Notification,
    Organisation,
    User,
    hash_token,
)
from pilote.core.validators import normalize_siret, siret_problem


def record_event(*, actor, organisation, verb: str, target: str = "", payload: dict | None = None) -> AuditEvent:
    """One row of the audit trail. `verb` is a member of an app's registered TextChoices (pilote.core.audit)."""
    return AuditEvent.objects.create(
        actor=actor if actor and actor.is_authenticated else None,
        organisation=organisation,
        verb=checked_verb(verb),
        target=str(target)[:200],
        payload=payload or {},
    )


def parse_sirets(text: str) -> list[str]:
    """One SIRET per line (or separated by commas/semicolons); raises a French ValidationError listing every
    invalid line, so that nothing is saved when one is wrong."""
    sirets, problems = [], []
    for number, raw in enumerate(text.replace(",", "\n").replace(";", "\n").splitlines(), start=1):
        if not raw.strip():
            continue
        problem = siret_problem(raw.strip())
        if problem:
            problems.append(f"Ligne {number} : {problem}")
        else:
            siret = normalize_siret(raw)
            if siret not in sirets:
                sirets.append(siret)
    if problems:
        raise ValidationError(problems)
    return sirets


def _unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "organisation"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def do_create_organisation(*, name: str, kind: str, sirets: list[str], actor, **fields) -> Organisation:
    organisation = Organisation(name=name, kind=kind, slug=fields.pop("slug", None) or _unique_slug(name), **fields)
    organisation.full_clean()
    organisation.save()
    _set_sirets(organisation, sirets)
    record_event(
        actor=actor,
        organisation=organisation,
        verb=CoreVerb.ORGANISATION_CREEE,
        target=organisation,
        payload={"sirets": sirets},
    )
    return organisation


def _set_sirets(organisation: Organisation, sirets: list[str]) -> None:
    for siret in sirets:
        entity = BuyerEntity(organisation=organisation, siret=siret)
        entity.clean_fields(exclude=["organisation"])  # format only: existing rows are kept below
    organisation.buyer_entities.exclude(siret__in=sirets).delete()
    existing = set(organisation.buyer_entities.values_list("siret", flat=True))
    BuyerEntity.objects.bulk_create(
        [BuyerEntity(organisation=organisation, siret=s) for s in sirets if s not in existing]
    )


@transaction.atomic
def do_update_organisation(organisation: Organisation, *, actor, sirets: list[str], **fields) -> Organisation:
    # Read the stored state: a ModelForm has already copied the submitted values onto `organisation`.
    stored = Organisation.objects.get(pk=organisation.pk)
    before = {name: str(getattr(stored, name)) for name in fields} | {"sirets": stored.sirets}
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    _set_sirets(organisation, sirets)
    after = {name: str(getattr(organisation, name)) for name in fields} | {"sirets": sirets}
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record_event(
        actor=actor,
        organisation=organisation,
        verb=CoreVerb.ORGANISATION_MODIFIEE,
        target=organisation,
        payload=changes,
    )
    return organisation


@transaction.atomic
def do_add_member(organisation: Organisation, *, user: User, role: str, actor) -> Membership:
    membership = Membership(user=user, organisation=organisation, role=role)
    membership.full_clean()
    membership.save()
    record_event(
        actor=actor, organisation=organisation, verb=CoreVerb.MEMBRE_AJOUTE, target=user.email, payload={"role": role}
    )
    return membership


@transaction.atomic
def do_invite_member(organisation: Organisation, *, email: str, role: str, actor) -> tuple[Invitation, str]:
    """Create an invitation and e-mail its link after commit. Returns the invitation and the clear token.
    One pending invitation per address: a valid one must be resent or revoked; an expired one is replaced."""
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(f"{email} est déjà membre de {organisation}.")
    if role not in Role.values:
        raise ValidationError("Rôle inconnu.")
    pending = pending_invitation(organisation, email)
    if pending is not None and not pending.is_expired:
        raise ValidationError(
            f"Une invitation est déjà en attente pour {email} (envoyée le {pending.created_at:%d/%m/%Y}) : "
            "renvoyez-la ou révoquez-la dans la liste des invitations."
        )
    if pending is not None:  # expired: closed, the new one replaces it
        pending.revoked_at = timezone.now()
        pending.save(update_fields=["revoked_at"])
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    invitation.full_clean(validate_constraints=False)  # the constraint is checked above, with a French message
    invitation.save()
    record_event(
        actor=actor, organisation=organisation, verb=CoreVerb.INVITATION_ENVOYEE, target=email, payload={"role": role}
    )
    _send_invitation(invitation, token, actor)
    return invitation, token


def pending_invitation(organisation: Organisation, email: str) -> Invitation | None:
    return Invitation.objects.filter(
        organisation=organisation, email__iexact=email.strip(), accepted_at__isnull=True, revoked_at__isnull=True
    ).first()


def _send_invitation(invitation: Invitation, token: str, actor) -> None:
    """The invitation e-mail (after commit), and a notification when the address already has an account."""
    organisation, email = invitation.organisation, invitation.email
    link = settings.PILOTE_BASE_URL.rstrip("/") + reverse("core:accept_invitation", args=[token])
    role_label = Role(invitation.role).label
    # an existing account also sees it in the app; the link with its token stays in the e-mail only
    do_notify(
        emails=[email],
        title=f"Invitation à rejoindre {organisation} ({role_label})",
        body=("Ouvrez le lien reçu par e-mail pour accepter l'invitation."),
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=f"Invitation à rejoindre {organisation} sur Pilote",
            message=(
                f"Bonjour,\n\n{actor} vous invite à rejoindre {organisation} sur Pilote avec le rôle « {role_label} ».\n\n"
                f"Pour accepter, ouvrez ce lien (valable {settings.INVITATION_VALID_DAYS} jours) :\n{link}\n"
            ),
            from_email=None,
            recipient_list=[email],
        )
    )


def _locked_pending(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError(f"L'invitation de {invitation.email} a déjà été acceptée.")
    if invitation.revoked_at:
        raise ValidationError(f"L'invitation de {invitation.email} a déjà été révoquée.")
    return invitation


@transaction.atomic
def do_resend_invitation(invitation: Invitation, *, actor) -> tuple[Invitation, str]:
    """Send a pending invitation again with a new link and a new validity (the previous link stops working)."""
    invitation = _locked_pending(invitation)
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.sent_count += 1
    invitation.save(update_fields=["token_hash", "expires_at", "sent_count"])
    record_event(
        actor=actor,
        organisation=invitation.organisation,
        verb=CoreVerb.INVITATION_RENVOYEE,
        target=invitation.email,
        payload={"role": invitation.role, "envois": invitation.sent_count},
    )
    _send_invitation(invitation, token, actor)
    return invitation, token


@transaction.atomic
def do_revoke_invitation(invitation: Invitation, *, actor) -> Invitation:
    """Revoke a pending invitation: its link stops working; the address may be invited again."""
    invitation = _locked_pending(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record_event(
        actor=actor,
        organisation=invitation.organisation,
        verb=CoreVerb.INVITATION_REVOQUEE,
        target=invitation.email,
        payload={"role": invitation.role},
    )
    return invitation


def find_invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("organisation").filter(token_hash=hash_token(token)).first()


@transaction.atomic
def do_accept_invitation(
    invitation: Invitation, *, user: User | None = None, password: str = "", first_name: str = "", last_name: str = ""
) -> User:
    """Accept an invitation: the invited person joins with the role. An existing account must be the one invited;
    otherwise an account is created with the given password."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("Cette invitation a déjà été utilisée.")
    if invitation.revoked_at:
        raise ValidationError(
            "Cette invitation a été révoquée. Demandez à votre administrateur de vous en envoyer une nouvelle."
        )
    if invitation.is_expired:
        raise ValidationError(
            "Cette invitation a expiré. Demandez à votre administrateur de vous en envoyer une nouvelle."
        )
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                "Un compte existe déjà pour cette adresse : connectez-vous pour accepter l'invitation."
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, first_name=first_name, last_name=last_name
        )
    elif user.email.lower() != invitation.email.lower():
        raise ValidationError(f"Cette invitation est adressée à {invitation.email}, pas à {user.email}.")
    if not Membership.objects.filter(user=user, organisation=invitation.organisation).exists():
        Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record_event(
        actor=user,
        organisation=invitation.organisation,
        verb=CoreVerb.INVITATION_ACCEPTEE,
        target=user.email,
        payload={"role": invitation.role},
    )
    return user


def _check_last_admin(membership: Membership) -> None:
    if membership.role == Role.ADMIN:
        admins = Membership.objects.filter(organisation=membership.organisation, role=Role.ADMIN).count()
        if admins <= 1:
            raise ValidationError("L'organisation doit garder au moins un administrateur.")


@transaction.atomic
def do_change_role(membership: Membership, *, role: str, actor) -> Membership:
    if role not in Role.values:
        raise ValidationError("Rôle inconnu.")
    if role != membership.role:
        _check_last_admin(membership)
    before = membership.role
    membership.role = role
    membership.full_clean()
    membership.save(update_fields=["role"])
    record_event(
        actor=actor,
        organisation=membership.organisation,
        verb=CoreVerb.MEMBRE_ROLE_MODIFIE,
        target=membership.user.email,
        payload={"avant": before, "apres": role},
    )
    return membership


@transaction.atomic
def do_remove_member(membership: Membership, *, actor) -> None:
    _check_last_admin(membership)
    record_event(
        actor=actor,
        organisation=membership.organisation,
        verb=CoreVerb.MEMBRE_RETIRE,
        target=membership.user.email,
        payload={"role": membership.role},
    )
    membership.delete()


def login_is_throttled(email: str, ip_address: str | None) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = LoginFailure.objects.filter(created_at__gte=since)
    by_email = recent.filter(email__iexact=email.strip()).count() if email else 0
    by_ip = recent.filter(ip_address=ip_address).count() if ip_address else 0
    # The address limit is wider: several people share an administration's outgoing address.
    return by_email >= settings.LOGIN_MAX_FAILURES or by_ip >= settings.LOGIN_MAX_FAILURES * 4


def do_record_login_failure(*, email: str, ip_address: str | None) -> None:
    LoginFailure.objects.create(email=email.strip()[:254], ip_address=ip_address)


def do_clear_login_failures(*, email: str) -> None:
    LoginFailure.objects.filter(email__iexact=email.strip()).delete()


def _site_path(body: str) -> str:
    """The first link of an e-mail body that points into Pilote, as a path ("" when none): the notification
    opens the page the e-mail links to, on whatever host the person uses."""
    base = settings.PILOTE_BASE_URL.rstrip("/")
    for url in re.findall(r"https?://\S+", body or ""):
        if url.startswith(base + "/"):
            return url[len(base) :][:500]
    return ""


@transaction.atomic
def do_notify(*, emails=(), users=(), title: str, body: str = "", link: str = "", organisation=None) -> int:
    """Leave an in-app notification to each active account among `users` and the owners of `emails` (an
    address without an account is skipped: the e-mail reaches it). Called beside every e-mail the apps send;
    `link` defaults to the e-mail's own link into Pilote. No audit row: the event that notifies is audited.
    Returns the number of notifications created."""
    wanted = {email.strip().lower() for email in emails if email}
    recipients = {user.pk: user for user in users if user and user.is_active}
    if wanted:
        matches = Q()
        for email in wanted:
            matches |= Q(email__iexact=email)
        for user in User.objects.filter(matches, is_active=True):
            recipients.setdefault(user.pk, user)
    link = link or _site_path(body)
    Notification.objects.bulk_create(
        [
            Notification(user=user, organisation=organisation, title=title[:300], body=body, link=link[:500])
            for user in recipients.values()
        ]
    )
    return len(recipients)


def do_mark_notification_read(notification: Notification, *, actor) -> Notification:
    """Mark one of `actor`'s notifications read (someone else's is refused)."""
    if notification.user_id != actor.pk:
        raise ValidationError("Cette notification ne vous est pas adressée.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def do_mark_all_notifications_read(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
