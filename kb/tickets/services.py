"""Writes to the support organisation: teams and SLA policies, tickets and their work."""

import datetime as dt
import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kb.core.exceptions import ApplicationError
from kb.core.languages import content_language
from kb.diagnostics import decode_paste, detect
from kb.tickets.calendars import (
    add_business_minutes,
    business_minutes_between,
    calendar_from_dict,
)
from kb.tickets.models import (
    OnCallShift,
    Organization,
    SlaPolicy,
    Team,
    Ticket,
    TicketAttachment,
    TicketEvent,
)
from kb.tickets.paging import customer_update, p1_page
from kb.tickets.selectors import HOLDING_ORGANIZATION, organization_for_email, sla_preview
from kb.tickets.signals import ticket_outcome_changed
from kb.tickets.timeline import render, timeline_record

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
                "name_zh": str(entry.get("name_zh", "")),
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


# How long the demo engineer's on-call shift lasts from the bootstrap that
# creates it (a later bootstrap starts a new one once it has ended).
DEMO_ON_CALL = dt.timedelta(days=30)


@transaction.atomic
def teams_demo_on_call_ensure(*, engineer) -> int:
    """Make ``engineer`` a member of every team and on call for each now, so
    a demo P1 pages a person the way production does; returns the shifts
    created (none while one is running)."""
    now = timezone.now()
    created = 0
    for team in Team.objects.all():
        team.members.add(engineer)
        running = team.on_call_shifts.filter(engineer=engineer, starts_at__lte=now,
                                             ends_at__gt=now)
        if not running.exists():
            OnCallShift.objects.create(team=team, engineer=engineer, starts_at=now,
                                       ends_at=now + DEMO_ON_CALL)
            created += 1
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
    language: str | None = None,
    received_at: dt.datetime | None = None,
) -> Ticket:
    """File a ticket: routed and given exactly the due times of the preview.

    ``problems`` are codes already known (from a diagnosis); ``attachments``
    are (name, content) pairs of pasted or uploaded logs. ``received_at``
    starts the SLA clock when the request arrived earlier than it is filed
    (an e-mail), else it starts now.
    """
    if not organization.members.filter(pk=requester.pk).exists():
        raise ApplicationError(_("You can only file tickets for your own organization."),
                               status_code=403)
    return _ticket_file(
        Ticket(organization=organization, requester=requester, created_at=received_at),
        subject=subject,
        description=description, priority=priority, region=region, stream_id=stream_id,
        protocol=protocol, role=role, problems=problems, attachments=attachments,
        language=language)


@transaction.atomic
def ticket_create_for_contact(
    *,
    email: str,
    organization_name: str,
    subject: str,
    description: str,
    priority: str,
    region: str,
    stream_id: str = "",
    protocol: str = "",
    role: str = "",
    problems: list | None = None,
    attachments: list[tuple[str, bytes | str]] | None = None,
    language: str | None = None,
) -> Ticket:
    """File a P1 for somebody without an account: a stream is down and nobody
    should have to sign up first.

    The ticket belongs to the organization whose verified domain the e-mail
    has, else to the holding organization until support moves it. The
    contact is unverified until they open the link of the confirmation
    e-mail (:func:`ticket_contact_verify`), which also lets them follow the
    ticket. Paging works as for any P1.
    """
    email = email.strip()
    organization_name = " ".join(organization_name.split())
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(_("Give an e-mail address we can reach you at, e.g. "
                                 "ops@example.com.")) from exc
    if not organization_name:
        raise ApplicationError(_("Give the name of your organization."))
    if len(organization_name) > 200:
        raise ApplicationError(_("Keep the organization's name under 200 characters."))
    if priority != "P1":
        raise ApplicationError(_("Without an account only a stream that is down (P1) can be "
                                 "filed; sign in for anything else."), status_code=403)
    organization = organization_for_email(email=email) or holding_organization_ensure()
    ticket = Ticket(organization=organization, requester=None, contact_email=email,
                    contact_organization=organization_name)
    return _ticket_file(
        ticket, subject=subject, description=description, priority=priority, region=region,
        stream_id=stream_id, protocol=protocol, role=role, problems=problems,
        attachments=attachments, language=language)


