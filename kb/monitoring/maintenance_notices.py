"""Notices of planned maintenance to the people it concerns.

Who is told: the contact address of every active line a window covers (in
the line's language; ``line_contact_email``) and, when the window is public,
every confirmed status page subscriber (in the subscriber's language). An
address is told once per notice even when it is the contact of several
covered lines or also a subscriber (the customer's version wins).

When (``notice_kind_due``), run every minute by the beat task:

- ``ahead_72h``, the announcement: from 72 hours before the start until one
  hour before it, so a window planned 10 hours ahead is announced at once,
  and a line or subscriber added meanwhile is told when it appears;
- ``ahead_1h``, the reminder: in the last hour before the start. A window
  planned less than an hour ahead gets this one notice only; an address
  announced less than an hour before the reminder falls due gets no
  reminder (two e-mails minutes apart say the same thing twice);
- ``ended``: once the window ended, within a day of its end, and only to
  addresses told ahead of it. A window entered after the fact (in the admin,
  for the record) mails nobody, and neither does one that started before
  anybody could be told.

Each notice is recorded (``MaintenanceNotice``, one per window, kind and
address) in the transaction that sends it: a failed send rolls its record
back, is logged, and is tried again on the next run (three failures in a
row end the run: the mail server is down, the next minute tries again); a
concurrent run that recorded the same notice first makes this one skip it.

What a notice says: the window's title, description, start and end (UTC, and
Beijing time for Chinese readers), the regions it covers by name, the public
routes it names and, for a customer, the customer's own covered lines, never
another customer's: a subscriber sees only what the status page shows.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kb.core.choices import Region
from kb.monitoring.models import Line, Maintenance, MaintenanceNotice, StatusSubscriber
from kb.monitoring.selectors import line_contact_emails
from kb.monitoring.subscriptions import unsubscribe_link
from kb.tickets.headers import body_text, header_text

log = logging.getLogger(__name__)

Kind = MaintenanceNotice.Kind

ANNOUNCE_AHEAD = dt.timedelta(hours=72)
REMIND_AHEAD = dt.timedelta(hours=1)
# An announcement sent this shortly before the reminder falls due makes the
# reminder redundant.
REMINDER_GAP = dt.timedelta(hours=1)
# How long after its end a window's "ended" notice may still go out.
ENDED_NOTICE_WITHIN = dt.timedelta(days=1)
# Sends failing one after another mean the mail server is down: the run
# stops rather than wait for a timeout per address.
FAILURES_BEFORE_PAUSE = 3
BEIJING = ZoneInfo("Asia/Shanghai")
CHINESE = "zh-hans"
TEMPLATES: dict[str, str] = {
    Kind.AHEAD_72H: "monitoring/email/maintenance_ahead_72h.txt",
    Kind.AHEAD_1H: "monitoring/email/maintenance_ahead_1h.txt",
    Kind.ENDED: "monitoring/email/maintenance_ended.txt",
}


@dataclass
class Recipient:
    """One address a window's notice goes to, and what it may be shown."""

    email: str
    language: str
    customer: bool
    # The customer's own covered lines (names); empty for a subscriber.
    lines: list[str] = field(default_factory=list)
    # A subscriber's one-click unsubscribe link (customers cannot opt out of
    # hearing about their own lines).
    unsubscribe_url: str = ""


def notice_kind_due(window: Maintenance, now: dt.datetime) -> str | None:
    """The notice of ``window`` due at ``now``, if any (module docstring)."""
    if now >= window.ends_at:
        return Kind.ENDED if now < window.ends_at + ENDED_NOTICE_WITHIN else None
    if now >= window.starts_at:
        return None  # under way: too late to tell anybody ahead
    if now >= window.starts_at - REMIND_AHEAD:
        return Kind.AHEAD_1H
    if now >= window.starts_at - ANNOUNCE_AHEAD:
        return Kind.AHEAD_72H
    return None


