from django.urls import path

from pilote.territoire import views


app_name = "territoire"

R = "o/<slug:slug>/territoire/"
urlpatterns = [
    path(R, views.home, name="home"),
    path(R + "import/", views.import_file, name="import"),
    path(R + "fusion/", views.merge, name="merge"),
    path(R + "dispositifs-aide.csv", views.export_schemes, name="export_schemes"),
    path(R + "subventions-scdl.csv", views.export_scdl, name="export_scdl"),
    path(R + "fil/", views.fund_home, name="fund"),
    path(R + "fil/appels/<int:appel_id>/", views.call_detail, name="call"),
    path(R + "fil/candidatures/<int:candidature_id>/notes/", views.score, name="score"),
    path(R + "fil/candidatures/<int:candidature_id>/decision/", views.decide, name="decide"),
    path("public/<slug:slug>/fil/", views.public_fund, name="public_fund"),
]
