app_name = "communs"
urlpatterns = []
