from django.urls import path

from pilote.communs import views, views_board, views_booking, views_catalogue, views_purchase


app_name = "communs"

R = "o/<slug:slug>/ressourcotheque/"
RE = R + "ressources/<int:ressource_id>/"
I = R + "initiatives/<int:initiative_id>/"  # noqa: E741
urlpatterns = [
    path(R, views.home, name="home"),
    path(R + "nouvelle-ressource/", views.resource_create, name="resource_create"),
    path(R + "nouvelle-initiative/", views.initiative_create, name="initiative_create"),
    path(R + "balance/", views.trial_balance, name="trial_balance"),
    path(R + "scdl-subventions.csv", views.scdl_export, name="scdl_export"),
    path(I, views.initiative_detail, name="initiative"),
    path(I + "acteur/", views.initiative_actor_link, name="initiative_actor_link"),
    path(I + "credits/", views.credit_grant, name="credit_grant"),
    path(I + "contributions/", views.contribution_add, name="contribution_add"),
    path(R + "ecritures/<int:ecriture_id>/contrepasser/", views.movement_reverse, name="movement_reverse"),
    path(R + "cogestion/", views_board.board_home, name="board"),
    path(R + "cogestion/representants/", views_board.representative_appoint, name="representative_appoint"),
    path(R + "cogestion/propositions/", views_board.proposal_open, name="proposal_open"),
    path(R + "cogestion/propositions/<int:proposition_id>/vote/", views_board.proposal_vote, name="proposal_vote"),
    path(R + "cogestion/propositions/<int:proposition_id>/clore/", views_board.proposal_close, name="proposal_close"),
    path(R + "depuis-fiche/<int:fiche_id>/", views_purchase.purchase_from_fiche, name="purchase_from_fiche"),
    path(R + "depuis-besoin/<int:need_id>/", views_purchase.purchase_from_need, name="purchase_from_need"),
    path(RE + "livre/", views_purchase.resource_deliver, name="resource_deliver"),
    path(RE, views_booking.resource_detail, name="resource"),
    path(RE + "modifier/", views_catalogue.resource_edit, name="resource_edit"),
    path(RE + "photos/", views_catalogue.photo_add, name="photo_add"),
    path(R + "photos/<int:photo_id>/", views_catalogue.photo_file, name="photo"),
    path(R + "photos/<int:photo_id>/supprimer/", views_catalogue.photo_delete, name="photo_delete"),
    path(RE + "reserver/", views_booking.booking_request, name="booking_request"),
    path(RE + "tickets/", views_booking.ticket_open, name="ticket_open"),
    path(R + "reservations/<int:reservation_id>/<str:etape>/", views_booking.booking_update, name="booking_update"),
    path(R + "tickets/<int:ticket_id>/clore/", views_booking.ticket_close, name="ticket_close"),
    path("public/<slug:slug>/ressourcotheque/", views.public_catalogue, name="public_catalogue"),
    path(
        "public/<slug:slug>/ressourcotheque/photos/<int:photo_id>/", views_catalogue.public_photo, name="public_photo"
    ),
]
