"""Every minute: each active line judged by the detection rules, and the
verdict applied (incidents opened, raised, resolved; the line's state).

Beat runs ``lines_evaluate`` every minute (``evaluate_lines_task``);
``python manage.py monitoring_evaluate`` runs it once, now. It reads the
last few minutes of every line in one query, so a thousand lines cost one
query, not a thousand. Baselines (the median RTT of the preceding 24 h) are
read from a day of samples, which is heavy (about 12 ms a line here): each
run refreshes only the lines whose baseline is oldest (a new line's first),
so every line's is at most about an hour old (a day's median moves little
in an hour) and the work spreads evenly over the runs. A thousand lines
(20 baselines a run) took 0.75 to 1.1 s on SQLite on this 2-core machine
while it was shared (load average 7).

Then several lines to one region in trouble at once become one region
incident on the public status page (kb.monitoring.regional).

Idempotent: at the same instant a second run finds every incident in the
state the first one left it and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import namedtuple
from dataclasses import dataclass

from django.db.models import F, FloatField, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from kb.core.exceptions import ApplicationError
from kb.monitoring.detection import MINUTE, Condition, Thresholds, verdict
from kb.monitoring.incidents import (
    incident_escalate,
    incident_open,
    incident_resolve,
    incident_ticket_ensure,
    incidents_heal,
)
from kb.monitoring.minutes import Minute, floor_minute, median, merge
from kb.monitoring.models import Incident, Line, LineState, Maintenance, Sample
from kb.monitoring.regional import regions_correlate
from kb.monitoring.status import status_cache_clear

log = logging.getLogger(__name__)

BASELINE_REFRESH = dt.timedelta(hours=1)
# Baselines refreshed per run at least (more when there are many lines).
BASELINE_BATCH = 20

_Row = namedtuple("_Row", "sent received rtt_min_ms rtt_avg_ms rtt_max_ms jitter_ms")
_COLUMNS = ("line_id", "at", "sent", "received", "rtt_min_ms", "rtt_avg_ms", "rtt_max_ms",
            "jitter_ms")


@dataclass
class EvaluationReport:
    lines: int = 0
    no_data: int = 0
    opened: int = 0
    escalated: int = 0
    resolved: int = 0
    suppressed: int = 0
    healed: int = 0
    baselines: int = 0
    failed: int = 0
    # Region incidents (kb.monitoring.regional): opened, line incidents
    # that joined one, raised to down, resolved.
    regional_opened: int = 0
    regional_attached: int = 0
    regional_escalated: int = 0
    regional_resolved: int = 0

    @property
    def acted(self) -> bool:
        return bool(self.opened or self.escalated or self.resolved or self.healed
                    or self.failed or self.regional_opened or self.regional_attached
                    or self.regional_escalated or self.regional_resolved)

    def __str__(self) -> str:
        return " ".join(f"{name}={value}" for name, value in vars(self).items())


def thresholds_of(line: Line) -> Thresholds:
    return Thresholds(
        down_minutes=line.down_minutes, degraded_minutes=line.degraded_minutes,
        degraded_window=line.degraded_window, loss_pct=line.loss_pct_threshold,
        jitter_ms=line.jitter_ms_threshold, rtt_factor=line.rtt_factor_threshold,
        recovery_minutes=line.recovery_minutes, no_data_minutes=line.no_data_minutes)


def _one(at: dt.datetime, row: _Row) -> Minute:
    """A minute with one source: what ``merge`` makes of it, without the
    weighing (most minutes have one sample; this is the evaluation's loop)."""
    return Minute(at=at, sent=row.sent, received=row.received, rtt_min_ms=row.rtt_min_ms,
                  rtt_avg_ms=None if row.rtt_avg_ms is None else round(row.rtt_avg_ms, 3),
                  rtt_max_ms=row.rtt_max_ms,
                  jitter_ms=None if row.jitter_ms is None else round(row.jitter_ms, 3))


def line_minutes(samples) -> dict[int, dict[dt.datetime, Minute]]:
    """Rows of ``_COLUMNS`` merged into each line's minutes."""
    grouped: dict[int, dict[dt.datetime, list[_Row]]] = {}
    for line_id, at, *values in samples:
        grouped.setdefault(line_id, {}).setdefault(at, []).append(_Row(*values))
    return {line_id: {at: _one(at, rows[0]) if len(rows) == 1 else merge(at, rows)
                      for at, rows in sorted(by_minute.items())}
            for line_id, by_minute in grouped.items()}


def maintenance_minutes(line: Line, windows: list[Maintenance],
                        minutes: list[dt.datetime]) -> set[dt.datetime]:
    covering = [w for w in windows if line.from_region in w.regions
                or line.to_region in w.regions
                or any(covered.pk == line.pk for covered in w.lines.all())]
    return {at for at in minutes for w in covering if w.starts_at < at <= w.ends_at}


def _windows(since: dt.datetime, until: dt.datetime) -> list[Maintenance]:
    return list(Maintenance.objects.filter(starts_at__lt=until, ends_at__gt=since)
                .prefetch_related("lines"))


def _baseline_span(line: Line, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    until = floor_minute(now) - line.degraded_window * MINUTE
    return until - dt.timedelta(hours=line.baseline_hours), until


def baseline_of(line: Line, *, now: dt.datetime,
                windows: list[Maintenance] | None = None) -> float | None:
    """The median of the line's minute RTT averages over the preceding
    ``baseline_hours`` (before the degraded window), once
    ``baseline_min_minutes`` minutes have one; maintenance left out.

    The database merges each minute's sources (the average weighted by
    replies, as kb.monitoring.minutes does): a day of a line is 1,440
    numbers to read instead of every sample's row.
    """
    since, until = _baseline_span(line, now)
    weight = Greatest("received", Value(1))
    minutes = (Sample.objects.filter(line=line, at__gt=since, at__lte=until,
                                     rtt_avg_ms__isnull=False)
               .values("at").order_by()
               .annotate(rtt=Sum(F("rtt_avg_ms") * weight, output_field=FloatField())
                         / Sum(weight, output_field=FloatField()))
               .values_list("at", "rtt"))
    minutes = list(minutes)
    if windows is None:
        windows = _windows(since, until)
    held = maintenance_minutes(line, windows, [at for at, _ in minutes]) if windows else set()
    values = [rtt for at, rtt in minutes if at not in held]
    return median(values) if len(values) >= line.baseline_min_minutes else None


def baselines_refresh(lines: list[Line], *, now: dt.datetime) -> int:
    """Refresh the stalest baselines (never computed first)."""
    due = [line for line in lines
           if line.baseline_at is None or line.baseline_at <= now - BASELINE_REFRESH]
    due.sort(key=lambda line: (line.baseline_at is not None,
                               line.baseline_at or now, line.pk))
    batch = due[:max(BASELINE_BATCH, math.ceil(len(lines) * MINUTE / BASELINE_REFRESH))]
    if not batch:
        return 0
    spans = [_baseline_span(line, now) for line in batch]
    windows = _windows(min(s for s, _ in spans), max(u for _, u in spans))
    for line in batch:
        line.baseline_rtt_ms = baseline_of(line, now=now, windows=windows)
        line.baseline_at = now
        Line.objects.filter(pk=line.pk).update(baseline_rtt_ms=line.baseline_rtt_ms,
                                               baseline_at=now)
    return len(batch)


def lines_evaluate(*, now: dt.datetime | None = None,
                   line_ids: list[int] | None = None) -> EvaluationReport:
    """Judge every active line (or ``line_ids``) at ``now`` and act on it."""
    now = now or timezone.now()
    report = EvaluationReport()
    lines = Line.objects.filter(active=True).select_related("organization").order_by("pk")
    if line_ids is not None:
        lines = lines.filter(pk__in=line_ids)
    lines = list(lines)
    if not lines:
        report.healed = incidents_heal()
        return report
    report.baselines = baselines_refresh(lines, now=now)
    lookback = max(thresholds_of(line).lookback_minutes for line in lines)
    since = floor_minute(now) - lookback * MINUTE
    samples = Sample.objects.filter(at__gt=since, at__lte=now)
    if line_ids is not None:
        samples = samples.filter(line_id__in=[line.pk for line in lines])
    minutes = line_minutes(samples.values_list(*_COLUMNS))
    windows = _windows(since, now + MINUTE)
    span = [floor_minute(now) - n * MINUTE for n in range(lookback + 1)] + [
        floor_minute(now) + MINUTE]
    open_incidents = {i.line_id: i for i in Incident.objects.filter(
        state=Incident.State.OPEN, line__in=lines)}
    changed = False
    for line in lines:
        report.lines += 1
        held = maintenance_minutes(line, windows, span) if windows else set()
        try:
            changed |= _line_evaluate(line, minutes.get(line.pk, {}), held,
                                      open_incidents.get(line.pk), now=now, report=report)
        except Exception:
            # One line's trouble (a ticket that cannot be filed, a bug on
            # odd data) must not leave the other lines unwatched; what it
            # left half done is healed below or on the next run.
            log.exception("monitoring_line_failed line=%s", line.pk)
            report.failed += 1
    report.healed = incidents_heal()
    _regions_correlate(now=now, report=report)
    if changed and any(line.public for line in lines):
        status_cache_clear()
    if report.acted:
        log.info("monitoring_evaluated %s", report)
    return report


def _regions_correlate(*, now: dt.datetime, report: EvaluationReport) -> None:
    """Region incidents from the line incidents as they now stand (after
    the heal, so a line incident opened by this run is seen)."""
    try:
        regional = regions_correlate(now=now)
    except Exception:
        log.exception("monitoring_regions_failed")
        report.failed += 1
        return
    report.regional_opened = regional.opened
    report.regional_attached = regional.attached
    report.regional_escalated = regional.escalated
    report.regional_resolved = regional.resolved
    report.failed += regional.failed


def _line_evaluate(line: Line, minutes: dict[dt.datetime, Minute], held: set[dt.datetime],
                   incident: Incident | None, *, now: dt.datetime,
                   report: EvaluationReport) -> bool:
    """Judge one line and act; True when its state changed."""
    found = verdict(minutes=minutes, now=now, thresholds=thresholds_of(line),
                    baseline_ms=line.baseline_rtt_ms, maintenance=held,
                    recovery=incident is not None)
    # The minute under way counts too: a window that began a few seconds
    # ago already holds the line.
    suppressed = found.in_maintenance or (floor_minute(now) + MINUTE) in held
    if found.no_data:
        report.no_data += 1
    elif suppressed:
        report.suppressed += 1
    else:
        incident = _apply(line, found, incident, now=now, report=report)
    state = (LineState.NO_DATA if found.no_data
             else incident.severity if incident is not None else LineState.HEALTHY)
    if state == line.state:
        return False
    Line.objects.filter(pk=line.pk).update(state=state, state_since=now)
    return True


def _apply(line: Line, found, incident: Incident | None, *, now: dt.datetime,
           report: EvaluationReport) -> Incident | None:
    """Open, raise or resolve the line's incident as the verdict says."""
    if incident is None and found.condition != Condition.HEALTHY:
        incident = incident_open(line=line, severity=found.condition, at=now,
                                 evidence=found.evidence, baseline_ms=line.baseline_rtt_ms)
        report.opened += 1
        _ticket(incident)
    elif (incident is not None and incident.severity == Incident.Severity.DEGRADED
          and found.condition == Condition.DOWN):
        incident = incident_escalate(incident=incident, at=now, evidence=found.evidence,
                                     baseline_ms=line.baseline_rtt_ms)
        report.escalated += 1
        _ticket(incident)
    elif incident is not None and found.recovered:
        incident_resolve(incident=incident, at=now)
        report.resolved += 1
        incident = None
    return incident


def _ticket(incident: Incident) -> None:
    """File the ticket now; if that fails, the next run's heal files it."""
    try:
        incident_ticket_ensure(incident=incident)
    except ApplicationError as exc:
        log.error("incident_ticket_failed incident=%s error=%r", incident.pk, exc.message)