def _covered_lines(window: Maintenance) -> list[Line]:
    regions = list(window.regions or [])
    return list(Line.objects.filter(active=True)
                .filter(Q(maintenances=window) | Q(from_region__in=regions)
                        | Q(to_region__in=regions))
                .distinct().order_by("name", "pk"))


def maintenance_recipients(window: Maintenance) -> dict[str, Recipient]:
    """Everyone ``window`` concerns, by lower-cased address."""
    recipients: dict[str, Recipient] = {}
    lines = _covered_lines(window)
    contacts = line_contact_emails(lines=lines)
    for line in lines:
        email = contacts.get(line.pk)
        if not email:
            continue  # nobody to tell: the organization has no address
        recipient = recipients.setdefault(
            email.lower(), Recipient(email=email, language=line.language, customer=True))
        recipient.lines.append(line.name)
    if window.public:
        for subscriber in StatusSubscriber.objects.filter(confirmed_at__isnull=False):
            recipients.setdefault(subscriber.email.lower(),
                                  Recipient(email=subscriber.email,
                                            language=subscriber.language, customer=False,
                                            unsubscribe_url=unsubscribe_link(subscriber)))
    return recipients


def _when(at: dt.datetime, language: str) -> str:
    """UTC, and Beijing time too for Chinese readers (most of them in China)."""
    utc = f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if language != CHINESE:
        return utc
    return _("%(utc)s (Beijing time %(beijing)s)") % {
        "utc": utc, "beijing": f"{at.astimezone(BEIJING):%Y-%m-%d %H:%M}"}


def _when_short(at: dt.datetime, language: str) -> str:
    """One time for a subject line: Beijing time for Chinese readers."""
    if language != CHINESE:
        return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    return _("Beijing time %(time)s") % {"time": f"{at.astimezone(BEIJING):%Y-%m-%d %H:%M}"}


def _listed(names: list[str], language: str) -> str:
    return ("、" if language == CHINESE else ", ").join(names)


def _public_routes(window: Maintenance) -> list[str]:
    """The public lines the window names: the status page's routes."""
    return sorted(line.name for line in window.lines.all() if line.public and line.active)


def notice_text(*, window: Maintenance, kind: str, recipient: Recipient,
                now: dt.datetime) -> tuple[str, str]:
    """Subject and body of one notice, in the recipient's language."""
    site = settings.KB_SITE_URL
    with translation.override(recipient.language):
        labels = dict(Region.choices)
        regions = [str(labels[code]) for code in window.regions if code in labels]
        starts = _when(window.starts_at, recipient.language)
        ends = _when(window.ends_at, recipient.language)
        context = {
            "title": window.title, "description": window.description.strip(),
            "starts": starts, "ends": ends,
            "minutes": max(1, math.ceil((window.starts_at - now).total_seconds() / 60)),
            "regions": _listed(regions, recipient.language),
            "routes": _listed(_public_routes(window), recipient.language),
            "lines": _listed(recipient.lines, recipient.language),
            "customer": recipient.customer, "site_name": settings.KB_SITE_NAME,
            "status_url": site + reverse("status-page"),
            "lines_url": site + reverse("monitoring:lines"),
            "unsubscribe_url": recipient.unsubscribe_url,
        }
        subjects: dict[str, str] = {
            Kind.AHEAD_72H: _("Planned maintenance from %(starts)s: %(title)s"),
            Kind.AHEAD_1H: _("Maintenance starts in %(minutes)d min: %(title)s"),
            Kind.ENDED: _("Maintenance ended: %(title)s"),
        }
        subject = subjects[kind] % {"starts": _when_short(window.starts_at,
                                                          recipient.language),
                                    "minutes": context["minutes"],
                                    "title": window.title}
        rendered = render_to_string(TEMPLATES[kind], context)
    # Templates are written for reading, not for their blank lines.
    body = re.sub(r"\n{3,}", "\n\n",
                  "\n".join(row.rstrip() for row in rendered.splitlines()))
    return (header_text(f"[{settings.KB_SITE_NAME}] {subject}"),
            body_text(body.strip()) + "\n")


