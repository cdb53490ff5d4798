app_name = "recensement"

urlpatterns = []
