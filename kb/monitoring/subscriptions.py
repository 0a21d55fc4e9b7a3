"""E-mail subscriptions to the public status page (double opt-in).

Vocabulary: a *subscriber* is an address that asked to be told; it is
*confirmed* once its owner pressed the button behind the link e-mailed to
it (a mail scanner that fetches every link must not subscribe anyone, so
the link shows a button and only the button's POST confirms). A *notice*
is one e-mail of one incident update to one confirmed subscriber, sent in
the subscriber's language and recorded (``StatusNotice``) once sent, so an
update reaches each subscriber once, and one that could not be sent is
tried again on the next run.

The token in the links is the subscriber's only credential: it confirms
and unsubscribes (``List-Unsubscribe``, RFC 8058 one-click).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kb.monitoring.messages import render as render_message
from kb.monitoring.models import IncidentUpdate, StatusNotice, StatusSubscriber
from kb.monitoring.regional import incident_title
from kb.tickets.headers import body_text, header_text

log = logging.getLogger(__name__)

# A confirm link older than this is refused: whoever finds an old e-mail
# cannot subscribe its owner weeks later. Subscribing again sends a new one.
CONFIRM_VALID_DAYS = 7
# An update older than this is not e-mailed any more: after a long mail
# outage (or an incident made public late) a subscriber gets today's
# news, not a day-old "investigating".
NOTICE_HORIZON = dt.timedelta(hours=24)


def _language(language: str | None) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else settings.LANGUAGE_CODE


def status_link(path: str) -> str:
    """An absolute link for an e-mail or a feed (sent outside a request)."""
    return settings.KB_SITE_URL + path


def incident_path(incident_id: int) -> str:
    return reverse("status-incident", args=[incident_id])


def confirm_link(subscriber: StatusSubscriber) -> str:
    return status_link(reverse("status-confirm", args=[subscriber.token]))


def unsubscribe_link(subscriber: StatusSubscriber) -> str:
    return status_link(reverse("status-unsubscribe", args=[subscriber.token]))


def _headers(subscriber: StatusSubscriber) -> dict[str, str]:
    # RFC 8058: a mail client's "Unsubscribe" POSTs to the link at once;
    # RFC 3834: the site wrote it, nobody should auto-reply to it.
    return {"List-Unsubscribe": f"<{unsubscribe_link(subscriber)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated"}


@dataclass
class SubscribeResult:
    subscriber: StatusSubscriber
    sent: bool


def _subscribe_message(subscriber: StatusSubscriber) -> EmailMessage:
    context = {"site_name": settings.KB_SITE_NAME,
               "status_link": status_link(reverse("status-page")),
               "confirm_link": confirm_link(subscriber),
               "unsubscribe_link": unsubscribe_link(subscriber),
               "valid_days": CONFIRM_VALID_DAYS}
    with translation.override(subscriber.language):
        if subscriber.confirmed_at is None:
            subject = _("Confirm your subscription to %(site)s status") % {
                "site": settings.KB_SITE_NAME}
            body = render_to_string("monitoring/email/status_confirm.txt", context)
        else:
            subject = _("You are already subscribed to %(site)s status") % {
                "site": settings.KB_SITE_NAME}
            body = render_to_string("monitoring/email/status_already.txt", context)
    headers = {"Auto-Submitted": "auto-generated"}
    if subscriber.confirmed_at is not None:
        headers.update(_headers(subscriber))
    return EmailMessage(subject=header_text(subject), body=body_text(body),
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[subscriber.email],
                        headers=headers)


def _subscriber_refresh(*, email: str, language: str, now: dt.datetime) -> StatusSubscriber:
    """The address's subscriber, created unconfirmed if new; an unconfirmed
    one takes the new language and a fresh week to confirm (its token, and
    so the link of an earlier e-mail, stays valid)."""
    for _attempt in range(2):
        subscriber = StatusSubscriber.objects.filter(email__iexact=email).first()
        if subscriber is not None:
            if subscriber.confirmed_at is None:
                subscriber.language = language
                subscriber.created_at = now
                subscriber.save(update_fields=["language", "created_at"])
            return subscriber
        try:
            with transaction.atomic():
                return StatusSubscriber.objects.create(
                    email=email, language=language, token=secrets.token_urlsafe(32),
                    created_at=now)
        except IntegrityError:
            continue  # the same address subscribed at the same moment: use that one
    raise RuntimeError("status subscriber neither found nor created")  # pragma: no cover


def subscribe(*, email: str, language: str | None) -> SubscribeResult:
    """Ask ``email`` to confirm (or, when it is confirmed already, tell it so,
    with its unsubscribe link): either way one e-mail goes to the address,
    so the page answers alike whoever asks. ``sent`` says whether the
    e-mail went out."""
    email = BaseUserManager.normalize_email(email.strip())
    subscriber = _subscriber_refresh(email=email, language=_language(language),
                                     now=timezone.now())
    try:
        _subscribe_message(subscriber).send()
    except Exception as exc:  # any mail failure is told, never raised
        log.warning("status_subscribe_mail_failed subscriber=%s error=%r", subscriber.pk,
                    str(exc))
        return SubscribeResult(subscriber=subscriber, sent=False)
    log.info("status_subscribe_mailed subscriber=%s confirmed=%s", subscriber.pk,
             subscriber.confirmed_at is not None)
    return SubscribeResult(subscriber=subscriber, sent=True)


def subscriber_by_token(token: str, *, now: dt.datetime | None = None,
                        expired_ok: bool = False) -> StatusSubscriber | None:
    """The subscriber a link names; None for an unknown token or (unless
    ``expired_ok``, as unsubscribing is) for an unconfirmed one whose week
    to confirm has passed."""
    if not token or len(token) > 64:
        return None
    subscriber = StatusSubscriber.objects.filter(token=token).first()
    if subscriber is None:
        return None
    now = now or timezone.now()
    if (not expired_ok and subscriber.confirmed_at is None
            and subscriber.created_at < now - dt.timedelta(days=CONFIRM_VALID_DAYS)):
        return None
    return subscriber


def confirm(*, token: str) -> StatusSubscriber | None:
    """Confirm the subscriber a link names (confirming twice keeps the first
    time); None when the link is unknown or expired."""
    subscriber = subscriber_by_token(token)
    if subscriber is None:
        return None
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
        log.info("status_subscriber_confirmed subscriber=%s", subscriber.pk)
    return subscriber


def unsubscribe(*, token: str) -> bool:
    """Forget the subscriber a link names (its notices go with it); False
    when the link names nobody (unsubscribed already)."""
    deleted, _per_model = StatusSubscriber.objects.filter(token=token).delete()
    if deleted:
        log.info("status_subscriber_deleted token_prefix=%s", token[:6])
    return bool(deleted)


def unconfirmed_forget(*, now: dt.datetime | None = None) -> int:
    """Delete the addresses whose week to confirm has passed: an address
    that never confirmed is kept no longer than its link works."""
    now = now or timezone.now()
    deleted, _per_model = StatusSubscriber.objects.filter(
        confirmed_at__isnull=True,
        created_at__lt=now - dt.timedelta(days=CONFIRM_VALID_DAYS)).delete()
    if deleted:
        log.info("status_unconfirmed_deleted count=%d", deleted)
    return deleted


def _update_text(update: IncidentUpdate) -> str:
    """Monitoring's update in the active language, or what staff wrote (its
    Markdown reads well as plain text)."""
    return render_message(update.code, update.params) if update.code else update.body


def _notice_message(update: IncidentUpdate, subscriber: StatusSubscriber,
                    connection) -> EmailMessage:
    incident = update.incident
    with translation.override(subscriber.language):
        context = {
            "site_name": settings.KB_SITE_NAME,
            "incident": incident,
            "title": incident_title(incident),
            "severity": incident.get_severity_display(),
            "state": incident.get_state_display(),
            "update_status": update.get_status_display(),
            "update_at": f"{update.created_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC",
            "update_text": _update_text(update),
            "incident_link": status_link(incident_path(incident.pk)),
            "status_link": status_link(reverse("status-page")),
            "unsubscribe_link": unsubscribe_link(subscriber),
        }
        subject = _("[%(site)s status] %(title)s: %(status)s") % {
            "site": settings.KB_SITE_NAME, "title": context["title"],
            "status": context["update_status"]}
        body = render_to_string("monitoring/email/status_notice.txt", context)
    return EmailMessage(subject=header_text(subject), body=body_text(body),
                        from_email=settings.DEFAULT_FROM_EMAIL, to=[subscriber.email],
                        headers=_headers(subscriber), connection=connection)


def _pending(now: dt.datetime) -> list[tuple[IncidentUpdate, StatusSubscriber]]:
    """Each (update, subscriber) still to send, oldest update first: updates
    of public incidents within the horizon, to subscribers confirmed
    before the update was written, without a notice yet."""
    updates = list(IncidentUpdate.objects.filter(
        incident__public=True, created_at__gte=now - NOTICE_HORIZON, created_at__lte=now)
        .select_related("incident").order_by("created_at", "pk"))
    if not updates:
        return []
    subscribers = list(StatusSubscriber.objects.filter(
        confirmed_at__isnull=False, confirmed_at__lte=updates[-1].created_at)
        .order_by("pk"))
    sent = set(StatusNotice.objects.filter(update__in=updates)
               .values_list("update_id", "subscriber_id"))
    return [(update, subscriber) for update in updates for subscriber in subscribers
            if subscriber.confirmed_at <= update.created_at
            and (update.pk, subscriber.pk) not in sent]


def notices_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """E-mail every pending incident update to its subscribers, once each.

    Each notice is recorded in the transaction that sends it: a second run
    at the same time waits on the row and then finds it taken (the unique
    constraint), and a failed send rolls the record back, so the notice is
    tried again on the next run. A refused recipient skips that one; any
    other failure (the mail server unreachable) ends the run, since every
    further send would fail the same way.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0}
    pending = _pending(now)
    if not pending:
        return counts
    connection = get_connection()
    try:
        for update, subscriber in pending:
            try:
                with transaction.atomic():
                    StatusNotice.objects.create(update=update, subscriber=subscriber,
                                                sent_at=timezone.now())
                    _notice_message(update, subscriber, connection).send()
            except IntegrityError:
                continue  # another run sent it (or the subscriber left meanwhile)
            except smtplib.SMTPRecipientsRefused as exc:
                counts["failed"] += 1
                log.warning("status_notice_failed update=%s subscriber=%s error=%r",
                            update.pk, subscriber.pk, str(exc))
                continue
            except Exception as exc:  # retried by the next run
                counts["failed"] += 1
                log.warning("status_notice_failed update=%s subscriber=%s error=%r "
                            "(the rest waits for the next run)",
                            update.pk, subscriber.pk, str(exc))
                break
            counts["sent"] += 1
    finally:
        connection.close()
    log.info("status_notices_sent sent=%d failed=%d", counts["sent"], counts["failed"])
    return counts
