from django.urls import path

from kb.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export.csv", views.dashboard_csv, name="export"),
]
