"""Monitoring tasks: thin, id-based, safe to run twice (each says why)."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=2)
def evaluate_lines_task(at: str | None = None) -> str:
    """Every minute: judge every line and act (kb.monitoring.evaluation).

    ``at`` (ISO 8601) evaluates as of another instant, for tests and
    replays. A second run at the same instant changes nothing: incidents
    are opened once per line (a unique index) and each later step checks
    the state the first left, under a row lock.
    """
    from kb.monitoring.evaluation import lines_evaluate

    return str(lines_evaluate(now=dt.datetime.fromisoformat(at) if at else None))


@shared_task(acks_late=True, expires=55)
def probe_lines_task() -> str:
    """Every minute: the site's burst to each line's ingest (kb.monitoring.
    prober). Not retried and expiring within the minute: a late burst would
    measure the next minute, which the next run does. A second run in the
    same minute finds every line measured and probes nothing."""
    from kb.monitoring.prober import lines_probe

    return str(lines_probe())


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def rollups_compute_task() -> int:
    """Every few minutes: the hours that received samples, recomputed whole
    from their samples (a second run finds nothing pending)."""
    from kb.monitoring.rollups import rollups_compute

    return rollups_compute()


@shared_task(acks_late=True, expires=55)
def maintenance_notices_task() -> int:
    """Every minute: the maintenance notices due now (72 hours and 1 hour
    ahead, ended; kb.monitoring.maintenance_notices). Not retried: a notice
    that failed is tried again by the next minute's run. A second run finds
    each notice recorded with its send and sends nothing twice."""
    from kb.monitoring.maintenance_notices import maintenance_notices_send

    return maintenance_notices_send()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def retention_task() -> dict:
    """Hourly: drop samples past 14 days and rollups past 400; make the coming
    days' partitions (dropping what is gone already drops nothing)."""
    from kb.monitoring.rollups import retention_apply

    return retention_apply()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=2, expires=55)
def status_notices_send_task() -> dict:
    """Every minute: each new update of a public incident e-mailed to the
    status page's confirmed subscribers (kb.monitoring.subscriptions). A
    second run finds each sent notice recorded and sends it again to
    nobody; one that failed is tried again by the next run. Addresses that
    let their week to confirm pass are forgotten on the way."""
    from kb.monitoring.subscriptions import notices_send, unconfirmed_forget

    return {**notices_send(), "unconfirmed_deleted": unconfirmed_forget()}
