"""The public status page's addresses (no sign-in), under /status/.

Not namespaced: the site's footer and e-mails name them as ``status-*``.
"""

from django.urls import path

from kb.monitoring import views

urlpatterns = [
    path("", views.status_page, name="status-page"),
]
