app_name = "explorer"

urlpatterns = []
