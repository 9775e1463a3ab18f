from django.urls import path

from suppliers.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("export.csv", views.notice_export, name="export"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/steps/<int:discipline>/", views.step_answer, name="answer"),
    path("<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment"),
]
