"""Reads of the support organisation: team calendars, SLA promises."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, F, Prefetch, Q, QuerySet, When

from kb.core.choices import Region
from kb.core.exceptions import ApplicationError
from kb.diagnose.diagnosis import DiagnoseInput, attachment_parse, diagnosis_build
from kb.tickets.calendars import (
    REGION_TEAMS,
    TeamCalendar,
    add_business_minutes,
    add_wall_minutes,
    is_working_instant,
    route,
)
from kb.tickets.models import (
    Notification,
    Organization,
    PageAlarm,
    SlaPolicy,
    Team,
    Ticket,
    TicketAttachment,
)


def team_calendars() -> dict[str, TeamCalendar]:
    return {team.code: team.calendar for team in Team.objects.all()}


def sla_preview(*, priority: str, region: str, at: dt.datetime) -> dict:
    """The team a ticket filed at ``at`` goes to, and its due times (UTC).

    This is exactly what a new ticket gets: the portal shows it before the
    customer files.
    """
    policy = SlaPolicy.objects.filter(priority=priority).first()
    calendars = team_calendars()
    if policy is None or REGION_TEAMS.get(region) not in calendars:
        raise ApplicationError("No SLA policy or team is configured for that priority and "
                               "region.", status_code=404)
    team = route(calendars, region, at)
    calendar = calendars[team]
    targets = {}
    for stage, minutes in policy.targets().items():
        due = (add_business_minutes(calendar, at, minutes) if policy.business_hours
               else add_wall_minutes(at, minutes))
        targets[stage] = {"minutes": minutes, "business": policy.business_hours, "due": due}
    return {
        "priority": priority,
        "region": region,
        "at": at,
        "team": team,
        "on_duty": is_working_instant(calendar, at),
        "targets": targets,
    }


def ticket_list_visible_to(*, user) -> QuerySet[Ticket]:
    """Staff see every ticket; a customer only their organizations' tickets.

    Every read of a ticket goes through here, so another organization's
    ticket is simply not found (404), never "forbidden" (which would leak
    that it exists).
    """
    qs = Ticket.objects.select_related("organization", "team", "requester", "assignee")
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs if user.is_staff else qs.filter(organization__members=user)


def ticket_list_followed(*, ticket_ids: list[int]) -> QuerySet[Ticket]:
    """The tickets a visitor without an account follows: those whose
    contact link they opened in this browser (kb.tickets.contacts)."""
    return (Ticket.objects.select_related("organization", "team", "requester", "assignee")
            .filter(pk__in=ticket_ids, contact_email__gt=""))


def support_engineers() -> QuerySet:
    """Who tickets can be assigned to (the work permission, by group or directly)."""
    work = Q(groups__permissions__codename="work_ticket") | Q(
        user_permissions__codename="work_ticket") | Q(is_superuser=True)
    return (get_user_model().objects.filter(work, is_staff=True, is_active=True)
            .distinct().order_by("username"))


# The staff group told when a page reaches nobody or a holiday calendar runs
# out (kb.setup.services creates it with its permissions).
SUPPORT_LEADS_GROUP = "Support leads"
# The default of KB_EMERGENCY_PHONE (555-01xx numbers are fictional): shown
# marked as an example until a real number is configured.
EXAMPLE_EMERGENCY_PHONE = "+1 555 0100"


def support_leads() -> QuerySet:
    """The active members of the "Support leads" group."""
    return (get_user_model().objects.filter(groups__name=SUPPORT_LEADS_GROUP, is_active=True)
            .distinct().order_by("username"))


def with_attachment_names(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Tickets with what a listing shows of their attachments, in one query
    (not their content: a log can be 2 MB)."""
    return tickets.prefetch_related(Prefetch(
        "attachments", queryset=TicketAttachment.objects.only(
            "pk", "ticket_id", "name", "detected", "size", "created_at")))


def organization_usual_region(*, organization: Organization) -> str:
    """The region to offer first: customers usually file for the same one again."""
    last = organization.tickets.order_by("-created_at").values_list("region", flat=True).first()
    return last or Region.NA


def organization_for(*, user) -> Organization | None:
    return Organization.objects.filter(members=user).order_by("pk").first()


# The organization that holds P1s filed without an account from an address
# no organization has verified (kb.tickets.services.holding_organization_ensure).
HOLDING_ORGANIZATION = "Unverified contacts"


def organization_for_email(*, email: str) -> Organization | None:
    """The organization that verified the domain of ``email``, if one did.

    A subdomain counts (ops.acme.example for acme.example); of several, the
    longest verified domain wins.
    """
    domain = email.rsplit("@", 1)[-1].strip().lower().rstrip(".")
    if not domain:
        return None
    best, best_length = None, 0
    for organization in Organization.objects.filter(holding=False).exclude(
            verified_domains=[]).order_by("pk"):
        for verified in organization.verified_domains or []:
            verified = str(verified).strip().lower().lstrip("@").rstrip(".")
            if verified and (domain == verified or domain.endswith("." + verified)) \
                    and len(verified) > best_length:
                best, best_length = organization, len(verified)
    return best


def ticket_queue(*, user, priority: str | None = None, region: str | None = None,
                 team: str | None = None, status: str | None = None,
                 mine: bool = False) -> QuerySet[Ticket]:
    """The staff queue: open tickets, the next SLA target due first.

    The next target is acknowledge until acknowledged, then locate, then
    resolve.
    """
    qs = ticket_list_visible_to(user=user).filter(status__in=Ticket.OPEN_STATUSES)
    if priority:
        qs = qs.filter(priority=priority)
    if region:
        qs = qs.filter(region=region)
    if team:
        qs = qs.filter(team__code=team)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=user)
    return qs.annotate(
        next_due=Case(
            When(acknowledged_at__isnull=True, then=F("acknowledge_due")),
            When(located_at__isnull=True, then=F("locate_due")),
            default=F("resolve_due"),
        )
    ).order_by("next_due", "pk")


