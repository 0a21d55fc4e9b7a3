"""Incidents that detection opens, raises and resolves, and their tickets.

Each step is one transaction, and the evaluation repeats any step that did
not finish (``incidents_heal``), so a crash between two of them heals on the
next run instead of leaving half an incident:

1. ``incident_open`` commits the incident and its first update. The
   database keeps one open incident per line (a partial unique index), so
   two evaluations at once open one.
2. ``incident_ticket_ensure`` files its ticket (P2 degraded, P1 down with the
   page; the customer's e-mail says what was found), under a row lock on
   the incident: no incident stays without its ticket, none gets two. A
   line whose previous incident's ticket is still open (support has not
   closed it with the cause yet) gets that ticket back, with a timeline
   entry, instead of a second one.
3. ``incident_escalate`` makes a degraded incident down and raises its
   ticket to P1 (paged, the customer e-mailed), in one transaction.
4. ``incident_resolve`` resolves it and writes the ticket's "recovered"
   entry, e-mailed to the customer, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from kb.monitoring.detection import Evidence
from kb.monitoring.models import Incident, IncidentUpdate, Line
from kb.monitoring.selectors import line_contact_email
from kb.monitoring.status import status_cache_clear
from kb.tickets.models import Ticket
from kb.tickets.services import ticket_file_by_site, ticket_note_by_site, ticket_priority_raise

log = logging.getLogger(__name__)


def evidence_rows(evidence: list[Evidence], baseline_ms: float | None) -> list[dict]:
    return [{"at": e.at.isoformat(), "loss_pct": e.loss_pct, "rtt_avg_ms": e.rtt_avg_ms,
             "jitter_ms": e.jitter_ms, "baseline_ms": baseline_ms, "reasons": list(e.reasons)}
            for e in evidence]


def _reason_labels() -> dict[str, str]:
    return {"loss": _("loss"), "jitter": _("jitter"), "rtt": _("RTT above baseline"),
            "no_reply": _("no reply")}


def _number(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def evidence_table(rows: list[dict]) -> str:
    """The minutes that crossed a threshold, as a plain-text table (the
    ticket's description is shown as text), in the active language."""
    labels = _reason_labels()
    header = [_("Minute (UTC)"), _("Loss %"), _("RTT avg ms"), _("Baseline ms"),
              _("Jitter ms"), _("Crossed")]
    body = [[dt.datetime.fromisoformat(row["at"]).strftime("%Y-%m-%d %H:%M"),
             _number(row["loss_pct"]), _number(row["rtt_avg_ms"]),
             _number(row["baseline_ms"]), _number(row["jitter_ms"]),
             ", ".join(labels.get(r, r) for r in row["reasons"])] for row in rows]
    widths = [max(len(cell) for cell in column) for column in zip(header, *body, strict=False)]

    def line(cells: list[str]) -> str:
        return " | ".join(cell.ljust(width) for cell, width in zip(cells, widths,
                                                                     strict=False)).rstrip()

    return "\n".join([line(header), "-+-".join("-" * w for w in widths),
                      *(line(cells) for cells in body)])


def _subject(line: Line, severity: str) -> str:
    if severity == Incident.Severity.DOWN:
        return _("Line monitoring: %(line)s is down") % {"line": line.name}
    return _("Line monitoring: %(line)s is degraded") % {"line": line.name}


def _description(line: Line, incident: Incident) -> str:
    if incident.severity == Incident.Severity.DOWN:
        found = _("Nothing came back from %(host)s:%(port)s for %(minutes)d consecutive "
                  "minutes.") % {"host": line.host, "port": line.port,
                                 "minutes": line.down_minutes}
    else:
        found = _("%(bad)d of the last %(window)d minutes crossed a threshold: loss from "
                  "%(loss)s %%, jitter from %(jitter)s ms, or an average RTT from "
                  "%(factor)sx the baseline.") % {
            "bad": len(incident.evidence), "window": line.degraded_window,
            "loss": f"{line.loss_pct_threshold:g}", "jitter": f"{line.jitter_ms_threshold:g}",
            "factor": f"{line.rtt_factor_threshold:g}"}
    return "\n\n".join([
        _("Line monitoring filed this ticket: the line %(line)s (%(from)s to %(to)s, "
          "%(kind)s, %(protocol)s to %(host)s:%(port)s) is %(state)s since %(at)s UTC.") % {
            "line": line.name, "from": line.get_from_region_display(),
            "to": line.get_to_region_display(), "kind": line.get_kind_display(),
            "protocol": line.get_protocol_display(), "host": line.host, "port": line.port,
            "state": incident.get_severity_display().lower(),
            "at": f"{incident.opened_at:%Y-%m-%d %H:%M}"},
        found,
        _("The minutes that crossed a threshold (every probe of the line merged):"),
        evidence_table(incident.evidence),
        _("The ticket says on its timeline when the line recovers."),
    ])


def _announcement(line: Line, incident: Incident) -> str:
    """The first words of the customer's e-mail: what was found, and that
    support is on it (the ticket is routed and clocked already)."""
    if incident.severity == Incident.Severity.DOWN:
        return _("We detected that your line %(line)s is down: nothing came back from "
                 "%(host)s:%(port)s for %(minutes)d consecutive minutes. We are on it.") % {
            "line": line.name, "host": line.host, "port": line.port,
            "minutes": line.down_minutes}
    return _("We detected degraded performance on your line %(line)s: %(bad)d of the last "
             "%(window)d minutes crossed a threshold (the minutes are in the ticket). We are "
             "on it.") % {"line": line.name, "bad": len(incident.evidence),
                          "window": line.degraded_window}


def _detected_params(line: Line, incident: Incident) -> dict:
    return {"line": line.name, "bad": len(incident.evidence), "window": line.degraded_window,
            "minutes": line.down_minutes}


def incident_open(*, line: Line, severity: str, at: dt.datetime, evidence: list[Evidence],
                  baseline_ms: float | None) -> Incident:
    """Open the line's incident; the one already open when another
    evaluation was first."""
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                line=line, severity=severity, title=line.name, public=line.public,
                opened_at=at, down_at=at if severity == Incident.Severity.DOWN else None,
                evidence=evidence_rows(evidence, baseline_ms))
            IncidentUpdate.objects.create(
                incident=incident, status=IncidentUpdate.Status.INVESTIGATING,
                code=f"detected_{severity}", params=_detected_params(line, incident),
                created_at=at)
    except IntegrityError:
        return Incident.objects.get(line=line, state=Incident.State.OPEN)
    log.warning("incident_opened incident=%s line=%s severity=%s", incident.pk, line.pk,
                severity)
    transaction.on_commit(status_cache_clear)
    return incident


