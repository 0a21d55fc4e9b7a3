"""The public status page's addresses (no sign-in), under /status/.

Not namespaced: the site's footer and e-mails name them as ``status-*``.
"""

from django.urls import path

from kb.monitoring import incident_views, views

urlpatterns = [
    path("", views.status_page, name="status-page"),
    path("incidents/<int:incident_id>/", incident_views.status_incident_page,
         name="status-incident"),
]
