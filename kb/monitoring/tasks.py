"""Monitoring tasks: thin, id-based, safe to run twice (each says why)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def rollups_compute_task() -> int:
    """Every few minutes: the hours that received samples, recomputed whole
    from their samples (a second run finds nothing pending)."""
    from kb.monitoring.rollups import rollups_compute

    return rollups_compute()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def retention_task() -> dict:
    """Hourly: drop samples past 14 days and rollups past 400; make the coming
    days' partitions (dropping what is gone already drops nothing)."""
    from kb.monitoring.rollups import retention_apply

    return retention_apply()
