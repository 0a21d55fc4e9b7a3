"""The public status page's addresses (no sign-in), under /status/.

Not namespaced: the site's footer and e-mails name them as ``status-*``.
"""

from django.urls import path

from kb.monitoring import incident_views, views
from kb.monitoring.feeds import StatusFeed
from kb.monitoring.subscription_views import (
    status_confirm,
    status_subscribe,
    status_unsubscribe,
)

urlpatterns = [
    path("", views.status_page, name="status-page"),
    path("incidents/<int:incident_id>/", incident_views.status_incident_page,
         name="status-incident"),
    path("subscribe", status_subscribe, name="status-subscribe"),
    path("confirm/<str:token>", status_confirm, name="status-confirm"),
    path("unsubscribe/<str:token>", status_unsubscribe, name="status-unsubscribe"),
    path("feed.atom", StatusFeed(), name="status-feed"),
]
