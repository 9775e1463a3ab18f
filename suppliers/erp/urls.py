from django.urls import path

from suppliers.erp import views

app_name = "erp"
urlpatterns = [
    path("", views.api_key, name="api_key"),
]
