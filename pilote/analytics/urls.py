"""Cockpit URLs: organisation pages under o/<slug>/cockpit/, the public read-only cockpit under public/."""

from django.urls import path

from pilote.analytics import views


app_name = "analytics"

urlpatterns = [
    path("o/<slug:slug>/cockpit/", views.cockpit_page, name="cockpit"),
    path("o/<slug:slug>/cockpit/contrats/", views.contracts_page, name="contracts"),
    path("o/<slug:slug>/cockpit/pairs/", views.peers, name="peers"),
    path("o/<slug:slug>/cockpit/export/", views.export, name="export"),
    path("o/<slug:slug>/cockpit/objectifs/", views.targets_page, name="targets"),
    path("o/<slug:slug>/cockpit/rapport/", views.report, name="report"),
    path("o/<slug:slug>/cockpit/methode/", views.method, name="method"),
    path("public/<slug:slug>/cockpit/", views.public_cockpit, name="public_cockpit"),
    path("public/<slug:slug>/cockpit/methode/", views.public_method, name="public_method"),
]
