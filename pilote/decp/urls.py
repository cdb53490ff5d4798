from django.urls import path

from pilote.decp import views


app_name = "decp"

urlpatterns = [
    path("o/<slug:slug>/donnees/", views.imports, name="imports"),
    path("o/<slug:slug>/donnees/imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("o/<slug:slug>/donnees/imports/<int:run_id>/rejets.csv", views.import_rejects, name="import_rejects"),
    path("o/<slug:slug>/donnees/hotes/", views.url_host_add, name="url_host_add"),
    path("o/<slug:slug>/donnees/hotes/<int:host_id>/retirer/", views.url_host_remove, name="url_host_remove"),
]
