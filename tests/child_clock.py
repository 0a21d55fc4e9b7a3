"""The clock of a process a test starts, so that it agrees with the test's.

``faketime -f '@2027-01-01 23:40:00' make test`` starts the clock of every
process at that time when the process starts: a worker started minutes into
the run would be minutes behind the test that waits for it. And a nested
``faketime -f +Ns`` counts from the machine's clock, not the outer fake one.
Both helpers name the moment instead, in UTC (Django sets ``TZ=UTC`` in the
test process, and the children are given it too).
"""

import datetime as dt
import time


def faketime_at(moment: dt.datetime) -> str:
    """libfaketime's clock starting at ``moment``, for ``faketime -f``."""
    return "@" + moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def on_this_clock(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a process started now: under a libfaketime start time its
    clock starts where this process's clock is (the machine's otherwise)."""
    if not env.get("FAKETIME", "").startswith("@"):
        return env
    now = dt.datetime.fromtimestamp(time.time(), dt.UTC)
    return {**env, "FAKETIME": faketime_at(now), "TZ": "UTC"}
