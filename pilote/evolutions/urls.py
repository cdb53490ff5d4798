from django.urls import path

from pilote.evolutions import views, views_clauses, views_fiches, views_negotiation, views_theatre


app_name = "evolutions"

R = "o/<slug:slug>/evolutions/"
RG = R + "registres/<int:registre_id>/"
M = R + "modifications/<int:modification_id>/"
N = R + "negociations/<int:negociation_id>/"
T = R + "theatre/<int:seance_theatre_id>/"
urlpatterns = [
    path(R, views.home, name="home"),
    path(R + "registres/nouveau/", views.register_create, name="register_create"),
    path(R + "registres/depuis-les-donnees/", views.register_from_data, name="register_from_data"),
    path(RG, views.register_detail, name="register"),
    path(RG + "proposer/", views.modification_propose, name="modification_propose"),
    path(M + "avis/", views.opinion_add, name="opinion_add"),
    path(M + "signer/", views.modification_sign, name="modification_sign"),
    path(M + "publier/", views.modification_publish, name="modification_publish"),
    path(M + "decp.json", views.modification_decp, name="modification_decp"),
    path(R + "signaux/", views.red_flags, name="red_flags"),
    path(R + "clauses/nouvelle/", views_clauses.clause_create, name="clause_create"),
    path(R + "clauses/<int:clause_evolution_id>/", views_clauses.clause_detail, name="clause"),
    path(R + "clauses/<int:clause_evolution_id>/activer/", views_clauses.clause_activate, name="clause_activate"),
    path(R + "fiches/<int:fiche_id>/clauses/", views_fiches.fiche_clause_attach, name="fiche_clause_attach"),
    path(
        R + "rattachements/<int:rattachement_id>/detacher/",
        views_fiches.fiche_clause_detach,
        name="fiche_clause_detach",
    ),
    path(R + "negociations/nouvelle/", views_negotiation.negotiation_create, name="negotiation_create"),
    path(N, views_negotiation.negotiation_detail, name="negotiation"),
    path(N + "envoyer/", views_negotiation.questions_send, name="questions_send"),
    path(N + "allegations/", views_negotiation.claim_add, name="claim_add"),
    path(
        R + "allegations/<int:allegation_id>/retenir/", views_negotiation.commitment_accept, name="commitment_accept"
    ),
    path(
        R + "engagements/<int:engagement_id>/mesure/", views_negotiation.commitment_measure, name="commitment_measure"
    ),
    path(R + "theatre/nouvelle/", views_theatre.theatre_create, name="theatre_create"),
    path(T, views_theatre.theatre_detail, name="theatre"),
    path(T + "propositions/", views_theatre.theatre_propose, name="theatre_propose"),
    path(T + "notes/", views_theatre.theatre_note, name="theatre_note"),
    path(T + "activer/", views_theatre.theatre_activate, name="theatre_activate"),
    path(T + "ma-consigne/", views_theatre.theatre_my_brief, name="theatre_my_brief"),
    path(R + "theatre/roles/<int:role_theatre_id>/lien/", views_theatre.theatre_role_link, name="theatre_role_link"),
    path("evolutions/consigne/<str:token>/", views_theatre.theatre_brief, name="theatre_brief"),
]