def ticket_promises(*, ticket: Ticket, now: dt.datetime) -> list[dict]:
    """Each SLA target of the ticket: when it is due, whether it was met.

    ``state`` is met | missed (met late) | overdue | paused | running.
    """
    promises = []
    for stage in Ticket.STAGES:
        due = getattr(ticket, f"{stage}_due")
        done = getattr(ticket, Ticket.STAGE_STAMPS[stage])
        if done is not None:
            state = "met" if done <= due else "missed"
        elif ticket.status == Ticket.Status.WAITING:
            state = "paused"
        elif ticket.status in Ticket.RUNNING_STATUSES:
            state = "overdue" if due <= now else "running"
        else:
            state = "closed"
        promises.append({"stage": stage, "due": due, "done": done, "state": state})
    return promises


def ticket_events_visible_to(*, ticket: Ticket, user) -> QuerySet:
    """The timeline: customers see public entries, staff also internal notes."""
    events = ticket.events.select_related("actor")
    return events if user.is_staff else events.filter(public=True)


def ticket_attachments_parsed(*, ticket: Ticket) -> list[dict]:
    """Each attachment with what kb.diagnostics reads in it (parsed once: the
    ticket's diagnosis reuses the parse)."""
    return [{"attachment": a, "parsed": attachment_parse(a.name, a.content)}
            for a in ticket.attachments.all()]


def ticket_diagnosis(*, ticket: Ticket, language: str, sessions: list | None = None) -> dict:
    """Findings and suggested fixes from the customer's own words and the
    attached logs. Not from the guided diagnosis a wizard appended: its
    questions and the titles of the fixes the customer turned down would
    read as symptoms ("Fix offered: Network jitter..." as jitter).
    ``sessions``: the ticket's wizard sessions, when the caller has them."""
    if sessions is None:
        sessions = list(ticket.wizard_sessions.only("id", "entries"))
    own = ticket_description_own(ticket=ticket, session_ids=[s.id for s in sessions])
    diagnosis = diagnosis_build(
        data=DiagnoseInput(
            description=f"{ticket.subject}\n{own}",
            role=ticket.role or None, protocol=ticket.protocol or None,
            region=ticket.region,
            attachments=[(a.name, a.content) for a in ticket.attachments.all()],
        ),
        language=language,
    )
    # The fixes the customer already followed in the wizard without success:
    # support sees them marked instead of sending them again.
    turned_down = {entry["article"] for session in sessions for entry in session.entries
                   if entry.get("kind") == "fix" and entry.get("fixed") is False}
    for suggestion in diagnosis["suggestions"]:
        suggestion["tried"] = any(a["slug"] in turned_down for a in suggestion["articles"])
    return diagnosis


def emergency_phone() -> dict:
    """The number customers call when a stream is down, for a ``tel:`` link."""
    number = settings.KB_EMERGENCY_PHONE
    return {"number": number, "tel": "".join(c for c in number if c.isdigit() or c == "+"),
            "example": number == EXAMPLE_EMERGENCY_PHONE}


def ticket_page_status(*, ticket: Ticket) -> dict | None:
    """What a P1's page really did, for the customer: who was reached and how.

    Only deliveries that were sent count as reached. ``state`` is ``paged``
    (a person or the team's paging tool got it), ``sending`` (nothing sent
    yet, deliveries still pending) or ``unreached`` (none succeeded, or
    there was nothing to send).
    """
    if ticket.priority != "P1":
        return None
    pages = (ticket.notifications.filter(purpose=Notification.Purpose.PAGE)
             .select_related("recipient"))
    sent, pending = [], []
    for page in pages:
        entry = {"channel": page.channel, "at": page.sent_at,
                 "name": (page.recipient.get_full_name() or page.recipient.get_username()
                          if page.recipient else ""),
                 "role": page.get_reached_as_display()}
        if page.status == Notification.Status.SENT:
            sent.append(entry)
        elif page.status == Notification.Status.PENDING:
            pending.append(entry)
    state = "paged" if sent else "sending" if pending else "unreached"
    return {"state": state, "sent": sent, "pending": pending, "phone": emergency_phone()}


def ticket_page_alarm(*, ticket: Ticket) -> PageAlarm | None:
    return PageAlarm.objects.filter(ticket=ticket).first()


def page_alarms_open() -> QuerySet[PageAlarm]:
    """Pages that reached nobody on tickets nobody has acknowledged yet."""
    return (PageAlarm.objects.filter(ticket__status__in=Ticket.OPEN_STATUSES,
                                     ticket__acknowledged_at__isnull=True)
            .select_related("ticket", "ticket__team").order_by("created_at"))


def ticket_description_own(*, ticket: Ticket, session_ids: list) -> str:
    """The description without the guided diagnosis a wizard appended (its
    heading line names the session): the ticket page shows that diagnosis
    from the session itself, so it is not shown twice."""
    return description_without_wizard(ticket.description, session_ids=session_ids)


def description_without_wizard(text: str, *, session_ids: list) -> str:
    """A ticket's description up to the guided diagnosis of any of these
    wizard sessions: the customer's own words."""
    for session_id in session_ids:
        at = text.find(str(session_id))
        if at != -1:
            text = text[:text.rfind("\n", 0, at) + 1]
    return text.strip()