def _reusable_ticket(incident: Incident) -> Ticket | None:
    previous = (Incident.objects.filter(line_id=incident.line_id, ticket__isnull=False,
                                        ticket__status__in=Ticket.OPEN_STATUSES)
                .exclude(pk=incident.pk).select_related("ticket").order_by("-opened_at")
                .first())
    return previous.ticket if previous is not None else None


@transaction.atomic
def incident_ticket_ensure(*, incident: Incident) -> Ticket:
    """The incident's ticket, filed now if it has none (idempotent)."""
    incident = (Incident.objects.select_for_update(of=("self",))
                .select_related("line__organization").get(pk=incident.pk))
    if incident.ticket_id is not None:
        return Ticket.objects.get(pk=incident.ticket_id)
    line = incident.line
    code = f"monitoring_{incident.severity}"
    params = _detected_params(line, incident)
    ticket = _reusable_ticket(incident)
    if ticket is None:
        with translation.override(line.language):
            subject = _subject(line, incident.severity)
            description = _description(line, incident)
            announcement = _announcement(line, incident)
        ticket = ticket_file_by_site(
            organization=line.organization, subject=subject, description=description,
            priority=incident.priority, region=line.from_region,
            contact_email=line_contact_email(line), stream_id=f"line {line.pk}: {line.name}"[:200],
            protocol=line.protocol, role="publisher", language=line.language,
            announcement=announcement)
        ticket_note_by_site(ticket=ticket, code=code, params=params)
    else:
        # Back again before support closed the last one: the same ticket.
        ticket_note_by_site(ticket=ticket, code=code, params=params, tell_customer=True)
        if incident.priority == "P1" and ticket.priority != "P1":
            ticket = ticket_priority_raise(ticket=ticket, priority="P1")
    incident.ticket = ticket
    incident.save(update_fields=["ticket"])
    log.warning("incident_ticket incident=%s ticket=%s priority=%s", incident.pk, ticket.pk,
                ticket.priority)
    return ticket


