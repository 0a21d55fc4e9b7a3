"""The Celery application.

Without ``KB_BROKER_URL`` the broker is the filesystem transport of
``kb.core.broker`` under ``var/broker``: it needs no server, which is what
``make run`` wants.
"""

import os

from celery import Celery
from celery.signals import beat_embedded_init, beat_init

from kb.core import beat, broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
broker.register()

app = Celery("kb")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
beat_init.connect(beat.on_beat_init)
beat_embedded_init.connect(beat.on_beat_embedded_init)
