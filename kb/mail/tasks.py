import imaplib
import logging

from celery import shared_task
from django.db import OperationalError

log = logging.getLogger(__name__)


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
    """Read every support mailbox (KB_IMAP_*); nothing to do when none is set.

    One mailbox that cannot be read does not keep the others waiting: each
    is polled, each failure logged, and the task fails afterwards (to be
    retried) naming them. Safe to run twice at once, or beside
    ``mail_watch``: messages are kept once, and a message is flagged seen
    only after it is stored."""
    from kb.mail.imap import mailbox_poll, mailboxes_from_settings

    read, failed = 0, []
    for mailbox in mailboxes_from_settings():
        try:
            read += mailbox_poll(mailbox=mailbox)
        except (OSError, imaplib.IMAP4.error) as exc:
            log.error("imap_poll_failed mailbox=%s error=%r", mailbox.name, exc)
            failed.append(mailbox.name)
    if failed:
        raise OSError(f"could not read {', '.join(failed)} (read {read} from the others)")
    return read
