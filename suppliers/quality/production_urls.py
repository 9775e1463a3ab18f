from django.urls import path

from suppliers.quality import production_views as views

app_name = "production_quality"

urlpatterns = [
    path("", views.lot_list, name="lots"),
    # the lot number last and as a path: MES lot numbers may contain a slash
    path("lots/<int:part_pk>/<path:lot>", views.lot_detail, name="lot"),
]
