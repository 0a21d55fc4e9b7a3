from django.urls import path

from kb.wizard import views

urlpatterns = [
    path("", views.start, name="wizard-start"),
    path("s/<uuid:session_id>/", views.session_page, name="wizard-session"),
    path("stats/", views.stats_page, name="wizard-stats"),
]
