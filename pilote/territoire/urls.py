from django.urls import path

from pilote.territoire import views, views_entry, views_fund


app_name = "territoire"

R = "o/<slug:slug>/territoire/"
urlpatterns = [
    path(R, views.home, name="home"),
    path(R + "import/", views.import_file, name="import"),
    path(R + "fusion/", views.merge, name="merge"),
    path(R + "acteurs/nouveau/", views_entry.actor_create, name="actor_create"),
    path(R + "dispositifs/nouveau/", views_entry.scheme_create, name="scheme_create"),
    path(R + "dispositifs-aide.csv", views.export_schemes, name="export_schemes"),
    path(R + "subventions-scdl.csv", views.export_scdl, name="export_scdl"),
    path(R + "fil/", views.fund_home, name="fund"),
    path(R + "fil/nouveau-fonds/", views_fund.pool_create, name="pool_create"),
    path(R + "fil/fonds/<int:fonds_id>/apports/", views_fund.contribution_add, name="contribution_add"),
    path(R + "fil/fonds/<int:fonds_id>/appels/", views_fund.call_create, name="call_create"),
    path(R + "fil/appels/<int:appel_id>/", views.call_detail, name="call"),
    path(R + "fil/appels/<int:appel_id>/candidatures/", views_fund.application_add, name="application_add"),
    path(R + "fil/appels/<int:appel_id>/forums/", views_fund.forum_add, name="forum_add"),
    path(R + "fil/appels/<int:appel_id>/comite/", views_fund.member_add, name="member_add"),
    path(R + "fil/decisions/<int:decision_id>/jalons/", views_fund.milestone_add, name="milestone_add"),
    path(R + "fil/jalons/<int:jalon_id>/", views_fund.milestone_follow, name="milestone_follow"),
    path(R + "fil/candidatures/<int:candidature_id>/notes/", views.score, name="score"),
    path(R + "fil/candidatures/<int:candidature_id>/decision/", views.decide, name="decide"),
    path("public/<slug:slug>/fil/", views.public_fund, name="public_fund"),
]
