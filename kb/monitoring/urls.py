from django.urls import path

from kb.monitoring import incident_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.line_list_page, name="lines"),
    path("lines/<int:line_id>/", views.line_detail_page, name="line"),
    path("lines/<int:line_id>/export.csv", views.line_export, name="line-export"),
    path("incidents/<int:incident_id>/", incident_views.incident_page, name="incident"),
    path("incidents/<int:incident_id>/updates/", incident_views.incident_update_create,
         name="incident-update"),
    path("incidents/<int:incident_id>/postmortem/", incident_views.incident_postmortem_create,
         name="incident-postmortem"),
]
