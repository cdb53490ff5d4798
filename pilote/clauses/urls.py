from django.urls import path

from pilote.clauses import views


app_name = "clauses"

urlpatterns = [
    path("o/<slug:slug>/guides/", views.guide_list, name="guides"),
    path("o/<slug:slug>/guides/nouveau-segment/", views.segment_create, name="segment_create"),
    path("o/<slug:slug>/guides/<slug:segment_code>/", views.guide_detail, name="guide"),
    path("o/<slug:slug>/guides/<slug:segment_code>/modifier/", views.guide_edit, name="guide_edit"),
    path("o/<slug:slug>/clauses/", views.clause_list, name="clauses"),
    path("o/<slug:slug>/clauses/nouvelle/", views.clause_create, name="clause_create"),
    path("o/<slug:slug>/clauses/<int:clause_id>/", views.clause_detail, name="clause"),
    path("o/<slug:slug>/clauses/<int:clause_id>/modifier/", views.clause_edit, name="clause_edit"),
    path("o/<slug:slug>/clauses/<int:clause_id>/copier/", views.clause_copy, name="clause_copy"),
]
