from celery import shared_task
from django.core.mail import BadHeaderError
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def sla_check_task() -> int:
    from kb.tickets.sla import sla_check

    return sla_check()


@shared_task(bind=True, acks_late=True, max_retries=4, default_retry_delay=15)
def deliver_notification_task(self, notification_id: int) -> str:
    """Send one page; retry with backoff; after the last try, mark it failed."""
    from kb.tickets.models import Notification
    from kb.tickets.paging import notification_deliver, notification_failed

    notification = Notification.objects.select_related("ticket", "ticket__team",
                                                       "ticket__assignee").filter(
        pk=notification_id).first()
    if notification is None:
        return "gone"
    try:
        notification_deliver(notification=notification)
    except Exception as exc:  # any transport error: retry, then record it
        # A refused header is refused again on every try: record it at once.
        permanent = isinstance(exc, BadHeaderError)
        if (not permanent and self.request.retries < self.max_retries
                and not self.request.is_eager):
            raise self.retry(exc=exc, countdown=15 * 2 ** self.request.retries) from exc
        notification_failed(notification=notification, error=repr(exc))
        return "failed"
    return "sent"


@shared_task(acks_late=True, autoretry_for=(OperationalError, OSError), retry_backoff=True,
             max_retries=5)
def holiday_calendars_check_task() -> int:
    """Daily: warn the support leads of holiday calendars that run out.

    Idempotent (once per team and year, recorded), so a second beat or a
    redelivery sends nothing; an SMTP failure (an ``OSError``) retries.
    """
    from kb.tickets.holidays import holiday_warnings_send

    return holiday_warnings_send()
