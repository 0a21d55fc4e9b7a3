"""Reads of line monitoring that users reach, knowing who asks.

A customer sees their organizations' lines and those lines' incidents
only; another organization's line is simply not found (404), never
"forbidden". Staff see every line.
"""

from __future__ import annotations

from django.db.models import Case, OuterRef, Prefetch, Q, QuerySet, Subquery, When

from kb.monitoring.models import Incident, IncidentUpdate, Line
from kb.tickets.models import Organization


def _open_incident_id() -> Subquery:
    return Subquery(Incident.objects.filter(line=OuterRef("pk"), state=Incident.State.OPEN)
                    .values("pk")[:1])


def line_list_visible_to(*, user) -> QuerySet[Line]:
    """Lines with ``open_incident_id`` annotated (one query for a list)."""
    qs = Line.objects.select_related("organization").annotate(
        open_incident_id=_open_incident_id())
    if user is None or not user.is_authenticated:
        return qs.none()
    return qs if user.is_staff else qs.filter(organization__members=user)


def line_ids_visible_to(*, user, ids: set[int]) -> set[int]:
    """Which of ``ids`` name lines the user may send samples for."""
    if user is None or not user.is_authenticated or not ids:
        return set()
    # The lines the user may post for, intersected here: a batch names up
    # to 1,000 lines, and 1,000 placeholders cost more to send than an
    # organization's line ids cost to read.
    qs = Line.objects.all() if user.is_staff else Line.objects.filter(
        organization__members=user)
    return ids & set(qs.values_list("pk", flat=True))


def line_incidents(*, line: Line) -> QuerySet[Incident]:
    return line.incidents.select_related("ticket").order_by("-opened_at", "-pk")


def organizations_of(*, user) -> QuerySet[Organization]:
    return Organization.objects.filter(members=user).order_by("pk")


def open_incident_for(*, organization: Organization, region: str) -> Incident | None:
    """The open incident of one of the organization's lines from or to
    ``region``: a line down before one degraded, then the newest; None when
    all is well there. (The wizard's "stream down" step asks this.)"""
    return (Incident.objects.filter(state=Incident.State.OPEN,
                                    line__organization=organization)
            .filter(Q(line__from_region=region) | Q(line__to_region=region))
            .select_related("line", "ticket")
            .order_by(Case(When(severity=Incident.Severity.DOWN, then=0), default=1),
                      "-opened_at", "-pk")
            .first())


def incident_updates_prefetch() -> Prefetch:
    return Prefetch("updates", queryset=IncidentUpdate.objects.order_by("created_at", "pk"))


def incident_for_stream_down(*, user, region: str = "") -> Incident | None:
    """What monitoring already knows when someone says a stream is down.

    An open incident on a line of the user's organizations (to or from
    ``region``; any of their lines while no region is known), a line down
    before one degraded, then the newest; else the open public incident of
    the whole ``region``. Someone signed out is shown only that public
    region incident: nothing of any organization's lines.
    """
    if user is not None and user.is_authenticated:
        lines = Incident.objects.filter(state=Incident.State.OPEN,
                                        line__organization__members=user)
        if region:
            lines = lines.filter(Q(line__from_region=region) | Q(line__to_region=region))
        found = (lines.select_related("line", "ticket")
                 .order_by(Case(When(severity=Incident.Severity.DOWN, then=0), default=1),
                           "-opened_at", "-pk")
                 .first())
        if found is not None:
            return found
    if not region:
        return None
    return (Incident.objects.filter(state=Incident.State.OPEN, line__isnull=True,
                                    region=region, public=True)
            .select_related("ticket")
            .order_by(Case(When(severity=Incident.Severity.DOWN, then=0), default=1),
                      "-opened_at", "-pk")
            .first())


def line_contact_email(line: Line) -> str:
    """Where monitoring e-mails the customer of ``line``: its contact address,
    else the organization's first active member with an address ("" when
    nobody has one)."""
    return line_contact_emails(lines=[line]).get(line.pk, "")


def line_contact_emails(*, lines: list[Line]) -> dict[int, str]:
    """``line_contact_email`` of many lines in one query: line id -> address
    (lines nobody can be told of are left out)."""
    addresses = {line.pk: line.contact_email for line in lines if line.contact_email}
    missing = {line.organization_id for line in lines if not line.contact_email}
    if not missing:
        return addresses
    first_member: dict[int, str] = {}
    members = (Organization.members.through.objects
               .filter(organization_id__in=missing, user__is_active=True)
               .exclude(user__email="").order_by("user_id")
               .values_list("organization_id", "user__email"))
    for organization_id, email in members:
        first_member.setdefault(organization_id, email)
    for line in lines:
        if not line.contact_email and line.organization_id in first_member:
            addresses[line.pk] = first_member[line.organization_id]
    return addresses
