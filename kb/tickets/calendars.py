"""Team working calendars: business-time arithmetic and follow-the-sun routing.

Pure Python (standard library and :mod:`zoneinfo`), so the SLA rules in
DESIGN.md ("Rules" under ``GET /api/v1/sla/preview``) can be tested without
Django and reused by the models, the API and the Celery tasks alike.

Vocabulary:

* A *working day* is a local date of the team that is in ``working_days``
  (Monday = 0) or in ``extra_working_days``, and is not in ``holidays``.
  A date listed both as a holiday and as an extra working day is a holiday:
  "a holiday has no working hours" is the stronger statement.
* The *working interval* of a working day is ``[start, end)`` in the team's
  local wall-clock time, converted to UTC instants for that very date, so
  daylight-saving changes move it the way the team's clocks move.
* A *working minute* is sixty real (elapsed) seconds inside a working
  interval.  All arithmetic is done on UTC instants, never on local wall
  times, so a DST night inside working hours counts the minutes that really
  passed.

Every function takes and returns timezone-aware datetimes; naive ones are
refused because guessing their zone is exactly the bug this module exists
to prevent.  Results are in UTC.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "HOLIDAY_WARNING_DAYS",
    "REGION_TEAMS",
    "HolidayCoverage",
    "TeamCalendar",
    "add_business_minutes",
    "add_wall_minutes",
    "business_minutes_between",
    "calendar_from_dict",
    "holiday_coverage",
    "is_working_day",
    "is_working_instant",
    "load_calendars",
    "on_duty_teams",
    "route",
]

# Regions a customer can pick -> the team that serves them (DESIGN.md:
# "Regions latam and mea are served by na and eu").
REGION_TEAMS: dict[str, str] = {
    "na": "na",
    "eu": "eu",
    "sea": "sea",
    "cn": "cn",
    "latam": "na",
    "mea": "eu",
}

_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
# A calendar whose working days all lie in the past (or that has none) would
# make add_business_minutes search forever; no real holiday list closes a
# team for ten years, so give up there and say why.
_MAX_IDLE_DAYS = 3660


@dataclass(frozen=True)
class TeamCalendar:
    """When one support team works.

    ``timezone`` is an IANA name (``"Europe/Berlin"``); ``start`` and ``end``
    are the local opening and closing times (``start < end``: shifts do not
    cross midnight); ``holidays`` are local dates with no working hours;
    ``extra_working_days`` are local dates worked although their weekday is
    not in ``working_days`` (the mainland-China make-up days, 调休上班).
    Lists and sets are accepted and frozen.
    """

    code: str
    name: str
    timezone: str
    working_days: frozenset[int]
    start: time
    end: time
    holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        # Frozen, but callers (the TOML loader, the Django model) naturally
        # hand over lists; freeze them here so equality and hashing work.
        for field in ("working_days", "holidays", "extra_working_days"):
            object.__setattr__(self, field, frozenset(getattr(self, field)))
        ZoneInfo(self.timezone)  # raises ZoneInfoNotFoundError for a bad name
        if not self.working_days <= set(range(7)):
            raise ValueError(f"{self.code}: working_days must be 0 (Monday) .. 6 (Sunday)")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError(f"{self.code}: start and end are local wall times, without tzinfo")
        if not self.start < self.end:
            raise ValueError(f"{self.code}: start must be before end (no overnight shifts)")

    @property
    def zone(self) -> ZoneInfo:
        # ZoneInfo caches instances by key, so this is a dictionary lookup.
        return ZoneInfo(self.timezone)


def is_working_day(cal: TeamCalendar, day: date) -> bool:
    """True when the local date ``day`` has working hours for ``cal``."""
    if day in cal.holidays:
        return False
    return day.weekday() in cal.working_days or day in cal.extra_working_days


def is_working_instant(cal: TeamCalendar, at: datetime) -> bool:
    """True when ``at`` falls inside the team's working interval ``[start, end)``.

    The opening instant is on duty, the closing instant is not, matching the
    half-open intervals that :func:`business_minutes_between` counts.
    """
    at = _utc(at, "at")
    day = at.astimezone(cal.zone).date()
    if not is_working_day(cal, day):
        return False
    opens, closes = _interval(cal, day)
    return opens <= at < closes


# A holiday list is loaded a year at a time; this many days before the last
# loaded year ends, the next year's holidays are due.
HOLIDAY_WARNING_DAYS = 60


@dataclass(frozen=True)
class HolidayCoverage:
    """How far a team's holiday list reaches, seen from one of its local dates.

    Past ``ends`` the calendar knows no holidays, so business time counts
    them as working days: due times come out early without a word. The
    list is *due* (``flagged``) from ``warn_from`` on, and at once when it
    holds no holiday at all.
    """

    today: date
    last_year: int | None  # the last year with a holiday loaded; None: none
    ends: date | None  # 1 January after last_year: the first date not covered
    warn_from: date | None

    @property
    def flagged(self) -> bool:
        return self.warn_from is None or self.today >= self.warn_from

    @property
    def ran_out(self) -> bool:
        return self.ends is None or self.today >= self.ends


def holiday_coverage(cal: TeamCalendar, at: datetime, *,
                     warn_days: int = HOLIDAY_WARNING_DAYS) -> HolidayCoverage:
    """Whether ``cal``'s holidays reach far enough past ``at`` (its local date)."""
    today = _utc(at, "at").astimezone(cal.zone).date()
    if not cal.holidays:
        return HolidayCoverage(today=today, last_year=None, ends=None, warn_from=None)
    last_year = max(day.year for day in cal.holidays)
    ends = date(last_year + 1, 1, 1)
    return HolidayCoverage(today=today, last_year=last_year, ends=ends,
                           warn_from=ends - timedelta(days=warn_days))


