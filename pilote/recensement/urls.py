from django.urls import path

from pilote.recensement import views, views_analysis


app_name = "recensement"

R = "o/<slug:slug>/recensement/"
C = R + "<int:campaign_id>/"
urlpatterns = [
    path(R, views.home, name="home"),
    path(R + "nouvelle-campagne/", views.campaign_create, name="campaign_create"),
    path(R + "modele.xlsx", views.template_download, name="template"),
    path(R + "exemple.xlsx", views.example_download, name="example"),
    path(R + "suggestion-cpv/", views.cpv_suggestions, name="cpv_suggestions"),
    path(R + "fractionnement/", views_analysis.split_purchases, name="split"),
    path(C, views.campaign_detail, name="campaign"),
    path(C + "clore/", views.campaign_close, name="campaign_close"),
    path(C + "services/", views.campaign_services, name="campaign_services"),
    path(C + "besoins/nouveau/", views.need_create, name="need_create"),
    path(C + "besoins/<int:need_id>/modifier/", views.need_edit, name="need_edit"),
    path(C + "besoins/<int:need_id>/supprimer/", views.need_delete, name="need_delete"),
    path(C + "besoins/<int:need_id>/fiche-visa/", views.need_fiche, name="need_fiche"),
    path(C + "import/", views.upload, name="upload"),
    path(C + "import/confirmer/", views.upload_confirm, name="upload_confirm"),
    path(C + "import/lecture/<str:token>/", views.upload_status, name="upload_status"),
    path(C + "regroupements/", views_analysis.grouping, name="grouping"),
    path(C + "renouvellements/", views_analysis.renewals, name="renewals"),
    path(C + "renouvellements/ajouter/", views_analysis.renewal_add, name="renewal_add"),
    path(C + "programmation/", views_analysis.plan, name="plan"),
    path(C + "programmation.xlsx", views_analysis.plan_xlsx, name="plan_xlsx"),
    path(C + "programmation.pdf", views_analysis.plan_pdf, name="plan_pdf"),
    path(C + "bilan/", views_analysis.comparison, name="comparison"),
]
