from django.urls import path

from kb.wizard import views

app_name = "wizard"

urlpatterns = [
    path("", views.start, name="start"),
    path("s/<uuid:session_id>/", views.session_page, name="session"),
    path("s/<uuid:session_id>/<int:position>/", views.session_page, name="step"),
    path("s/<uuid:session_id>/promise/", views.session_promise, name="promise"),
    path("stats/", views.stats_page, name="stats"),
]