def add_business_minutes(cal: TeamCalendar, start: datetime, minutes: int) -> datetime:
    """The earliest instant at which ``minutes`` working minutes have passed since ``start``.

    Only minutes inside the team's working intervals count; counting starts
    at ``start`` if that is on duty, otherwise at the next opening.  A target
    that runs out exactly at a closing time is due at that closing time, not
    at the next opening.  ``minutes == 0`` is due at ``start`` itself.
    Returns an aware datetime in UTC.
    """
    start = _utc(start, "start")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    remaining = timedelta(minutes=minutes)
    if not remaining:
        return start
    # Whole working intervals are consumed one day at a time (a few datetime
    # operations per calendar day), never minute by minute.
    for opens, closes in _intervals_from(cal, start):
        begin = max(opens, start)
        if begin >= closes:
            continue
        available = closes - begin
        # "<=": a target that ends exactly at closing time is due then.
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: _intervals_from never ends normally")


def business_minutes_between(cal: TeamCalendar, start: datetime, end: datetime) -> int:
    """Whole working minutes of ``cal`` inside ``[start, end)``; 0 if ``end <= start``.

    The inverse of :func:`add_business_minutes`: for any ``start`` and
    ``m >= 0``, ``business_minutes_between(cal, start,
    add_business_minutes(cal, start, m)) == m``.  Used to measure real
    response times and to pause SLA clocks.  Partial minutes are dropped.
    """
    start = _utc(start, "start")
    end = _utc(end, "end")
    if end <= start:
        return 0
    total = timedelta()
    for opens, closes in _intervals_from(cal, start, until=end):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > timedelta():
            total += overlap
    return total // _ONE_MINUTE


def add_wall_minutes(start: datetime, minutes: int) -> datetime:
    """``start`` plus ``minutes`` elapsed minutes, in UTC (24x7 targets such as P1).

    Computed on UTC instants, so a daylight-saving change in the customer's
    or the team's zone neither adds nor removes an hour.
    """
    start = _utc(start, "start")
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    return start + timedelta(minutes=minutes)


def on_duty_teams(calendars: Mapping[str, TeamCalendar], at: datetime) -> list[str]:
    """Codes of the teams on duty at ``at``, in follow-the-sun preference order.

    Preference: the team whose current working interval closes *latest*
    comes first, so a ticket goes to the team that will stay with it longest
    instead of one about to hand over; equal closing instants are ordered by
    team code, so the choice never depends on the order the calendars were
    loaded in.
    """
    at = _utc(at, "at")
    closing: list[tuple[datetime, str]] = []
    for code, cal in calendars.items():
        if is_working_instant(cal, at):
            _, closes = _interval(cal, at.astimezone(cal.zone).date())
            closing.append((closes, code))
    closing.sort(key=lambda item: (-item[0].timestamp(), item[1]))
    return [code for _, code in closing]


