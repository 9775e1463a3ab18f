from django.urls import path, re_path

from suppliers.scorecards import views

app_name = "scorecards"

EVIDENCE = r"^(?P<kpi>[a-z_]+)/(?P<period>month|rolling12)/(?P<month>\d{4}-\d{2})/"

urlpatterns = [
    path("", views.scorecard, name="current"),
    path("export.csv", views.export, name="export"),
    re_path(EVIDENCE + r"$", views.evidence, name="evidence"),
    re_path(EVIDENCE + r"export\.csv$", views.evidence_export, name="evidence_export"),
]
