"""Region incidents: several lines to the same region in trouble at once are
one incident on the public status page, named for the region only.

After each evaluation (kb.monitoring.evaluation) the open line incidents are
grouped by the region their line ends in (``to_region``), whatever the
organization or the kind of line:

- when at least 2 lines to a region have open incidents opened within
  10 minutes of each other, one *region incident* opens: public, as severe
  as the worst of them, opened when the first of them was, titled by the
  region's name (never a customer's line or organization);
- while a region incident is open, every line incident to that region opened
  since it began joins it (``Incident.regional``); one opened earlier, alone,
  stays a line's own problem;
- a child going down takes the region incident down; once a child recovers
  and others have not, the story says the region is recovering; when the
  last child resolves, the region incident resolves at that child's time.

A region incident staff declared (``created_by`` set, or any region incident
monitoring did not open) takes the line incidents to its region as well, so
one region shows one incident, but its severity, story and resolution stay
with staff: this module never changes it otherwise.

Each step writes an IncidentUpdate with a message code
(kb.monitoring.messages), shown in the reader's language.

Idempotent and safe to run concurrently: each region is handled in one
transaction that first locks the region's lowest-numbered line row, so two
evaluations at once take turns per region, and the second finds the region
incident the first opened (on SQLite, which has one writer at a time, the
lock is the database's own).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import translation

from kb.monitoring.messages import regional_title
from kb.monitoring.models import Incident, IncidentUpdate, Line
from kb.monitoring.status import status_cache_clear

log = logging.getLogger(__name__)

# Line incidents opened this close together are one region's problem.
WINDOW = dt.timedelta(minutes=10)
MIN_LINES = 2
# The first update of a region incident monitoring opened: what tells it
# from one staff declared.
OPENED_CODES = ("regional_detected_degraded", "regional_detected_down")


@dataclass
class RegionalReport:
    opened: int = 0
    attached: int = 0
    escalated: int = 0
    resolved: int = 0
    failed: int = 0


def regions_correlate(*, now: dt.datetime) -> RegionalReport:
    """Open, grow, raise and resolve region incidents from the open line
    incidents, as of ``now``."""
    report = RegionalReport()
    loose = (Incident.objects.filter(state=Incident.State.OPEN, line__isnull=False,
                                     regional__isnull=True)
             .values_list("line__to_region", flat=True))
    followed = (Incident.objects.filter(state=Incident.State.OPEN, line__isnull=True)
                .values_list("region", flat=True))
    for region in sorted(set(loose) | set(followed)):
        try:
            _region_correlate(region=region, now=now, report=report)
        except Exception:
            # One region's trouble must not leave the others unfollowed; the
            # next run tries again from what is stored.
            log.exception("monitoring_region_failed region=%s", region)
            report.failed += 1
    return report


def _monitoring_opened(incident: Incident) -> bool:
    return (incident.created_by_id is None
            and incident.updates.filter(code__in=OPENED_CODES).exists())


def _english_title(region: str, severity: str) -> str:
    with translation.override("en"):
        return regional_title(region=region, severity=severity)


def incident_title(incident: Incident) -> str:
    """The incident's title in the active language: a region incident
    monitoring titled is shown in the reader's language; any other title
    (a line's name, staff's words) as it was written."""
    if (incident.line_id is None and incident.severity in Incident.Severity.values
            and incident.title == _english_title(incident.region, incident.severity)):
        return regional_title(region=incident.region, severity=incident.severity)
    return incident.title


def _cluster(loose: list[Incident]) -> list[Incident]:
    """The loose incidents (oldest first) from the first one that has
    another line's incident within ``WINDOW`` after it; [] when none has."""
    for index, first in enumerate(loose):
        close = {i.line_id for i in loose[index:] if i.opened_at - first.opened_at <= WINDOW}
        if len(close) >= MIN_LINES:
            return loose[index:]
    return []