@transaction.atomic
def ticket_create_for_email_contact(
    *,
    email: str,
    organization: Organization,
    subject: str,
    description: str,
    priority: str,
    region: str,
    attachments: list[tuple[str, bytes | str]] | None = None,
    language: str | None = None,
    received_at: dt.datetime | None = None,
) -> Ticket:
    """File the ticket an e-mail asks for when its sender has no account
    (kb.mail): the organization is the one that verified the sender's domain,
    or the holding organization for a message staff accepted.

    As for a P1 filed without an account, the contact is unverified until
    they open the link of the confirmation e-mail, which goes to the address
    the message came from (a forged sender never receives it).
    """
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(_("Give an e-mail address we can reach you at, e.g. "
                                 "ops@example.com.")) from exc
    ticket = Ticket(organization=organization, requester=None, contact_email=email,
                    contact_organization=organization.name, created_at=received_at)
    return _ticket_file(
        ticket, subject=subject, description=description, priority=priority, region=region,
        stream_id="", protocol="", role="", problems=None, attachments=attachments,
        language=language)


def _ticket_file(ticket: Ticket, *, subject: str, description: str, priority: str,
                 region: str, stream_id: str, protocol: str, role: str,
                 problems: list | None, attachments: list[tuple[str, bytes | str]] | None,
                 language: str | None, announcement: str = "") -> Ticket:
    """Route, clock and save ``ticket`` (its organization and person set),
    then its problems, logs, the customer's confirmation and a P1's page.
    ``announcement`` opens the customer's e-mail (what the site found)."""
    # A ticket filed from an e-mail comes with the time the message arrived
    # (kb.mail): its clock started then, not when the message was read.
    now = ticket.created_at or timezone.now()
    preview = sla_preview(priority=priority, region=region, at=now)
    targets = preview["targets"]
    ticket.subject = subject.strip()
    ticket.description = description
    ticket.priority = priority
    ticket.region = region
    ticket.stream_id = stream_id
    ticket.protocol = protocol
    ticket.role = role
    ticket.team = Team.objects.get(code=preview["team"])
    ticket.acknowledge_due = targets["acknowledge"]["due"]
    ticket.locate_due = targets["locate"]["due"]
    ticket.resolve_due = targets["resolve"]["due"]
    ticket.created_at = now
    ticket.language = language or content_language()
    ticket.full_clean()
    ticket.save()
    actor = ticket.requester
    timeline_record(ticket=ticket, actor=actor, kind=TicketEvent.Kind.CREATED,
                    code="routed", params={"team": ticket.team.code}, at=now)
    if problems:
        ticket.problems.set(problems)
    for name, content in attachments or []:
        ticket_attachment_add(ticket=ticket, actor=actor, name=name, content=content)
    customer_update(ticket=ticket, update="filed", text=announcement)
    if ticket.priority == "P1":
        p1_page(ticket=ticket)
    return ticket


@transaction.atomic
def ticket_file_by_site(
    *,
    organization: Organization,
    subject: str,
    description: str,
    priority: str,
    region: str,
    contact_email: str = "",
    stream_id: str = "",
    protocol: str = "",
    role: str = "",
    language: str | None = None,
    announcement: str = "",
) -> Ticket:
    """File a ticket the site itself raises (line monitoring found a line
    degraded or down): nobody requested it, so it has no requester.

    It is routed, clocked and paged like any ticket. The customer's e-mails
    go to ``contact_email``, an address the organization gave (so it needs
    no confirming); without one nobody is e-mailed, and the organization's
    members still find the ticket in their list. ``announcement`` (in the
    ticket's language) opens the e-mail: what the site found.
    """
    now = timezone.now()
    ticket = Ticket(organization=organization, requester=None, contact_email=contact_email,
                    contact_organization=organization.name,
                    contact_verified_at=now if contact_email else None)
    return _ticket_file(
        ticket, subject=subject, description=description, priority=priority, region=region,
        stream_id=stream_id, protocol=protocol, role=role, problems=None, attachments=None,
        language=language, announcement=announcement)


