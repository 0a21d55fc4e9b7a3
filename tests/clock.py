"""Named instants for tests that depend on "now" (UTC).

Tests move the clock with time-machine's ``time_machine`` fixture
(``time_machine.move_to(EU_WORKING_HOURS)``) instead of reading the wall
clock, so the suite gives the same answer at any hour, on a weekend or a
holiday, in any time zone. Each instant says which team is on duty then
(fixtures/teams.toml: Monday to Friday, 09:00-18:00 local). At the end, the
clock given to the processes a test starts (a worker, the probe agent).
"""

import datetime as dt
import time

UTC = dt.UTC

# Wednesday 25 March 2026, 10:00 in Shanghai and Singapore: the China and
# Southeast Asia teams are on duty, Europe (03:00) and North America are not.
CN_WORKING_HOURS = dt.datetime(2026, 3, 25, 2, 0, tzinfo=UTC)
# Wednesday 25 March 2026, 12:00 in Berlin (CET): only the Europe team is on
# duty (Shanghai and Singapore 19:00, Los Angeles 04:00).
EU_WORKING_HOURS = dt.datetime(2026, 3, 25, 11, 0, tzinfo=UTC)
# Saturday 5 December 2026, 23:40 UTC: no team is on duty anywhere.
SATURDAY_NIGHT = dt.datetime(2026, 12, 5, 23, 40, tzinfo=UTC)

# The holiday lists of fixtures/teams.toml end with 2027, so from 2 November
# 2027 (60 days before 1 January 2028, in each team's time zone) they are due.
# Monday 1 November 2027, 12:00 UTC: 13:00 in Berlin (Europe on duty), 20:00
# in Shanghai and Singapore, 05:00 in Los Angeles; 1 November everywhere, one
# day before any team is flagged.
BEFORE_HOLIDAYS_RUN_OUT = dt.datetime(2027, 11, 1, 12, 0, tzinfo=UTC)
# Monday 1 November 2027, 16:30 UTC: already Tuesday 2 November 00:30 in
# Shanghai and Singapore (nobody on duty there; China and Southeast Asia are
# flagged), still Monday in Berlin (17:30, Europe on duty) and Los Angeles
# (09:30, North America on duty), not flagged.
HOLIDAYS_DUE_IN_ASIA_ONLY = dt.datetime(2027, 11, 1, 16, 30, tzinfo=UTC)
# Tuesday 16 November 2027, 12:00 in Berlin: only Europe on duty; every team
# is flagged (45 days left).
INSIDE_HOLIDAY_WARNING = dt.datetime(2027, 11, 16, 11, 0, tzinfo=UTC)
# Wednesday 12 January 2028, 12:00 in Berlin: only Europe on duty; every
# team's holidays have run out.
HOLIDAYS_RAN_OUT = dt.datetime(2028, 1, 12, 11, 0, tzinfo=UTC)


# The clock of a process a test starts, so that it agrees with the test's.
# ``faketime -f '@2027-01-01 23:40:00' make test`` starts the clock of every
# process at that time when the process starts: a worker started minutes into
# the run would be minutes behind the test that waits for it. And a nested
# ``faketime -f +Ns`` counts from the machine's clock, not the outer fake one.
# Both helpers name the moment instead, in UTC (Django sets ``TZ=UTC`` in the
# test process, and the children are given it too).


def faketime_at(moment: dt.datetime) -> str:
    """libfaketime's clock starting at ``moment``, for ``faketime -f``."""
    return "@" + moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def on_this_clock(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a process started now: under a libfaketime start time its
    clock starts where this process's clock is (the machine's otherwise)."""
    if not env.get("FAKETIME", "").startswith("@"):
        return env
    now = dt.datetime.fromtimestamp(time.time(), UTC)
    return {**env, "FAKETIME": faketime_at(now), "TZ": "UTC"}
