"""Permission-matrix extension of the core app (see tests/core/test_permission_matrix.py)."""

PUBLIC_VIEWS = {
    "core:notifications": "the person's own notifications (login required, every organisation)",
    "core:notification_open": "one of the person's own notifications (POST, 404 for another's)",
    "core:notifications_read_all": "the person's own notifications (POST, login required)",
}


def _invitation_id(organisation):
    """A pending invitation of `organisation` (created once)."""
    from datetime import timedelta

    from django.utils import timezone

    from pilote.core.models import Invitation, Membership

    invitation = Invitation.objects.filter(organisation=organisation, email="invitee@exemple.fr").first()
    if invitation is None:
        invitation = Invitation.objects.create(
            organisation=organisation,
            email="invitee@exemple.fr",
            role="agent",
            token_hash=f"matrix-{organisation.pk}",
            invited_by=Membership.objects.filter(organisation=organisation).first().user,
            expires_at=timezone.now() + timedelta(days=7),
        )
    return invitation.pk


KWARG_PROVIDERS = {"invitation_id": _invitation_id}
