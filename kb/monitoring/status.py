"""The public status page's figures: each region's ingest and each dedicated
route, their state, 90 daily uptime figures, incidents and maintenance.

What is public: the lines staff marked ``public`` (the provider's own
regional ingest lines, ``internet``, grouped by the region they end in, and
its ``dedicated`` routes), their incidents, incidents staff declared for a
whole region, and maintenance marked public. Customers' own lines never
appear.

Uptime is counted from incidents, so it outlives the raw samples: a day's
figure is the share of its monitored minutes (from when the first of the
entry's lines was added, up to now) that no *down* incident covered,
leaving maintenance minutes out of both sides. Degraded time does not
count against uptime, but colours the day.

A region incident (kb.monitoring.regional) counts in its region's bars and
state. A public line's incident that is part of one is told by the region
incident in the lists of incidents (one story, not two), and still counts
in its own route's or region's bars; a region's bars count a minute once,
however many of its incidents cover it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.functional import Promise

from kb.core.cache import cache_forget, cached
from kb.core.choices import Region
from kb.monitoring.models import Incident, IncidentUpdate, Line, LineState, Maintenance

DAYS = 90
PAST_INCIDENTS = 50
Interval = tuple[dt.datetime, dt.datetime]

# Worse first: the state an entry of several lines shows.
RANK = {LineState.DOWN: 3, LineState.DEGRADED: 2, LineState.HEALTHY: 1, LineState.NO_DATA: 0}
MAINTENANCE = "maintenance"


class DayState:
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    DOWN = "down"
    MAINTENANCE = "maintenance"
    NO_DATA = "no_data"


@dataclass
class DayFigure:
    date: dt.date
    uptime_pct: float | None
    state: str
    down_minutes: int = 0
    degraded_minutes: int = 0
    maintenance_minutes: int = 0
    # Monitored minutes less maintenance: the uptime's denominator.
    counted_minutes: float = 0.0
    down_seconds: float = 0.0


@dataclass
class StatusEntry:
    kind: str  # "region" or "route"
    key: str
    name: str | Promise  # a region's name is translated when read
    region: str = ""
    line: Line | None = None
    state: str = LineState.NO_DATA
    in_maintenance: bool = False
    days: list[DayFigure] = field(default_factory=list)
    uptime_pct: float | None = None


@dataclass
class StatusOverview:
    generated_at: dt.datetime
    state: str
    regions: list[StatusEntry]
    routes: list[StatusEntry]
    active: list[Incident]
    past: list[Incident]
    maintenance: list[Maintenance]


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlap(intervals: list[Interval], start: dt.datetime, end: dt.datetime) -> float:
    """Seconds of the (disjoint) intervals inside [start, end)."""
    return sum(max(0.0, (min(e, end) - max(s, start)).total_seconds()) for s, e in intervals)


def _minus(intervals: list[Interval], holes: list[Interval]) -> list[Interval]:
    """The parts of disjoint intervals outside the disjoint holes."""
    result = []
    for start, end in intervals:
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
        if cursor < end:
            result.append((cursor, end))
    return result


def incident_intervals(incident: Incident, now: dt.datetime) -> tuple[Interval, Interval]:
    """(degraded, down) spans of an incident; an empty span is (t, t)."""
    end = incident.resolved_at or now
    down_from = incident.down_at or end
    return (incident.opened_at, min(down_from, end)), (down_from, end)


def day_figures(*, since: dt.datetime, now: dt.datetime, incidents: list[Incident],
                maintenance: list[Interval], days: int = DAYS) -> list[DayFigure]:
    """One figure per UTC day, the oldest first, ending today."""
    windows = _union(maintenance)
    degraded = _minus(_union([incident_intervals(i, now)[0] for i in incidents]), windows)
    down = _minus(_union([incident_intervals(i, now)[1] for i in incidents]), windows)
    today = now.astimezone(dt.UTC).date()
    figures = []
    for back in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        start = max(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC), since)
        end = min(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
                  now)
        if end <= start:
            figures.append(DayFigure(day, None, DayState.NO_DATA))
            continue
        monitored = (end - start).total_seconds()
        held = _overlap(windows, start, end)
        down_s, degraded_s = _overlap(down, start, end), _overlap(degraded, start, end)
        counted = monitored - held
        uptime = round(100 * (1 - down_s / counted), 3) if counted > 0 else None
        state = (DayState.DOWN if down_s else DayState.DEGRADED if degraded_s
                 else DayState.MAINTENANCE if held else DayState.OPERATIONAL)
        figures.append(DayFigure(day, uptime, state, down_minutes=round(down_s / 60),
                                 degraded_minutes=round(degraded_s / 60),
                                 maintenance_minutes=round(held / 60),
                                 counted_minutes=counted / 60, down_seconds=down_s))
    return figures


def _period_uptime(figures: list[DayFigure]) -> float | None:
    counted = sum(f.counted_minutes for f in figures if f.uptime_pct is not None)
    down = sum(f.down_seconds for f in figures if f.uptime_pct is not None) / 60
    return round(100 * (1 - down / counted), 3) if counted else None


def _worst(states: list[str]) -> str:
    return max(states, key=lambda s: RANK.get(s, 0), default=LineState.NO_DATA)


def _covers_line(window: Maintenance, line: Line) -> bool:
    return (line.from_region in window.regions or line.to_region in window.regions
            or any(covered.pk == line.pk for covered in window.lines.all()))


def status_overview(*, now: dt.datetime | None = None) -> StatusOverview:
    """Everything the status page and ``GET /api/v1/status/`` show (five
    queries, whatever the number of lines and incidents)."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=DAYS)
    lines = list(Line.objects.filter(public=True, active=True).order_by("name", "pk"))
    incidents = list(
        Incident.objects.filter(public=True)
        .filter(Q(state=Incident.State.OPEN) | Q(resolved_at__gte=since))
        .select_related("line")
        .prefetch_related(Prefetch("updates", queryset=IncidentUpdate.objects.select_related(
            "author").order_by("created_at", "pk")))
        .order_by("-opened_at", "-pk"))
    windows = list(Maintenance.objects.filter(public=True, ends_at__gte=since)
                   .prefetch_related("lines").order_by("starts_at", "pk"))

    def entry_windows(covers) -> tuple[list[Interval], bool]:
        covering = [w for w in windows if covers(w)]
        return ([(w.starts_at, w.ends_at) for w in covering],
                any(w.starts_at <= now < w.ends_at for w in covering))

    routes = []
    for line in lines:
        if line.kind != Line.Kind.DEDICATED:
            continue
        spans, ongoing = entry_windows(lambda w, line=line: _covers_line(w, line))
        own = [i for i in incidents if i.line_id == line.pk]
        figures = day_figures(since=line.created_at, now=now, incidents=own, maintenance=spans)
        routes.append(StatusEntry(
            kind="route", key=f"route-{line.pk}", name=line.name, line=line,
            region=line.to_region, state=MAINTENANCE if ongoing and line.state in (
                LineState.HEALTHY, LineState.NO_DATA) else line.state,
            in_maintenance=ongoing, days=figures, uptime_pct=_period_uptime(figures)))

    regions = []
    for code, name in Region.choices:
        ingest = [line for line in lines if line.kind == Line.Kind.INTERNET
                  and line.to_region == code]
        own = [i for i in incidents if i.region == code
               or (i.line_id is not None and any(i.line_id == line.pk for line in ingest))]
        if not ingest and not own:
            continue
        spans, ongoing = entry_windows(
            lambda w, code=code, ingest=ingest: code in w.regions
            or any(_covers_line(w, line) for line in ingest))
        start = min([line.created_at for line in ingest]
                    + [i.opened_at for i in own if i.line_id is None])
        figures = day_figures(since=start, now=now, incidents=own, maintenance=spans)
        state = _worst([line.state for line in ingest]
                       + [i.severity for i in own if i.state == Incident.State.OPEN
                          and i.line_id is None])
        if ongoing and state in (LineState.HEALTHY, LineState.NO_DATA):
            state = MAINTENANCE
        # The region's name stays lazy: the overview is cached for every
        # reader and each reads it in their own language.
        regions.append(StatusEntry(kind="region", key=f"region-{code}", name=name,
                                   region=code, state=state, in_maintenance=ongoing,
                                   days=figures, uptime_pct=_period_uptime(figures)))

    entries = [e.state for e in regions + routes]
    overall = _worst([s for s in entries if s in RANK]) if entries else LineState.NO_DATA
    shown = {i.pk for i in incidents}
    told = [i for i in incidents if i.regional_id is None or i.regional_id not in shown]
    return StatusOverview(
        generated_at=now, state=overall, regions=regions, routes=routes,
        active=[i for i in told if i.state == Incident.State.OPEN],
        past=[i for i in told if i.state == Incident.State.RESOLVED][:PAST_INCIDENTS],
        maintenance=[w for w in windows if w.ends_at > now],
    )


def incident_regions(incident: Incident) -> list[str]:
    if incident.line_id is None:
        return [incident.region]
    return sorted({incident.line.from_region, incident.line.to_region})


STATUS_CACHE_KEY = "monitoring:status"
STATUS_CACHE_SECONDS = 30


def cached_status_overview() -> StatusOverview:
    """Everyone refreshes the status page during an incident: it is built at
    most every 30 s, and again at once after an incident or maintenance
    changes (``status_cache_clear``)."""
    return cached(STATUS_CACHE_KEY, status_overview, STATUS_CACHE_SECONDS)


def status_cache_clear() -> None:
    cache_forget(STATUS_CACHE_KEY)