def route(calendars: Mapping[str, TeamCalendar], region: str, at: datetime) -> str:
    """The code of the team a ticket from ``region`` filed at ``at`` goes to.

    DESIGN.md rule: the region's team when it is on duty at ``at``;
    otherwise a team that is on duty then (follow the sun, preference as in
    :func:`on_duty_teams`: latest closing first, then team code); if none
    is, the region's team.  Regions ``na``, ``eu``, ``sea`` and ``cn`` are
    served by the team of the same code, ``latam`` by ``na``, ``mea`` by
    ``eu``.
    """
    try:
        home = REGION_TEAMS[region]
    except KeyError:
        raise ValueError(f"unknown region {region!r}") from None
    if home not in calendars:
        raise ValueError(f"region {region!r} is served by team {home!r}, which has no calendar")
    if is_working_instant(calendars[home], at):
        return home
    on_duty = on_duty_teams(calendars, at)
    return on_duty[0] if on_duty else home


def calendar_from_dict(data: Mapping[str, Any]) -> TeamCalendar:
    """Build a :class:`TeamCalendar` from the ``GET /api/v1/teams/`` / TOML shape.

    Accepts ``start``/``end`` either at top level or under ``hours`` (the API
    shape), as ``"HH:MM"`` strings or :class:`datetime.time`; dates as ISO
    strings or :class:`datetime.date` (TOML local dates).
    """
    hours = data.get("hours", {})
    return TeamCalendar(
        code=str(data["code"]),
        name=str(data.get("name", data["code"])),
        timezone=str(data["timezone"]),
        working_days=frozenset(int(d) for d in data.get("working_days", (0, 1, 2, 3, 4))),
        start=_as_time(data.get("start", hours.get("start", "09:00"))),
        end=_as_time(data.get("end", hours.get("end", "18:00"))),
        holidays=frozenset(_as_dates(data.get("holidays", ()))),
        extra_working_days=frozenset(_as_dates(data.get("extra_working_days", ()))),
    )


def load_calendars(path: str | Path) -> dict[str, TeamCalendar]:
    """Read ``[[team]]`` tables from a TOML file into ``{code: TeamCalendar}``.

    Keeps the file's order; a duplicated team code is an error rather than a
    silent overwrite.
    """
    with open(path, "rb") as fh:
        document = tomllib.load(fh)
    calendars: dict[str, TeamCalendar] = {}
    for entry in document.get("team", []):
        cal = calendar_from_dict(entry)
        if cal.code in calendars:
            raise ValueError(f"{path}: team {cal.code!r} is defined twice")
        calendars[cal.code] = cal
    return calendars


# --- internals -------------------------------------------------------------


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)


def _interval(cal: TeamCalendar, day: date) -> tuple[datetime, datetime]:
    """Opening and closing of the local date ``day`` as UTC instants.

    Built from the local wall time of that date, so the offset in force on
    that day applies (fold=0 picks the first reading of an ambiguous time;
    a non-existent time is read with the offset before the gap).
    """
    zone = cal.zone
    opens = datetime.combine(day, cal.start, tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(day, cal.end, tzinfo=zone).astimezone(UTC)
    return opens, closes


def _intervals_from(
    cal: TeamCalendar, start: datetime, until: datetime | None = None
) -> Iterator[tuple[datetime, datetime]]:
    """Working intervals from the local date of ``start`` onwards, in order.

    Stops after the local date of ``until`` when given; otherwise runs until
    the caller stops, or raises when the calendar has no working day within
    ``_MAX_IDLE_DAYS`` (so a misconfigured team cannot hang a worker).
    """
    zone = cal.zone
    day = start.astimezone(zone).date()
    last = until.astimezone(zone).date() if until is not None else None
    idle = 0
    while last is None or day <= last:
        if is_working_day(cal, day):
            idle = 0
            yield _interval(cal, day)
        elif last is None:
            idle += 1
            if idle > _MAX_IDLE_DAYS:
                raise ValueError(f"team {cal.code!r} has no working day after {day - _ONE_DAY}")
        day += _ONE_DAY


def _as_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def _as_dates(values: Iterable[Any]) -> Iterator[date]:
    for value in values:
        if isinstance(value, datetime):
            raise ValueError(f"expected a date, got a datetime: {value!r}")
        yield value if isinstance(value, date) else date.fromisoformat(str(value))