@transaction.atomic
def _region_correlate(*, region: str, now: dt.datetime, report: RegionalReport) -> None:
    # The region's mutex: every run locks the same row before reading.
    list(Line.objects.select_for_update().filter(to_region=region).order_by("pk")
         .values_list("pk", flat=True)[:1])
    regional = (Incident.objects.filter(state=Incident.State.OPEN, line__isnull=True,
                                        region=region)
                .order_by("opened_at", "pk").first())
    loose = list(Incident.objects.filter(state=Incident.State.OPEN, line__to_region=region,
                                         regional__isnull=True)
                 .order_by("opened_at", "pk"))
    changed = False
    if regional is None:
        cluster = _cluster(loose)
        if cluster:
            regional = _open(region=region, children=cluster, now=now)
            report.opened += 1
            changed = True
    if regional is None:
        return
    joining = [i.pk for i in loose if i.opened_at >= regional.opened_at]
    if joining:
        report.attached += Incident.objects.filter(pk__in=joining, regional__isnull=True) \
            .update(regional=regional)
        changed = True
    if _monitoring_opened(regional):
        changed |= _follow(regional, now=now, report=report)
    if changed:
        transaction.on_commit(status_cache_clear)


def _open(*, region: str, children: list[Incident], now: dt.datetime) -> Incident:
    down = [c for c in children if c.severity == Incident.Severity.DOWN]
    severity = Incident.Severity.DOWN if down else Incident.Severity.DEGRADED
    regional = Incident.objects.create(
        line=None, region=region, severity=severity, public=True,
        title=_english_title(region, severity), opened_at=children[0].opened_at,
        down_at=min((c.down_at or c.opened_at for c in down), default=None))
    IncidentUpdate.objects.create(
        incident=regional, status=IncidentUpdate.Status.INVESTIGATING,
        code=f"regional_detected_{severity}",
        params={"region": region, "lines": len({c.line_id for c in children})},
        created_at=now)
    log.warning("incident_regional_opened incident=%s region=%s severity=%s lines=%s",
                regional.pk, region, severity, len(children))
    return regional


def _follow(regional: Incident, *, now: dt.datetime, report: RegionalReport) -> bool:
    """Raise, tell the recovery of, or resolve monitoring's region incident
    as its children say; True when it changed."""
    children = list(regional.line_incidents.all())
    if not children:
        return False
    lines = len({c.line_id for c in children})
    changed = False
    down = [c for c in children if c.severity == Incident.Severity.DOWN]
    if regional.severity == Incident.Severity.DEGRADED and down:
        regional.severity = Incident.Severity.DOWN
        regional.down_at = min(c.down_at or c.opened_at for c in down)
        regional.title = _english_title(regional.region, regional.severity)
        regional.save(update_fields=["severity", "down_at", "title"])
        IncidentUpdate.objects.create(
            incident=regional, status=IncidentUpdate.Status.INVESTIGATING,
            code="regional_escalated_down",
            params={"region": regional.region, "down": len({c.line_id for c in down}),
                    "lines": lines},
            created_at=now)
        log.warning("incident_regional_down incident=%s region=%s", regional.pk,
                    regional.region)
        report.escalated += 1
        changed = True
    still_open = [c for c in children if c.state == Incident.State.OPEN]
    if still_open and len(still_open) < len(children) \
            and not regional.updates.filter(code="regional_recovering").exists():
        IncidentUpdate.objects.create(
            incident=regional, status=IncidentUpdate.Status.MONITORING,
            code="regional_recovering",
            params={"region": regional.region,
                    "recovered": lines - len({c.line_id for c in still_open}),
                    "lines": lines},
            created_at=now)
        changed = True
    if not still_open:
        regional.state = Incident.State.RESOLVED
        regional.resolved_at = max(c.resolved_at or now for c in children)
        regional.save(update_fields=["state", "resolved_at"])
        IncidentUpdate.objects.create(
            incident=regional, status=IncidentUpdate.Status.RESOLVED,
            code="regional_recovered", params={"region": regional.region, "lines": lines},
            created_at=regional.resolved_at)
        log.warning("incident_regional_resolved incident=%s region=%s", regional.pk,
                    regional.region)
        report.resolved += 1
        changed = True
    return changed
