from django.urls import path

from pilote.strategie import views, views_juror, views_jury, views_session


app_name = "strategie"

R = "o/<slug:slug>/strategie/"
OB = R + "objectifs/<int:objectif_id>/"
S = R + "strategies/<int:strategie_id>/"
SE = R + "seances/<int:seance_id>/"
J = R + "jurys/<int:jury_id>/"
A = "atelier/<str:code>/"
urlpatterns = [
    path(R, views.home, name="home"),
    path(R + "nouvel-objectif/", views.objective_create, name="objective_create"),
    path(OB, views.objective_detail, name="objective"),
    path(OB + "indicateurs/", views.indicator_add, name="indicator_add"),
    path(OB + "seances/", views_session.session_create, name="session_create"),
    path(S, views.strategy_detail, name="strategy"),
    path(S + "instruments/", views.instrument_add, name="instrument_add"),
    path(S + "reviser/", views.strategy_revise, name="strategy_revise"),
    path(S + "publier/", views.strategy_publish, name="strategy_publish"),
    path(S + "commentaires/", views.strategy_comment, name="strategy_comment"),
    path(R + "instruments/<int:instrument_strategie_id>/retirer/", views.instrument_remove, name="instrument_remove"),
    path(
        R + "instruments/<int:instrument_strategie_id>/avancement/", views.instrument_status, name="instrument_status"
    ),
    path(R + "instruments/<int:instrument_strategie_id>/liens/", views.instrument_link, name="instrument_link"),
    path(R + "leviers/<int:levier_id>/poids/", views.lever_weight, name="lever_weight"),
    path(R + "indicateurs/<int:indicateur_id>/resultats/", views.result_add, name="result_add"),
    path(SE, views_session.session_detail, name="session"),
    path(SE + "plateau.pdf", views_session.session_pdf, name="session_pdf"),
    path(SE + "adopter/", views_session.session_adopt, name="session_adopt"),
    path(R + "nouveau-jury/", views_jury.jury_create, name="jury_create"),
    path(J, views_jury.jury_detail, name="jury"),
    path(J + "volontaires/", views_jury.volunteer_add, name="volunteer_add"),
    path(J + "graine/", views_jury.seed_publish, name="seed_publish"),
    path(J + "tirage/", views_jury.jury_draw, name="jury_draw"),
    path(J + "avis/", views_jury.opinion_add, name="opinion_add"),
    path(R + "volontaires/<int:volontaire_id>/effacer/", views_jury.volunteer_erase, name="volunteer_erase"),
    path(R + "membres-jury/<int:membre_jury_id>/remplacer/", views_jury.member_replace, name="member_replace"),
    path(R + "membres-jury/<int:membre_jury_id>/lien/", views_juror.juror_link_issue, name="juror_link_issue"),
    path(
        R + "membres-jury/<int:membre_jury_id>/lien/revoquer/", views_juror.juror_link_revoke, name="juror_link_revoke"
    ),
    path("jure/<str:jeton>/", views_juror.juror_space_view, name="juror_space"),
    path("public/<slug:slug>/strategies/<int:strategie_id>/", views.public_strategy, name="public_strategy"),
    path(A + "rejoindre/", views_session.join, name="join"),
    path(A, views_session.play, name="play"),
    path(A + "comparaison/", views_session.comparison, name="comparison"),
    path(A + "scenarios/", views_session.scenario_create, name="scenario_create"),
    path(A + "scenarios/<int:scenario_id>/instruments/", views_session.item_add, name="item_add"),
    path(A + "scenarios/<int:scenario_id>/vote/", views_session.vote, name="vote"),
    path(A + "instruments/<int:item_id>/retirer/", views_session.item_remove, name="item_remove"),
    path(A + "clore-le-tour/", views_session.round_close, name="round_close"),
    path(A + "decision/", views_session.decide, name="decide"),
    path(A + "notes/", views_session.note_add, name="note_add"),
]
