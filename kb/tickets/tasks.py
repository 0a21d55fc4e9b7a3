from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def sla_check_task() -> int:
    from kb.tickets.sla import sla_check

    return sla_check()
