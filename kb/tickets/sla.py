"""Running SLA clocks: warnings at 75 % of a target, breaches at 100 %.

``sla_check`` is safe to run as often as wanted (every minute from beat):
each warning and breach is raised once per ticket and stage, guarded by a
unique constraint, recorded on the timeline and e-mailed (the assignee; on a
breach also the team lead).
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from kb.tickets.calendars import business_minutes_between
from kb.tickets.headers import body_text, header_text
from kb.tickets.models import SlaAlert, SlaPolicy, Ticket, TicketEvent
from kb.tickets.timeline import timeline_record

log = logging.getLogger(__name__)

WARNING_SHARE = 0.75


def _used_share(ticket: Ticket, policy: SlaPolicy, target_minutes: int, due: dt.datetime,
                now: dt.datetime) -> float:
    """How much of the target is used up: 1 - time left / target."""
    if now >= due:
        return 1.0
    if policy.business_hours:
        left = business_minutes_between(ticket.team.calendar, now, due)
    else:
        left = (due - now).total_seconds() / 60
    return 1 - left / max(target_minutes, 1)


def _raise_alert(ticket: Ticket, stage: str, level: str, due: dt.datetime,
                 now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            SlaAlert.objects.create(ticket=ticket, stage=stage, level=level, created_at=now)
    except IntegrityError:
        return False  # raised before: once is enough
    event = timeline_record(ticket=ticket, kind=TicketEvent.Kind.SLA, public=False, at=now,
                            code=f"sla_{level}",
                            params={"stage": stage, "due": f"{due:%Y-%m-%d %H:%M}"})
    text = event.text
    recipients = [u.email for u in (ticket.assignee,) if u is not None and u.email]
    if level == SlaAlert.Level.BREACH and ticket.team.lead and ticket.team.lead.email:
        recipients.append(ticket.team.lead.email)
    if recipients:
        send_mail(subject=header_text(f"[Streamline KB] {ticket.priority} #{ticket.pk} {text}"),
                  message=body_text(f"{ticket.subject}\n\n{text}\n"),
                  from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=recipients)
    log.info("sla_alert ticket=%s stage=%s level=%s recipients=%d", ticket.pk, stage, level,
             len(recipients))
    return True


def sla_check(*, now: dt.datetime | None = None) -> int:
    """Raise the warnings and breaches that are due; returns how many were new."""
    now = now or timezone.now()
    policies = {p.priority: p for p in SlaPolicy.objects.all()}
    raised = 0
    tickets = (Ticket.objects.filter(status__in=Ticket.RUNNING_STATUSES)
               .select_related("team", "team__lead", "assignee"))
    for ticket in tickets:
        policy = policies.get(ticket.priority)
        if policy is None:
            continue
        targets = policy.targets()
        # Every target runs from the filing, so each unmet one is checked.
        for stage, met_field in Ticket.STAGE_STAMPS.items():
            if getattr(ticket, met_field) is not None:
                continue
            due = getattr(ticket, f"{stage}_due")
            share = _used_share(ticket, policy, targets[stage], due, now)
            if share >= 1.0:
                raised += _raise_alert(ticket, stage, SlaAlert.Level.BREACH, due, now)
            if share >= WARNING_SHARE:
                raised += _raise_alert(ticket, stage, SlaAlert.Level.WARNING, due, now)
    return raised
