"""Writes to the support organisation: teams and SLA policies from fixtures."""

import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kb.core.exceptions import ApplicationError
from kb.diagnostics import decode_paste, detect
from kb.tickets.calendars import (
    add_business_minutes,
    business_minutes_between,
    calendar_from_dict,
)
from kb.tickets.models import (
    Organization,
    SlaPolicy,
    Team,
    Ticket,
    TicketAttachment,
    TicketEvent,
)
from kb.tickets.selectors import sla_preview

# Defaults (editable in the admin). A business day is one team working day:
# 540 minutes with the default 09:00-18:00 hours.
BUSINESS_DAY = 540
DEFAULT_SLA = {
    "P1": (5, 30, 240, False),
    "P2": (30, 240, BUSINESS_DAY, True),
    "P3": (240, 2 * BUSINESS_DAY, 5 * BUSINESS_DAY, True),
    "P4": (BUSINESS_DAY, 3 * BUSINESS_DAY, 10 * BUSINESS_DAY, True),
}


@transaction.atomic
def teams_load_fixture(*, path: Path) -> int:
    """Create the teams of the fixture that do not exist yet (edits are kept)."""
    with path.open("rb") as handle:
        entries = tomllib.load(handle).get("team", [])
    created = 0
    for entry in entries:
        try:
            calendar = calendar_from_dict(entry)
        except (KeyError, ValueError) as exc:
            raise ValidationError(f"team {entry.get('code', '?')} in {path}: {exc}") from exc
        _, was_created = Team.objects.get_or_create(
            code=calendar.code,
            defaults={
                "name": calendar.name,
                "timezone": calendar.timezone,
                "working_days": sorted(calendar.working_days),
                "start": calendar.start,
                "end": calendar.end,
                "holidays": sorted(d.isoformat() for d in calendar.holidays),
                "extra_working_days": sorted(d.isoformat() for d in calendar.extra_working_days),
            },
        )
        created += was_created
    return created


@transaction.atomic
def sla_policies_ensure() -> int:
    created = 0
    for priority, (ack, locate, resolve, business) in DEFAULT_SLA.items():
        _, was_created = SlaPolicy.objects.get_or_create(
            priority=priority,
            defaults={"acknowledge_minutes": ack, "locate_minutes": locate,
                      "resolve_minutes": resolve, "business_hours": business},
        )
        created += was_created
    return created


