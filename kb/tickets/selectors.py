"""Reads of the support organisation: team calendars, SLA promises."""

import datetime as dt

from django.db.models import Case, F, QuerySet, When

from kb.core.exceptions import ApplicationError
from kb.tickets.calendars import (
    REGION_TEAMS,
    TeamCalendar,
    add_business_minutes,
    add_wall_minutes,
    is_working_instant,
    route,
)
from kb.tickets.models import Organization, SlaPolicy, Team, Ticket


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


def organization_for(*, user) -> Organization | None:
    return Organization.objects.filter(members=user).order_by("pk").first()


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
