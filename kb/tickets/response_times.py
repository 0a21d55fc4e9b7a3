"""Measured support response times per priority and region (pure reads).

What the public "Support response times" page and
``GET /api/v1/sla/response-times`` show: for the tickets filed in the last
30 or 90 days, per priority (overall and per region) and per stage
(acknowledge, locate, resolve), how long the stage really took and how
often it was reached within its target.

How the figures are made, so the page can say it in plain words:

* *Elapsed* is measured the way the promise is made: for a business-hours
  policy, the working minutes of the ticket's team between filing and the
  stage (:func:`kb.tickets.calendars.business_minutes_between`); for a
  24x7 policy (P1), wall-clock minutes.  Partial minutes are dropped.
  Time spent waiting on the customer is included in the elapsed time.
* *Within target* compares the stage's time stamp with the due time stored
  on the ticket, which already moved by any time spent waiting on the
  customer.  A stamp exactly at the due time is within target.
* A stage not reached yet is *open*.  An open stage that is already past
  its due time counts as *missed*, so overdue tickets cannot hide by never
  being answered; an open stage not yet due is left out of the share
  (nobody knows yet).  While a ticket waits on the customer its clock
  stands still, so its due time is compared with the moment it paused.
* The median and the 90th percentile are taken over the stages that were
  reached, by the nearest-rank method: sort the n values; the p-th
  percentile is the value at rank ceil(p / 100 * n) (so the median of four
  values is the second).  Every figure shown is a real measured time.
* A ticket resolved without a separate locate step counts as located when
  it was resolved (finding the fix located the cause).

Computing is pure Python over one ``values()`` query of the window's
tickets (plus the few policies and teams); the result is cached for five
minutes per window, since the page is public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from kb.core.cache import cached
from kb.core.choices import Priority, Region
from kb.tickets.calendars import TeamCalendar, business_minutes_between
from kb.tickets.models import SlaPolicy, Team, Ticket

WINDOWS = (30, 90)
DEFAULT_WINDOW = 30
STAGES = Ticket.STAGES
CACHE_SECONDS = 5 * 60
# Bump when the shape of ResponseTimes changes, so a deploy never reads a
# pickled object of the old shape from a shared cache.
_CACHE_VERSION = 1

@dataclass(frozen=True)
class StageFigures:
    """One stage (acknowledge, locate or resolve) of a group of tickets."""

    stage: str
    target_minutes: int | None  # None when no SLA policy is configured
    business: bool
    tickets: int  # filed in the window
    reached: int  # stage reached: these are measured
    open: int  # stage not reached yet
    open_overdue: int  # of the open ones, already past due (counted as missed)
    met: int  # reached at or before the due time
    missed: int  # reached late, plus open_overdue
    median_minutes: int | None
    p90_minutes: int | None

    @property
    def decided(self) -> int:
        """Tickets whose outcome for this stage is known: met or missed."""
        return self.met + self.missed

    @property
    def share_met(self) -> float | None:
        """Share within target of the decided tickets; None when none is decided."""
        return self.met / self.decided if self.decided else None


@dataclass(frozen=True)
class GroupFigures:
    """All stages of one group: a priority overall, or a priority in a region."""

    tickets: int
    stages: dict[str, StageFigures]


@dataclass(frozen=True)
class PriorityFigures:
    priority: str
    business: bool
    targets: dict[str, int] | None
    overall: GroupFigures
    regions: dict[str, GroupFigures]  # every region, in Region order


@dataclass(frozen=True)
class ResponseTimes:
    window_days: int
    since: dt.datetime
    until: dt.datetime
    tickets: int
    priorities: list[PriorityFigures]


def nearest_rank(sorted_values: Sequence[int], percent: int) -> int | None:
    """The ``percent``-th percentile of ascending values by the nearest-rank method.

    The value at rank ``ceil(percent / 100 * n)`` (1-based); ``None`` for no
    values.  Integer arithmetic, so 90 % of 10 values is exactly rank 9.
    """
    count = len(sorted_values)
    if not count:
        return None
    rank = max(1, -(-percent * count // 100))
    return sorted_values[rank - 1]


@dataclass
class _StageTally:
    elapsed: list[int] = field(default_factory=list)
    open: int = 0
    open_overdue: int = 0
    met: int = 0
    late: int = 0

    def figures(self, stage: str, tickets: int, target: int | None,
                business: bool) -> StageFigures:
        values = sorted(self.elapsed)
        return StageFigures(
            stage=stage, target_minutes=target, business=business, tickets=tickets,
            reached=len(values), open=self.open, open_overdue=self.open_overdue,
            met=self.met, missed=self.late + self.open_overdue,
            median_minutes=nearest_rank(values, 50), p90_minutes=nearest_rank(values, 90),
        )


@dataclass
class _GroupTally:
    tickets: int = 0
    stages: dict[str, _StageTally] = field(
        default_factory=lambda: {stage: _StageTally() for stage in STAGES})

    def figures(self, targets: dict[str, int] | None, business: bool) -> GroupFigures:
        return GroupFigures(tickets=self.tickets, stages={
            stage: tally.figures(stage, self.tickets, targets[stage] if targets else None,
                                 business)
            for stage, tally in self.stages.items()
        })


def _elapsed_minutes(calendar: TeamCalendar | None, business: bool, start: dt.datetime,
                     end: dt.datetime) -> int:
    if business and calendar is not None:
        return business_minutes_between(calendar, start, end)
    return max(0, int((end - start).total_seconds() // 60))


def response_times_measure(*, window_days: int,
                           now: dt.datetime | None = None) -> ResponseTimes:
    """Measure the tickets filed in the ``window_days`` days ending at ``now``.

    Uncached; see :func:`response_times_for` for the page and the API.
    """
    if window_days not in WINDOWS:
        raise ValueError(f"window must be one of {WINDOWS}, not {window_days!r}")
    until = now or timezone.now()
    since = until - dt.timedelta(days=window_days)
    policies = {p.priority: p for p in SlaPolicy.objects.all()}
    calendars = {team.pk: team.calendar for team in Team.objects.all()}
    rows = Ticket.objects.filter(created_at__gte=since, created_at__lt=until).values_list(
        "priority", "region", "team_id", "created_at", "paused_at",
        "acknowledged_at", "located_at", "resolved_at",
        "acknowledge_due", "locate_due", "resolve_due",
    )
    overall = {priority: _GroupTally() for priority in Priority.values}
    by_region = {priority: {region: _GroupTally() for region in Region.values}
                 for priority in Priority.values}
    total = 0
    for (priority, region, team_id, created, paused, acknowledged, located, resolved,
         acknowledge_due, locate_due, resolve_due) in rows.iterator(chunk_size=2000):
        if priority not in overall:
            continue  # a priority that no longer exists has no promise to show
        total += 1
        policy = policies.get(priority)
        business = bool(policy and policy.business_hours)
        calendar = calendars.get(team_id)
        # A waiting ticket's clock stands still: judge it at the pause.
        clock = paused or until
        stamps = {"acknowledge": acknowledged, "locate": located or resolved,
                  "resolve": resolved}
        dues = {"acknowledge": acknowledge_due, "locate": locate_due,
                "resolve": resolve_due}
        groups = [overall[priority]]
        if region in by_region[priority]:
            groups.append(by_region[priority][region])
        for group in groups:
            group.tickets += 1
        for stage in STAGES:
            stamp, due = stamps[stage], dues[stage]
            if stamp is None:
                overdue = due <= clock
                for group in groups:
                    tally = group.stages[stage]
                    tally.open += 1
                    tally.open_overdue += overdue
                continue
            elapsed = _elapsed_minutes(calendar, business, created, stamp)
            on_time = stamp <= due
            for group in groups:
                tally = group.stages[stage]
                tally.elapsed.append(elapsed)
                tally.met += on_time
                tally.late += not on_time

    priorities = []
    for priority in Priority.values:
        policy = policies.get(priority)
        targets = policy.targets() if policy else None
        business = bool(policy and policy.business_hours)
        priorities.append(PriorityFigures(
            priority=priority, business=business, targets=targets,
            overall=overall[priority].figures(targets, business),
            regions={region: tally.figures(targets, business)
                     for region, tally in by_region[priority].items()},
        ))
    return ResponseTimes(window_days=window_days, since=since, until=until, tickets=total,
                         priorities=priorities)


def response_times_for(*, window_days: int) -> ResponseTimes:
    """The figures of the window ending now, cached for five minutes.

    The page is public and a few thousand tickets take a noticeable fraction
    of a second to measure, so at most one request per window and cache
    process measures them every five minutes.
    """
    if window_days not in WINDOWS:
        raise ValueError(f"window must be one of {WINDOWS}, not {window_days!r}")
    key = f"tickets:response-times:v{_CACHE_VERSION}:{window_days}"
    return cached(key, lambda: response_times_measure(window_days=window_days), CACHE_SECONDS)