@transaction.atomic
def incident_escalate(*, incident: Incident, at: dt.datetime, evidence: list[Evidence],
                      baseline_ms: float | None) -> Incident:
    """Degraded -> down: the same incident and its ticket, raised to P1."""
    incident = (Incident.objects.select_for_update(of=("self",))
                .select_related("line", "ticket").get(pk=incident.pk))
    if incident.severity == Incident.Severity.DOWN or incident.state != Incident.State.OPEN:
        return incident
    line = incident.line
    incident.severity = Incident.Severity.DOWN
    incident.down_at = at
    incident.evidence = [*incident.evidence, *evidence_rows(evidence, baseline_ms)]
    incident.save(update_fields=["severity", "down_at", "evidence"])
    IncidentUpdate.objects.create(
        incident=incident, status=IncidentUpdate.Status.INVESTIGATING, code="escalated_down",
        params={"line": line.name, "minutes": line.down_minutes}, created_at=at)
    ticket = incident.ticket
    if ticket is not None and ticket.status not in Ticket.OPEN_STATUSES:
        # Support resolved it while the line was still degraded: a P1 of
        # its own is filed (incident_ticket_ensure, at once below).
        incident.ticket = None
        incident.save(update_fields=["ticket"])
    elif ticket is not None and ticket.priority != "P1":
        # The page and the customer's e-mails say "down" from here on.
        with translation.override(ticket.language):
            subject = _subject(line, Incident.Severity.DOWN)
            addendum = "\n\n".join([
                _("Escalated at %(at)s UTC: the line is down, nothing came back from "
                  "%(host)s:%(port)s for %(minutes)d consecutive minutes.") % {
                    "at": f"{at:%Y-%m-%d %H:%M}", "host": line.host, "port": line.port,
                    "minutes": line.down_minutes},
                evidence_table(evidence_rows(evidence, baseline_ms))])
        ticket_priority_raise(ticket=ticket, priority="P1", code="monitoring_escalated",
                              params={"line": line.name, "minutes": line.down_minutes},
                              tell_customer=True, subject=subject, addendum=addendum)
    log.warning("incident_down incident=%s line=%s", incident.pk, line.pk)
    transaction.on_commit(status_cache_clear)
    return incident


@transaction.atomic
def incident_resolve(*, incident: Incident, at: dt.datetime) -> Incident:
    """Recovered: the incident resolves and its ticket gets the entry."""
    incident = (Incident.objects.select_for_update(of=("self",)).select_related("line")
                .get(pk=incident.pk))
    if incident.state == Incident.State.RESOLVED:
        return incident
    incident.state = Incident.State.RESOLVED
    incident.resolved_at = at
    incident.save(update_fields=["state", "resolved_at"])
    if incident.line is not None:
        IncidentUpdate.objects.create(
            incident=incident, status=IncidentUpdate.Status.RESOLVED, code="recovered",
            params={"line": incident.line.name, "minutes": incident.line.recovery_minutes},
            created_at=at)
    incident_recovery_tell(incident=incident)
    log.warning("incident_resolved incident=%s", incident.pk)
    transaction.on_commit(status_cache_clear)
    return incident


@transaction.atomic
def incident_recovery_tell(*, incident: Incident) -> bool:
    """The ticket's "recovered" entry, e-mailed to the customer, once."""
    incident = (Incident.objects.select_for_update(of=("self",))
                .select_related("line", "ticket").get(pk=incident.pk))
    if (incident.recovery_told or incident.state != Incident.State.RESOLVED
            or incident.ticket is None or incident.line is None):
        return False
    ticket_note_by_site(ticket=incident.ticket, code="monitoring_recovered",
                        params={"line": incident.line.name,
                                "minutes": incident.line.recovery_minutes},
                        tell_customer=True)
    incident.recovery_told = True
    incident.save(update_fields=["recovery_told"])
    return True


def _heal_step(of: Incident, step, **kwargs) -> int:
    """Run one healing step; a failure is logged and tried again next run
    (e.g. no SLA policy configured yet, or another evaluation was first)."""
    try:
        return int(bool(step(**kwargs)))
    except Exception:
        log.exception("incident_heal_failed incident=%s step=%s", of.pk, step.__name__)
        return 0


def incidents_heal() -> int:
    """Finish what a crash left half done: tickets not filed, not raised to
    P1, recoveries not told. Returns how many steps it finished."""
    done = 0
    detected = Incident.objects.filter(line__isnull=False)
    # Open incidents only: a resolved one whose ticket staff deleted since
    # must not get a new ticket, long after the line recovered.
    for incident in detected.filter(state=Incident.State.OPEN, ticket__isnull=True):
        done += _heal_step(incident, incident_ticket_ensure, incident=incident)
    behind = detected.filter(state=Incident.State.OPEN, severity=Incident.Severity.DOWN,
                             ticket__status__in=Ticket.OPEN_STATUSES).filter(
        ~Q(ticket__priority="P1"))
    for incident in behind.select_related("line", "ticket"):
        done += _heal_step(incident, ticket_priority_raise, ticket=incident.ticket,
                           priority="P1", code="monitoring_escalated",
                           params={"line": incident.line.name,
                                   "minutes": incident.line.down_minutes},
                           tell_customer=True)
    for incident in detected.filter(state=Incident.State.RESOLVED, recovery_told=False,
                                    ticket__isnull=False):
        done += _heal_step(incident, incident_recovery_tell, incident=incident)
    return done
