"""Writes to the support organisation: teams and SLA policies from fixtures."""

import tomllib
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kb.core.exceptions import ApplicationError
from kb.tickets.calendars import calendar_from_dict
from kb.tickets.models import Organization, SlaPolicy, Team, Ticket, TicketEvent
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
) -> Ticket:
    """File a ticket: routed and given exactly the due times of the preview."""
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
    return ticket
