"""The Celery application.

Without ``KB_BROKER_URL`` the broker is kombu's filesystem transport under
``var/broker``: it needs no server, which is what ``make run`` wants.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")

app = Celery("kb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