@transaction.atomic
def ticket_note_by_site(*, ticket: Ticket, code: str, params: dict,
                        tell_customer: bool = False) -> TicketEvent:
    """A public timeline entry the site writes (a message code of
    kb.tickets.timeline), e-mailed to the customer in the ticket's language
    when ``tell_customer``."""
    event = timeline_record(ticket=ticket, kind=TicketEvent.Kind.STATUS, code=code,
                            params=params)
    if tell_customer:
        with translation.override(ticket.language):
            text = render(code, params)
        customer_update(ticket=ticket, update="noted", text=text)
    return event


PRIORITY_ORDER = ("P1", "P2", "P3", "P4")


@transaction.atomic
def ticket_priority_raise(*, ticket: Ticket, priority: str, actor=None,
                          code: str = "priority_raised", params: dict | None = None,
                          tell_customer: bool = False, subject: str = "",
                          addendum: str = "") -> Ticket:
    """Make a ticket more urgent (a degraded line that went down).

    Each target not yet met becomes due no later than it would be for a
    ticket of the new priority filed now; the team stays. Raised to P1, it
    pages as any P1 does. Lowering, or raising to the same priority, is
    refused. The timeline entry ``code`` gets ``from`` and ``to`` besides
    ``params``; with ``tell_customer`` it is e-mailed to the customer too.
    ``subject`` replaces the subject and ``addendum`` is added to the
    description, so the page and the e-mails say what changed (for a
    ticket the site wrote: a customer's own words are never rewritten).
    """
    ticket = Ticket.objects.select_for_update().select_related("team").get(pk=ticket.pk)
    if PRIORITY_ORDER.index(priority) >= PRIORITY_ORDER.index(ticket.priority):
        raise ApplicationError(_("This ticket is %(priority)s already; a priority can only be "
                                 "raised.") % {"priority": ticket.priority})
    now = timezone.now()
    targets = sla_preview(priority=priority, region=ticket.region, at=now)["targets"]
    fields = ["priority", "updated_at"]
    for stage, stamp in Ticket.STAGE_STAMPS.items():
        if getattr(ticket, stamp) is None:
            due = min(getattr(ticket, f"{stage}_due"), targets[stage]["due"])
            setattr(ticket, f"{stage}_due", due)
            fields.append(f"{stage}_due")
    previous = ticket.priority
    ticket.priority = priority
    if subject:
        ticket.subject = subject[:200]
        fields.append("subject")
    if addendum:
        ticket.description = f"{ticket.description}\n\n{addendum}"
        fields.append("description")
    ticket.save(update_fields=fields)
    params = {**(params or {}), "from": previous, "to": priority}
    timeline_record(ticket=ticket, actor=actor, kind=TicketEvent.Kind.STATUS, code=code,
                    params=params, at=now)
    if tell_customer:
        with translation.override(ticket.language):
            text = render(code, params)
        customer_update(ticket=ticket, update="noted", text=text)
    if priority == "P1":
        p1_page(ticket=ticket)
    return ticket


@transaction.atomic
def holding_organization_ensure() -> Organization:
    """The organization that holds contacts' tickets no organization claims."""
    holding = Organization.objects.filter(holding=True).order_by("pk").first()
    if holding is None:
        holding, _created = Organization.objects.get_or_create(
            name=HOLDING_ORGANIZATION, defaults={"holding": True})
        if not holding.holding:
            holding.holding = True
            holding.save(update_fields=["holding"])
    return holding


