from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from pilote.core import account, views, views_exports
from pilote.core.password_reset import PasswordResetView


app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("o/<slug:slug>/exports/<int:job_id>/", views_exports.export_job, name="export_job"),
    path("o/<slug:slug>/exports/<int:job_id>/fichier/", views_exports.export_file, name="export_file"),
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path(
        "mot-de-passe/oublie/",
        PasswordResetView.as_view(
            template_name="core/password_reset_form.html",
            email_template_name="core/email/password_reset.txt",
            subject_template_name="core/email/password_reset_subject.txt",
            success_url=reverse_lazy("core:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html", success_url=reverse_lazy("core:password_reset_complete")
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(template_name="core/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "compte/mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name="core/password_change.html", success_url=reverse_lazy("core:password_change_done")
        ),
        name="password_change",
    ),
    path(
        "compte/mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password_change_done",
    ),
    path("compte/jetons/", account.api_tokens, name="api_tokens"),
    path("compte/jetons/<int:token_id>/revoquer/", account.api_token_revoke, name="api_token_revoke"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:notification_id>/ouvrir/", views.notification_open, name="notification_open"),
    path("notifications/tout-lu/", views.notifications_read_all, name="notifications_read_all"),
    path("organisation/choisir/", views.switch_organisation, name="switch_organisation"),
    path("o/<slug:slug>/", views.organisation_home, name="organisation_home"),
    path("o/<slug:slug>/organisation/", views.organisation_detail, name="organisation_detail"),
    path("o/<slug:slug>/membres/", views.members, name="members"),
    path("o/<slug:slug>/membres/<int:membership_id>/role/", views.member_change_role, name="member_change_role"),
    path("o/<slug:slug>/membres/<int:membership_id>/retirer/", views.member_remove, name="member_remove"),
    path(
        "o/<slug:slug>/membres/invitations/<int:invitation_id>/renvoyer/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "o/<slug:slug>/membres/invitations/<int:invitation_id>/revoquer/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("o/<slug:slug>/journal/", views.audit_log, name="audit_log"),
    path("o/<slug:slug>/recherche/", views.search, name="search"),
    path("o/<slug:slug>/aide/", views.help_page, name="help"),
    path("public/", views.public_index, name="public_index"),
    path("public/<slug:slug>/", views.public_organisation, name="public_organisation"),
    path("healthz", views.healthz, name="healthz"),
]
