from django.urls import path

from pilote.decp import views


app_name = "decp"

urlpatterns = [
    path("o/<slug:slug>/donnees/", views.imports, name="imports"),
    path("o/<slug:slug>/donnees/imports/<int:run_id>/", views.import_detail, name="import_detail"),
    path("o/<slug:slug>/donnees/imports/<int:run_id>/rejets.csv", views.import_rejects, name="import_rejects"),
]
