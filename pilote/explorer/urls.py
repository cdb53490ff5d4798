from django.urls import path

from pilote.explorer import views


app_name = "explorer"

urlpatterns = [
    path("o/<slug:slug>/explorer/", views.search, name="search"),
    path("o/<slug:slug>/explorer/export.csv", views.export, name="export"),
    path("o/<slug:slug>/explorer/preparer/", views.need, name="need"),
    path("o/<slug:slug>/explorer/sirene/", views.sirene, name="sirene"),
    path("o/<slug:slug>/explorer/structures-inclusives/", views.inclusion, name="inclusion"),
    path("o/<slug:slug>/explorer/imports/<str:kind>/<str:token>/", views.import_status, name="import_status"),
    path("o/<slug:slug>/explorer/acheteurs/<str:siret>/", views.buyer, name="buyer"),
    path("o/<slug:slug>/explorer/titulaires/<str:siret>/", views.supplier, name="supplier"),
    path("o/<slug:slug>/explorer/contrats/<path:uid>/", views.contract, name="contract"),
]