@transaction.atomic
def ticket_contact_verify(*, ticket: Ticket) -> Ticket:
    """The contact opened the link e-mailed to them: their address is real.

    The first time, the timeline says so; when an account with that address
    belongs to the ticket's organization, the ticket becomes that person's
    (it appears in their list). Opening the link again changes nothing.
    """
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.contact_verified_at is not None or not ticket.contact_email:
        return ticket
    now = timezone.now()
    ticket.contact_verified_at = now
    fields = ["contact_verified_at", "updated_at"]
    if ticket.requester_id is None:
        member = (ticket.organization.members.filter(email__iexact=ticket.contact_email,
                                                     is_active=True).order_by("pk").first()
                  if not ticket.organization.holding else None)
        if member is not None:
            ticket.requester = member
            fields.append("requester")
    ticket.save(update_fields=fields)
    timeline_record(ticket=ticket, kind=TicketEvent.Kind.STATUS, code="contact_verified",
                    params={"email": ticket.contact_email}, at=now)
    return ticket


@transaction.atomic
def ticket_attachment_add(*, ticket: Ticket, actor, name: str,
                          content: bytes | str) -> TicketAttachment:
    """Keep a text log with the ticket (decoded once; binary files refused)."""
    raw = content.encode() if isinstance(content, str) else bytes(content)
    if len(raw) > TicketAttachment.MAX_BYTES:
        raise ApplicationError(
            _("“%(name)s” is %(size)d KB; attachments are limited to %(limit)d MB. Attach "
              "the relevant part.") % {"name": name, "size": len(raw) // 1024,
                                       "limit": TicketAttachment.MAX_BYTES // (1024 * 1024)},
            status_code=413,
        )
    if b"\x00" in raw[:4096] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ApplicationError(_("“%(name)s” is not a text file; attach logs as text.")
                               % {"name": name})
    if ticket.attachments.count() >= TicketAttachment.MAX_PER_TICKET:
        raise ApplicationError(_("A ticket holds at most %(count)d attachments.")
                               % {"count": TicketAttachment.MAX_PER_TICKET})
    text = decode_paste(raw)
    if not text.strip():
        raise ApplicationError(_("“%(name)s” is empty.") % {"name": name})
    detected, _platform = detect(text)
    return TicketAttachment.objects.create(
        ticket=ticket, name=(name.strip() or "attachment.txt")[:200], content=text,
        size=len(raw), detected=detected,
        uploaded_by=actor, created_at=timezone.now(),
    )


# Working a ticket ---------------------------------------------------------------
WORK_PERMISSION = "tickets.work_ticket"


def can_work_tickets(user) -> bool:
    """Support engineers and leads work tickets; other staff (curators) only read them."""
    return user is not None and user.is_staff and user.has_perm(WORK_PERMISSION)


def _staff_only(actor) -> None:
    if not can_work_tickets(actor):
        raise ApplicationError(_("Only support engineers can do this."), status_code=403)


def _move(ticket: Ticket, *, actor, allowed: set[str], to: str, stamp: str | None,
          code: str, params: dict | None = None, note: str = "") -> Ticket:
    if ticket.status not in allowed:
        raise ApplicationError(
            _("A ticket that is %(current)s cannot become %(next)s.") % {
                "current": ticket.get_status_display().lower(),
                "next": Ticket.Status(to).label.lower()}
        )
    now = timezone.now()
    ticket.status = to
    fields = ["status", "updated_at"]
    # Stamps keep the first time a stage was reached: acknowledging a reopened
    # ticket again must not rewrite its measured response time.
    if stamp is not None and getattr(ticket, stamp) is None:
        setattr(ticket, stamp, now)
        fields.append(stamp)
    if ticket.assignee_id is None and can_work_tickets(actor):
        ticket.assignee = actor
        fields.append("assignee")
    ticket.save(update_fields=fields)
    timeline_record(ticket=ticket, actor=actor, kind=TicketEvent.Kind.STATUS, code=code,
                    params=params, note=note, at=now)
    return ticket


@transaction.atomic
def ticket_acknowledge(*, ticket: Ticket, actor) -> Ticket:
    _staff_only(actor)
    ticket = _move(ticket, actor=actor, allowed={Ticket.Status.NEW, Ticket.Status.REOPENED},
                   to=Ticket.Status.ACKNOWLEDGED, stamp="acknowledged_at",
                   code="acknowledged", params={"user": actor.get_username()})
    customer_update(ticket=ticket, update="acknowledged",
                    text=actor.get_full_name() or actor.get_username())
    return ticket


@transaction.atomic
def ticket_locate(*, ticket: Ticket, actor, problems: list) -> Ticket:
    """Record the diagnosis: the problem codes the cause belongs to."""
    _staff_only(actor)
    if not problems:
        raise ApplicationError(_("Name at least one problem code as the diagnosis."))
    ticket = _move(ticket, actor=actor, allowed={Ticket.Status.ACKNOWLEDGED},
                   to=Ticket.Status.LOCATED, stamp="located_at",
                   code="located",
                   params={"codes": ", ".join(sorted(p.code for p in problems))})
    ticket.problems.set(problems)
    return ticket


@transaction.atomic
def ticket_resolve(*, ticket: Ticket, actor, article=None, summary: str = "") -> Ticket:
    """Resolve with the fix that solved it, or with a summary when no article fits."""
    _staff_only(actor)
    summary = summary.strip()
    if article is None and not summary:
        raise ApplicationError(_("Link the article that fixed it, or say that no article "
                                 "fits and summarize the resolution."))
    code, params = (("resolved_with", {"title": article.title}) if article is not None
                    else ("resolved_without", {}))
    ticket = _move(ticket, actor=actor,
                   allowed={Ticket.Status.ACKNOWLEDGED, Ticket.Status.LOCATED},
                   to=Ticket.Status.RESOLVED, stamp="resolved_at", code=code, params=params,
                   note=summary)
    if article is not None:
        ticket.articles.add(article)
    if summary:
        ticket.resolution_summary = summary
        ticket.save(update_fields=["resolution_summary", "updated_at"])
    with translation.override(ticket.language):
        told = render(code, params, summary)
    customer_update(ticket=ticket, update="resolved", text=told)
    return ticket


def _queue_learning(ticket: Ticket) -> None:
    """After the commit, tell whoever learns from closed tickets (the
    learning loop queues its task)."""
    ticket_id = ticket.pk
    transaction.on_commit(
        lambda: ticket_outcome_changed.send(sender=Ticket, ticket_id=ticket_id))


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor) -> Ticket:
    ticket = _move(ticket, actor=actor, allowed={Ticket.Status.RESOLVED},
                   to=Ticket.Status.CLOSED, stamp="closed_at",
                   code="closed", params={"user": actor.get_username()})
    customer_update(ticket=ticket, update="closed")
    _queue_learning(ticket)
    return ticket


