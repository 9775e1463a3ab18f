from django.urls import path

from suppliers.planning import views

app_name = "inventory"

urlpatterns = [
    path("", views.inventory, name="list"),
    path("export.csv", views.inventory_export, name="export"),
]
