from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError, OSError), retry_backoff=True,
             max_retries=5)
def notice_send_task(received_id: int) -> str:
    """Send a received message's automatic answer once: a retry after the
    answer went out finds it stamped and sends nothing."""
    from kb.mail.services import received_notice_send

    return received_notice_send(received_id=received_id)