@transaction.atomic
def ticket_link_article(*, ticket: Ticket, article, actor=None) -> Ticket:
    """Link the fix found later (a knowledge gap's article was published)."""
    if ticket.articles.filter(pk=article.pk).exists():
        return ticket
    ticket.articles.add(article)
    timeline_record(ticket=ticket, actor=actor, kind=TicketEvent.Kind.NOTE, public=False,
                    code="linked_article", params={"title": article.title})
    return ticket


@transaction.atomic
def ticket_comment(*, ticket: Ticket, actor, text: str, public: bool = True) -> TicketEvent:
    """A reply on the timeline; internal notes (not public) are for staff only.

    A customer's reply to a ticket that waits on them restarts its SLA clock.
    Without an ``actor`` the reply is the ticket's contact's (an e-mail from
    the address of a ticket filed without an account).
    """
    text = text.strip()
    if not text:
        raise ApplicationError(_("Write something first."))
    if not public:
        _staff_only(actor)
    event = TicketEvent.objects.create(
        ticket=ticket, actor=actor, text=text, public=public, created_at=timezone.now(),
        kind=TicketEvent.Kind.COMMENT if public else TicketEvent.Kind.NOTE,
    )
    if ticket.status == Ticket.Status.WAITING and (actor is None or not actor.is_staff):
        ticket_resume(ticket=ticket, actor=actor)
    if public and actor is not None and actor.pk != ticket.requester_id \
            and can_work_tickets(actor):
        customer_update(ticket=ticket, update="replied", text=text)
    return event


