app_name = "strategie"
urlpatterns = []
