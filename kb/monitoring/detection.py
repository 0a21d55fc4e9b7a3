"""The detection rules, in pure Python: minutes in, a verdict out.

Vocabulary (kb.monitoring.minutes): a *minute* is every source's samples of
a line for one minute, merged; ``at`` is the end of the minute. A minute
without any sample is *missing*: it is never counted as loss, and it
breaks a run of consecutive minutes.

A minute is *bad* when its loss reaches ``loss_pct``, its jitter
``jitter_ms``, or its average RTT ``rtt_factor`` times the line's baseline
(when the line has one: the median RTT of the preceding 24 h, once 60
minutes exist). A minute is *dark* when nothing came back (100 % loss).
Maintenance minutes are treated as missing: they count neither for nor
against the line.

At a minute ``m``:

- *down*: the ``down_minutes`` consecutive minutes ending at ``m`` are all
  present and dark;
- *degraded*: at least ``degraded_minutes`` of the ``degraded_window``
  minutes ending at ``m`` are bad (and not down);
- *recovered* (of an open incident): the ``recovery_minutes`` consecutive
  minutes ending at ``m`` are all present, and at each of them the line is
  neither degraded nor down.

The verdict is taken at the line's newest minute, if it is recent enough:
with no sample in the last ``no_data_minutes`` the line has *no data*,
which is shown and never opens, raises or resolves an incident. Because an
incident opens on a majority of a window and resolves only after a full
recovery window judged by the same rules, a line hovering at a threshold
stays in one state instead of flapping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kb.monitoring.minutes import Minute

MINUTE = dt.timedelta(minutes=1)


class Condition:
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    DOWN = "down"


@dataclass(frozen=True)
class Thresholds:
    down_minutes: int = 3
    degraded_minutes: int = 3
    degraded_window: int = 5
    loss_pct: float = 2.0
    jitter_ms: float = 30.0
    rtt_factor: float = 1.5
    recovery_minutes: int = 10
    no_data_minutes: int = 5

    @property
    def lookback_minutes(self) -> int:
        """How many minutes before the newest one a verdict reads."""
        return max(self.down_minutes, self.recovery_minutes + self.degraded_window - 1,
                   self.recovery_minutes + self.down_minutes - 1, self.no_data_minutes) + 1


@dataclass(frozen=True)
class Evidence:
    """A minute that crossed a threshold, with the reasons (loss, jitter, rtt,
    no_reply)."""

    at: dt.datetime
    loss_pct: float
    rtt_avg_ms: float | None
    jitter_ms: float | None
    reasons: tuple[str, ...]


@dataclass
class Verdict:
    newest: dt.datetime | None
    no_data: bool
    condition: str = Condition.HEALTHY
    recovered: bool = False
    in_maintenance: bool = False
    bad_minutes: int = 0
    evidence: list[Evidence] = field(default_factory=list)


def reasons(minute: Minute, thresholds: Thresholds, baseline_ms: float | None) -> tuple[str, ...]:
    """Why a minute is bad; empty when it is not."""
    found = []
    if minute.total_loss:
        found.append("no_reply")
    elif minute.loss_pct >= thresholds.loss_pct:
        found.append("loss")
    if minute.jitter_ms is not None and minute.jitter_ms >= thresholds.jitter_ms:
        found.append("jitter")
    if (baseline_ms and minute.rtt_avg_ms is not None
            and minute.rtt_avg_ms >= thresholds.rtt_factor * baseline_ms):
        found.append("rtt")
    return tuple(found)


class _Line:
    """The minutes of one line as the rules read them."""

    def __init__(self, minutes: dict[dt.datetime, Minute], maintenance: set[dt.datetime],
                 thresholds: Thresholds, baseline_ms: float | None):
        self.minutes = {at: m for at, m in minutes.items() if at not in maintenance}
        self.t = thresholds
        self.baseline = baseline_ms
        self._reasons: dict[dt.datetime, tuple[str, ...]] = {}

    def why(self, at: dt.datetime) -> tuple[str, ...]:
        if at not in self._reasons:
            minute = self.minutes.get(at)
            self._reasons[at] = () if minute is None else reasons(minute, self.t, self.baseline)
        return self._reasons[at]

    def window(self, end: dt.datetime, size: int) -> list[dt.datetime]:
        return [end - n * MINUTE for n in range(size - 1, -1, -1)]

    def down(self, at: dt.datetime) -> bool:
        return all(m in self.minutes and self.minutes[m].total_loss
                   for m in self.window(at, self.t.down_minutes))

    def bad(self, at: dt.datetime) -> list[dt.datetime]:
        return [m for m in self.window(at, self.t.degraded_window) if self.why(m)]

    def condition(self, at: dt.datetime) -> str:
        if self.down(at):
            return Condition.DOWN
        if len(self.bad(at)) >= self.t.degraded_minutes:
            return Condition.DEGRADED
        return Condition.HEALTHY

    def evidence(self, at: dt.datetime, condition: str) -> list[Evidence]:
        ats = (self.window(at, self.t.down_minutes) if condition == Condition.DOWN
               else self.bad(at))
        return [Evidence(at=m, loss_pct=round(self.minutes[m].loss_pct, 2),
                         rtt_avg_ms=self.minutes[m].rtt_avg_ms,
                         jitter_ms=self.minutes[m].jitter_ms, reasons=self.why(m))
                for m in ats]


def verdict(*, minutes: dict[dt.datetime, Minute], now: dt.datetime,
            thresholds: Thresholds = Thresholds(), baseline_ms: float | None = None,
            maintenance: set[dt.datetime] | frozenset = frozenset(),
            recovery: bool = True) -> Verdict:
    """The line's condition at its newest minute not after ``now``.

    ``recovery=False`` skips judging whether the line recovered (it matters
    only to an open incident, and is most of the work for a healthy line).

    ``minutes`` are the line's merged minutes (at least the lookback before
    the newest); ``maintenance`` the minute ends that planned work covers.
    """
    present = [at for at in minutes if at <= now]
    newest = max(present, default=None)
    if newest is None or newest <= now - thresholds.no_data_minutes * MINUTE:
        return Verdict(newest=newest, no_data=True)
    line = _Line(minutes, set(maintenance), thresholds, baseline_ms)
    condition = line.condition(newest)
    # Consecutive minutes: a missing one breaks the run, so a line that
    # was silent does not count as recovered on its first good minute.
    recovered = recovery and all(
        at in line.minutes and line.condition(at) == Condition.HEALTHY
        for at in line.window(newest, thresholds.recovery_minutes))
    return Verdict(
        newest=newest, no_data=False, condition=condition, recovered=recovered,
        in_maintenance=newest in maintenance,
        bad_minutes=len(line.bad(newest)),
        evidence=line.evidence(newest, condition) if condition != Condition.HEALTHY else [],
    )
