"""Console pages of production data, mounted under /console/traceability/ (staff only, see views)."""

from django.contrib import admin
from django.urls import path

from suppliers.production import views

app_name = "traceability"

urlpatterns = [
    path("", admin.site.admin_view(views.traceability_page), name="page"),
    path("hold/", admin.site.admin_view(views.hold_place), name="hold"),
    path("release/", admin.site.admin_view(views.hold_release), name="release"),
]
