from django.urls import path

from kb.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("new/", views.ticket_new, name="new"),
    path("new/preview/", views.ticket_sla_preview, name="sla-preview"),
    path("new/suggest/", views.ticket_suggest, name="suggest"),
    path("queue/", views.ticket_queue_page, name="queue"),
    path("<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("<int:ticket_id>/<slug:action>/", views.ticket_action, name="action"),
]