class MailFailing(Exception):
    """Several sends in a row failed: the mail server is down, not one
    address refused. The rest of the run waits for the next minute."""


def _notice_send(*, window: Maintenance, kind: str, key: str, recipient: Recipient,
                 now: dt.datetime, mailer) -> bool | None:
    """True when sent, False when another run sent it, None when it failed."""
    subject, body = notice_text(window=window, kind=kind, recipient=recipient, now=now)
    headers = {"Auto-Submitted": "auto-generated"}
    if recipient.unsubscribe_url:
        # RFC 8058: the mail client's "Unsubscribe" works in one click.
        headers.update({"List-Unsubscribe": f"<{recipient.unsubscribe_url}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    try:
        # Recorded and sent together: a send that fails leaves no record,
        # so the next run tries again.
        with transaction.atomic():
            MaintenanceNotice.objects.create(maintenance=window, kind=kind, email=key,
                                             sent_at=now)
            EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                         to=[recipient.email], headers=headers,
                         connection=mailer).send()
    except IntegrityError:
        return False  # a concurrent run recorded (and sent) it first
    except Exception:
        mailer.close()  # the next send connects again rather than reuse a broken link
        log.exception("maintenance_notice_failed maintenance=%s kind=%s to=%s", window.pk,
                      kind, recipient.email)
        return None
    log.info("maintenance_notice maintenance=%s kind=%s to=%s", window.pk, kind,
             recipient.email)
    return True


def _window_notices_send(window: Maintenance, kind: str, now: dt.datetime, mailer) -> int:
    sent_before = list(window.notices.values_list("kind", "email", "sent_at"))
    skip = {email for k, email, _at in sent_before if k == kind}
    if kind == Kind.AHEAD_1H:
        skip |= {email for k, email, at in sent_before if k == Kind.AHEAD_72H
                 and at >= window.starts_at - REMIND_AHEAD - REMINDER_GAP}
    told_ahead = {email for k, email, _at in sent_before
                  if k in (Kind.AHEAD_72H, Kind.AHEAD_1H)}
    sent = failed_in_a_row = 0
    for key, recipient in maintenance_recipients(window).items():
        if key in skip or (kind == Kind.ENDED and key not in told_ahead):
            continue
        outcome = _notice_send(window=window, kind=kind, key=key, recipient=recipient,
                               now=now, mailer=mailer)
        failed_in_a_row = failed_in_a_row + 1 if outcome is None else 0
        if failed_in_a_row >= FAILURES_BEFORE_PAUSE:
            raise MailFailing(sent)
        sent += bool(outcome)
    return sent


def maintenance_notices_send(*, now: dt.datetime | None = None) -> int:
    """Send every maintenance notice due at ``now``; returns how many went
    out. Safe to run again at once: what was sent is not sent twice."""
    now = now or timezone.now()
    windows = (Maintenance.objects
               .filter(Q(starts_at__gt=now, starts_at__lte=now + ANNOUNCE_AHEAD)
                       | Q(ends_at__lte=now, ends_at__gt=now - ENDED_NOTICE_WITHIN))
               .prefetch_related("lines").order_by("starts_at", "pk"))
    due = [(window, kind) for window in windows
           if (kind := notice_kind_due(window, now)) is not None]
    if not due:
        return 0
    # One mail server connection for the run (opened at the first send),
    # not one per notice: a large region's customers and every subscriber
    # may be told at once.
    mailer = get_connection()
    sent = 0
    try:
        for window, kind in due:
            sent += _window_notices_send(window, kind, now, mailer)
    except MailFailing as failing:
        sent += failing.args[0]
        log.error("maintenance_notices_paused sent=%d reason=%d sends failed in a row; the "
                  "rest wait for the next run", sent, FAILURES_BEFORE_PAUSE)
    finally:
        mailer.close()
    return sent
