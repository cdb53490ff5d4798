"""Pages of the knowledge network, all under /o/<slug>/annuaire/."""

from django.urls import path

from pilote.annuaire import views
from pilote.annuaire.reserve import views as reserve
from pilote.annuaire.training import views as training


app_name = "annuaire"

P = "o/<slug:slug>/annuaire/"

urlpatterns = [
    path(P, views.home, name="home"),
    path(P + "personnes/nouvelle/", views.person_create, name="person_create"),
    path(P + "personnes/<int:person_id>/", views.person_detail, name="person_detail"),
    path(P + "personnes/<int:person_id>/modifier/", views.person_edit, name="person_edit"),
    path(P + "ma-fiche/", views.own_entry, name="own_entry"),
    path(P + "retours/", views.lessons, name="lessons"),
    path(P + "retours/nouveau/", views.lesson_create, name="lesson_create"),
    path(P + "retours/<int:lesson_id>/", views.lesson_detail, name="lesson_detail"),
    path(P + "retours/<int:lesson_id>/modifier/", views.lesson_edit, name="lesson_edit"),
    path(P + "documents/<int:document_id>/", views.document_download, name="document_download"),
    path(P + "documents/<int:document_id>/supprimer/", views.document_delete, name="document_delete"),
    path(P + "segments/", views.segments, name="segments"),
    path(P + "charte/", views.charter, name="charter"),
    path(P + "charte/modifier/", views.charter_edit, name="charter_edit"),
    path(P + "charte/historique/", views.charter_history, name="charter_history"),
    path(P + "charte/versions/<int:version_id>/", views.charter_version, name="charter_version"),
    path(P + "formation/", training.catalogue, name="catalogue"),
    path(P + "formation/modules/nouveau/", training.module_create, name="module_create"),
    path(P + "formation/modules/<int:module_id>/", training.module_detail, name="module_detail"),
    path(P + "formation/modules/<int:module_id>/modifier/", training.module_edit, name="module_edit"),
    path(P + "formation/sessions/<int:session_id>/", training.session_detail, name="session_detail"),
    path(P + "formation/sessions/<int:session_id>/inscription/", training.session_enrol, name="session_enrol"),
    path(P + "formation/inscriptions/<int:enrolment_id>/annuler/", training.enrolment_cancel, name="enrolment_cancel"),
    path(
        P + "formation/inscriptions/<int:enrolment_id>/presence/",
        training.enrolment_attendance,
        name="enrolment_attendance",
    ),
    path(P + "reserve/", reserve.reserve_home, name="reserve"),
    path(P + "reserve/demandes/nouvelle/", reserve.request_create, name="request_create"),
    path(P + "reserve/demandes/<int:request_id>/", reserve.request_detail, name="request_detail"),
    path(P + "reserve/demandes/<int:request_id>/accepter/", reserve.request_accept, name="request_accept"),
    path(P + "reserve/demandes/<int:request_id>/suivi/", reserve.request_note, name="request_note"),
    path(P + "reserve/demandes/<int:request_id>/clore/", reserve.request_close, name="request_close"),
]
