app_name = "fiches"

urlpatterns = []
