"""Numbers read from pasted tool output.

The tools print plain decimals ("12.3 ms", "0.5%", "10"), but pastes are
edited, truncated and redacted ("time=... ms", "1.2.3", "-nan", "１２"), and
Python's ``float()`` also takes "nan", "inf", "1e308" and 400-digit
strings (infinity), any of which breaks the arithmetic after it (a lost
probe count, a latency step, a mean). So the parsers match numbers with
:data:`DECIMAL` and convert them with :func:`reading`, :func:`percent` or
:func:`count`, which answer None for anything that is not a plausible
reading: the value is then unknown, as if the column were blank.
"""

from __future__ import annotations

import math

# A decimal as ping, mtr, tracert, OBS and ffmpeg print it: no sign, no
# exponent, at most one point.
DECIMAL = r"\d+(?:\.\d+)?"

# Larger than any round-trip time (ms), percentage, probe count, frame rate
# or encoding speed these tools print.
MAX_READING = 1e9


def reading(raw: object) -> float | None:
    """``raw`` (text or a JSON number) as a finite, non-negative float no
    larger than :data:`MAX_READING`, else None."""
    if isinstance(raw, bool) or raw is None:
        return None
    # The tools print ASCII digits; Python's float() also reads "１２" and
    # "٣", which only an edit puts in a paste (and \d matches them).
    if isinstance(raw, str) and not raw.isascii():
        return None
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(value) or not 0.0 <= value <= MAX_READING:
        return None
    return value


def percent(raw: object) -> float | None:
    """A reading between 0 and 100 (loss, dropped frames), else None."""
    value = reading(raw)
    return value if value is not None and value <= 100.0 else None


def count(raw: object) -> int | None:
    """A whole reading (probes sent, frames), else None."""
    value = reading(raw)
    return int(value) if value is not None and value.is_integer() else None
