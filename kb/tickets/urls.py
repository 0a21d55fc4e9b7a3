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
    path("<int:ticket_id>/follow/<str:token>/", views.ticket_follow, name="follow"),
    path("<int:ticket_id>/satisfaction/<str:token>/", views.ticket_satisfaction,
         name="satisfaction"),
    *[path(f"<int:ticket_id>/{name}/", view, name=name) for name, view in (
        ("reply", views.ticket_reply), ("attach", views.ticket_attach),
        ("reopen", views.ticket_reopen), ("confirm", views.ticket_confirm),
        ("acknowledge", views.ticket_acknowledge), ("locate", views.ticket_locate),
        ("resolve", views.ticket_resolve), ("close", views.ticket_close),
        ("wait", views.ticket_wait), ("assign", views.ticket_assign),
    )],
]
