"""Whole numbers from query strings and forms, refused rather than crashed on.

``str.isdigit()`` also says yes to "²" and "٣", which ``int()`` refuses,
and ``int()`` refuses more than 4,300 digits; an id beyond the database's
integer range fails the query. So a number from outside is read here.
"""

from __future__ import annotations

# PostgreSQL's integer, the type of every id and version column.
MAX_DATABASE_INTEGER = 2**31 - 1


def whole_number(text: str | None, *, low: int = 0, high: int = MAX_DATABASE_INTEGER) -> int | None:
    """``text`` as an int from ``low`` to ``high``, else None."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(high)):
        return None
    value = int(text)
    return value if low <= value <= high else None
