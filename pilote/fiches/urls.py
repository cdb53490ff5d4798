from django.urls import path

from pilote.fiches import views, views_evaluations


app_name = "fiches"

F = "o/<slug:slug>/fiches/"
urlpatterns = [
    path(F, views.fiche_list, name="list"),
    path(F + "nouvelle/", views.fiche_create, name="create"),
    path(F + "orientation/", views.fiche_guidance, name="guidance"),
    path(F + "en-retard/", views.overdue, name="overdue"),
    path(F + "statistiques/", views.statistics, name="stats"),
    path(F + "<int:fiche_id>/", views.fiche_detail, name="detail"),
    path(F + "<int:fiche_id>/modifier/", views.fiche_edit, name="edit"),
    path(F + "<int:fiche_id>/commenter/", views.fiche_comment, name="comment"),
    path(F + "<int:fiche_id>/pieces/", views.attachment_upload, name="attachment_upload"),
    path(F + "<int:fiche_id>/pieces/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path(F + "<int:fiche_id>/pdf/", views.fiche_pdf, name="pdf"),
    path(F + "<int:fiche_id>/instructeur/", views.assign_reviewer, name="assign_reviewer"),
    path(F + "<int:fiche_id>/marche/", views.link_contract, name="link_contract"),
    path("o/<slug:slug>/evaluations/", views_evaluations.evaluation_list, name="evaluations"),
    path("o/<slug:slug>/evaluations/nouvelle/", views_evaluations.evaluation_create, name="evaluation_create"),
]
# One URL per workflow transition, each with the roles of its transition (the permission matrix checks them).
urlpatterns += [
    path(F + f"<int:fiche_id>/{name.replace('_', '-')}/", view, name=f"t_{name}")
    for name, view in views.TRANSITION_VIEWS.items()
]
