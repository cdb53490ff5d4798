app_name = "annuaire"

urlpatterns = []
