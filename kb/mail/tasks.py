from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError, OSError), retry_backoff=True,
             max_retries=5)
def notice_send_task(received_id: int) -> str:
    """Send a received message's automatic answer once: a retry after the
    answer went out finds it stamped and sends nothing."""
    from kb.mail.services import received_notice_send

    return received_notice_send(received_id=received_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError, OSError), retry_backoff=True,
             max_retries=3)
def mailbox_poll_task() -> int:
    """Read the support mailbox (KB_IMAP_*); nothing to do when none is set.

    Safe to run twice at once: messages are kept once, and a message is
    flagged seen only after it is stored."""
    from kb.mail.imap import Mailbox, mailbox_poll

    mailbox = Mailbox.from_settings()
    return mailbox_poll(mailbox=mailbox) if mailbox is not None else 0
