from django.urls import path

from suppliers.forecasts import views

app_name = "forecasts"

urlpatterns = [
    path("", views.current, name="current"),
    path("versions/", views.version_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export.csv", views.export, name="export"),
    path("<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/lines/<int:line_pk>/", views.line_commit, name="commit"),
]