@transaction.atomic
def ticket_wait_on_customer(*, ticket: Ticket, actor, question: str) -> Ticket:
    """Ask the customer something; the SLA clock stops until they answer."""
    _staff_only(actor)
    if ticket.status not in {Ticket.Status.NEW, Ticket.Status.ACKNOWLEDGED,
                             Ticket.Status.LOCATED, Ticket.Status.REOPENED}:
        raise ApplicationError(_("Only an open ticket can wait on the customer."))
    if not question.strip():
        raise ApplicationError(_("Say what you need from the customer."))
    previous = ticket.status
    ticket_comment(ticket=ticket, actor=actor, text=question)
    ticket = _move(ticket, actor=actor, allowed={previous}, to=Ticket.Status.WAITING,
                   stamp="paused_at", code="waiting")
    ticket.status_before_pause = previous
    ticket.save(update_fields=["status_before_pause", "updated_at"])
    return ticket


@transaction.atomic
def ticket_resume(*, ticket: Ticket, actor) -> Ticket:
    """Restart the clock: each target not yet met keeps the time it had left."""
    if ticket.status != Ticket.Status.WAITING or ticket.paused_at is None:
        raise ApplicationError(_("This ticket is not waiting on the customer."))
    now = timezone.now()
    policy = SlaPolicy.objects.get(priority=ticket.priority)
    calendar = ticket.team.calendar
    fields = []
    for stage, stamp in Ticket.STAGE_STAMPS.items():
        if getattr(ticket, stamp) is not None:
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
    timeline_record(ticket=ticket, actor=actor, kind=TicketEvent.Kind.SLA, at=now,
                    code="resumed",
                    params={"minutes": int(paused_for.total_seconds() // 60)})
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor, reason: str) -> Ticket:
    """The fix did not hold: back to support, to be acknowledged again."""
    if not reason.strip():
        raise ApplicationError(_("Say what is still wrong."))
    ticket_comment(ticket=ticket, actor=actor, text=reason)
    ticket = _move(ticket, actor=actor,
                   allowed={Ticket.Status.RESOLVED, Ticket.Status.CLOSED},
                   to=Ticket.Status.REOPENED, stamp=None, code="reopened")
    ticket.resolved_at = None
    ticket.closed_at = None
    ticket.save(update_fields=["resolved_at", "closed_at", "updated_at"])
    # A reopening counts against the article that resolved it.
    _queue_learning(ticket)
    return ticket


@transaction.atomic
def ticket_reassign(*, ticket: Ticket, actor, team: Team | None = None,
                    assignee=None) -> Ticket:
    """Hand a ticket to another team or engineer.

    The due times stay: they are what the customer was promised when filing.
    """
    _staff_only(actor)
    if assignee is not None and not can_work_tickets(assignee):
        raise ApplicationError(_("Tickets can only be assigned to support engineers."))
    changes, fields = [], ["updated_at"]
    if team is not None and team.pk != ticket.team_id:
        changes.append(("reassigned_team", {"from": ticket.team.code, "to": team.code}))
        ticket.team = team
        fields.append("team")
    if assignee is not None and assignee.pk != ticket.assignee_id:
        changes.append(("reassigned_engineer", {
            "from": ticket.assignee.get_username() if ticket.assignee else "—",
            "to": assignee.get_username()}))
        ticket.assignee = assignee
        fields.append("assignee")
    if not changes:
        raise ApplicationError(_("Choose another team or engineer."))
    ticket.save(update_fields=fields)
    for code, params in changes:
        timeline_record(ticket=ticket, actor=actor, kind=TicketEvent.Kind.STATUS, code=code,
                        params=params, public=False)
    return ticket