@transaction.atomic
def ticket_create(
    *,
    requester,
    organization: Organization,
    subject: str,
    description: str,
    priority: str,
    region: str,
    stream_id: str = "",
    protocol: str = "",
    role: str = "",
    problems: list | None = None,
    attachments: list[tuple[str, bytes | str]] | None = None,
) -> Ticket:
    """File a ticket: routed and given exactly the due times of the preview.

    ``problems`` are codes already known (from a diagnosis); ``attachments``
    are (name, content) pairs of pasted or uploaded logs.
    """
    if not organization.members.filter(pk=requester.pk).exists():
        raise ApplicationError("You can only file tickets for your own organization.",
                               status_code=403)
    now = timezone.now()
    preview = sla_preview(priority=priority, region=region, at=now)
    targets = preview["targets"]
    ticket = Ticket(
        organization=organization, requester=requester, subject=subject.strip(),
        description=description, priority=priority, region=region, stream_id=stream_id,
        protocol=protocol, role=role, team=Team.objects.get(code=preview["team"]),
        acknowledge_due=targets["acknowledge"]["due"], locate_due=targets["locate"]["due"],
        resolve_due=targets["resolve"]["due"], created_at=now,
    )
    ticket.full_clean()
    ticket.save()
    TicketEvent.objects.create(ticket=ticket, actor=requester, kind=TicketEvent.Kind.CREATED,
                               text=f"Routed to team {ticket.team.code}.", created_at=now)
    if problems:
        ticket.problems.set(problems)
    for name, content in attachments or []:
        ticket_attachment_add(ticket=ticket, actor=requester, name=name, content=content)
    if ticket.priority == "P1":
        from kb.tickets.paging import p1_page  # paging reads the ticket models

        p1_page(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_attachment_add(*, ticket: Ticket, actor, name: str,
                          content: bytes | str) -> TicketAttachment:
    """Keep a text log with the ticket (decoded once; binary files refused)."""
    raw = content.encode() if isinstance(content, str) else bytes(content)
    if len(raw) > TicketAttachment.MAX_BYTES:
        raise ApplicationError(
            f"“{name}” is {len(raw) // 1024} KB; attachments are limited to "
            f"{TicketAttachment.MAX_BYTES // (1024 * 1024)} MB. Attach the relevant part.",
            status_code=413,
        )
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ApplicationError(f"“{name}” is not a text file; attach logs as text.")
    if ticket.attachments.count() >= TicketAttachment.MAX_PER_TICKET:
        raise ApplicationError(
            f"A ticket holds at most {TicketAttachment.MAX_PER_TICKET} attachments.")
    text = decode_paste(raw)
    if not text.strip():
        raise ApplicationError(f"“{name}” is empty.")
    detected, _platform = detect(text)
    return TicketAttachment.objects.create(
        ticket=ticket, name=(name.strip() or "attachment.txt")[:200], content=text,
        size=len(raw), detected=detected,
        uploaded_by=actor, created_at=timezone.now(),
    )


# Working a ticket ---------------------------------------------------------------
def _staff_only(actor) -> None:
    if actor is None or not actor.is_staff:
        raise ApplicationError("Only support staff can do this.", status_code=403)


def _move(ticket: Ticket, *, actor, allowed: set[str], to: str, stamp: str | None,
          text: str) -> Ticket:
    if ticket.status not in allowed:
        raise ApplicationError(
            f"A ticket that is {ticket.get_status_display().lower()} cannot become "
            f"{Ticket.Status(to).label.lower()}."
        )
    now = timezone.now()
    ticket.status = to
    fields = ["status", "updated_at"]
    if stamp is not None:
        setattr(ticket, stamp, now)
        fields.append(stamp)
    if ticket.assignee_id is None and actor is not None and actor.is_staff:
        ticket.assignee = actor
        fields.append("assignee")
    ticket.save(update_fields=fields)
    TicketEvent.objects.create(ticket=ticket, actor=actor, kind=TicketEvent.Kind.STATUS,
                               text=text, created_at=now)
    return ticket


@transaction.atomic
def ticket_acknowledge(*, ticket: Ticket, actor) -> Ticket:
    _staff_only(actor)
    return _move(ticket, actor=actor, allowed={Ticket.Status.NEW, Ticket.Status.REOPENED},
                 to=Ticket.Status.ACKNOWLEDGED, stamp="acknowledged_at",
                 text=f"Acknowledged by {actor.get_username()}.")


@transaction.atomic
def ticket_locate(*, ticket: Ticket, actor, problems: list) -> Ticket:
    """Record the diagnosis: the problem codes the cause belongs to."""
    _staff_only(actor)
    if not problems:
        raise ApplicationError("Name at least one problem code as the diagnosis.")
    ticket = _move(ticket, actor=actor, allowed={Ticket.Status.ACKNOWLEDGED},
                   to=Ticket.Status.LOCATED, stamp="located_at",
                   text="Located: " + ", ".join(sorted(p.code for p in problems)) + ".")
    ticket.problems.set(problems)
    return ticket


@transaction.atomic
def ticket_resolve(*, ticket: Ticket, actor, article=None, summary: str = "") -> Ticket:
    """Resolve with the fix that solved it, or with a summary when no article fits."""
    _staff_only(actor)
    summary = summary.strip()
    if article is None and not summary:
        raise ApplicationError("Link the article that fixed it, or say that no article fits "
                               "and summarize the resolution.")
    text = (f"Resolved with “{article.title}”." if article is not None
            else "Resolved; no article fits.") + (f" {summary}" if summary else "")
    ticket = _move(ticket, actor=actor,
                   allowed={Ticket.Status.ACKNOWLEDGED, Ticket.Status.LOCATED},
                   to=Ticket.Status.RESOLVED, stamp="resolved_at", text=text)
    if article is not None:
        ticket.articles.add(article)
    if summary:
        ticket.resolution_summary = summary
        ticket.save(update_fields=["resolution_summary", "updated_at"])
    return ticket


def _queue_learning(ticket: Ticket) -> None:
    """After the commit, the learning loop reads the ticket (idempotently)."""
    from kb.learning.tasks import learn_from_ticket_task  # learning reads tickets

    ticket_id = ticket.pk
    transaction.on_commit(lambda: learn_from_ticket_task.delay(ticket_id=ticket_id))


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor) -> Ticket:
    ticket = _move(ticket, actor=actor, allowed={Ticket.Status.RESOLVED},
                   to=Ticket.Status.CLOSED, stamp="closed_at",
                   text=f"Closed by {actor.get_username()}.")
    _queue_learning(ticket)
    return ticket


