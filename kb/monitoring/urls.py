from django.urls import path

from kb.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.line_list_page, name="lines"),
    path("lines/<int:line_id>/", views.line_detail_page, name="line"),
    path("lines/<int:line_id>/export.csv", views.line_export, name="line-export"),
]