@transaction.atomic
def ticket_link_article(*, ticket: Ticket, article, actor=None) -> Ticket:
    """Link the fix found later (a knowledge gap's article was published)."""
    if ticket.articles.filter(pk=article.pk).exists():
        return ticket
    ticket.articles.add(article)
    TicketEvent.objects.create(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.NOTE, public=False,
        text=f"Linked to the new article “{article.title}”.", created_at=timezone.now(),
    )
    return ticket


@transaction.atomic
def ticket_comment(*, ticket: Ticket, actor, text: str, public: bool = True) -> TicketEvent:
    """A reply on the timeline; internal notes (not public) are for staff only.

    A customer's reply to a ticket that waits on them restarts its SLA clock.
    """
    text = text.strip()
    if not text:
        raise ApplicationError("Write something first.")
    if not public:
        _staff_only(actor)
    event = TicketEvent.objects.create(
        ticket=ticket, actor=actor, text=text, public=public, created_at=timezone.now(),
        kind=TicketEvent.Kind.COMMENT if public else TicketEvent.Kind.NOTE,
    )
    if ticket.status == Ticket.Status.WAITING and not actor.is_staff:
        ticket_resume(ticket=ticket, actor=actor)
    return event


@transaction.atomic
def ticket_wait_on_customer(*, ticket: Ticket, actor, question: str) -> Ticket:
    """Ask the customer something; the SLA clock stops until they answer."""
    _staff_only(actor)
    if ticket.status not in {Ticket.Status.NEW, Ticket.Status.ACKNOWLEDGED,
                             Ticket.Status.LOCATED, Ticket.Status.REOPENED}:
        raise ApplicationError("Only an open ticket can wait on the customer.")
    if not question.strip():
        raise ApplicationError("Say what you need from the customer.")
    previous = ticket.status
    ticket_comment(ticket=ticket, actor=actor, text=question)
    ticket = _move(ticket, actor=actor, allowed={previous}, to=Ticket.Status.WAITING,
                   stamp="paused_at", text="Waiting on the customer: the SLA clock is paused.")
    ticket.status_before_pause = previous
    ticket.save(update_fields=["status_before_pause", "updated_at"])
    return ticket


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor) -> Ticket:
    """Restart the clock: each target not yet met keeps the time it had left."""
    if ticket.status != Ticket.Status.WAITING or ticket.paused_at is None:
        raise ApplicationError("This ticket is not waiting on the customer.")
    now = timezone.now()
    policy = SlaPolicy.objects.get(priority=ticket.priority)
    calendar = ticket.team.calendar
    fields = []
    for stage, met in (("acknowledge", ticket.acknowledged_at), ("locate", ticket.located_at),
                       ("resolve", ticket.resolved_at)):
        if met is not None:
            continue
        due = getattr(ticket, f"{stage}_due")
        if due <= ticket.paused_at:
            continue  # already overdue when paused: it stays overdue
        if policy.business_hours:
            left = business_minutes_between(calendar, ticket.paused_at, due)
            new_due = add_business_minutes(calendar, now, left)
        else:
            new_due = now + (due - ticket.paused_at)
        setattr(ticket, f"{stage}_due", new_due)
        fields.append(f"{stage}_due")
    paused_for = now - ticket.paused_at
    ticket.status = ticket.status_before_pause or Ticket.Status.ACKNOWLEDGED
    ticket.paused_at = None
    ticket.status_before_pause = ""
    ticket.save(update_fields=[*fields, "status", "paused_at", "status_before_pause",
                               "updated_at"])
    TicketEvent.objects.create(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.SLA, created_at=now,
        text=f"The customer answered; the SLA clock resumes (paused for "
             f"{int(paused_for.total_seconds() // 60)} min).",
    )
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """The fix did not hold: back to support, to be acknowledged again."""
    if not reason.strip():
        raise ApplicationError("Say what is still wrong.")
    ticket_comment(ticket=ticket, actor=actor, text=reason)
    ticket = _move(ticket, actor=actor,
                   allowed={Ticket.Status.RESOLVED, Ticket.Status.CLOSED},
                   to=Ticket.Status.REOPENED, stamp=None, text="Reopened.")
    ticket.resolved_at = None
    ticket.closed_at = None
    ticket.save(update_fields=["resolved_at", "closed_at", "updated_at"])
    # A reopening counts against the article that resolved it.
    _queue_learning(ticket)
    return ticket
