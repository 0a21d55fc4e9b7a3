"""A reason's sentences apart from the evidence lines they quote.

A suggestion's reason cites the line that supports it inside the sentence
(``... persists to the destination (6.7% there). ("3.|-- 198.51.100.2 8.3%
...")``, in Chinese ``…（“…”）``). Pages show the sentence as prose and the
quoted line as a line of output, so neither runs into the other.
"""

from __future__ import annotations

import re

_CITE = re.compile(r'\s?\("(.+?)"\)(?=\s|$)|（“(.+?)”）')


def reason_parts(text: str) -> list[dict]:
    """``[{"text": "...", "evidence": "quoted line or ''"}, ...]`` in order."""
    parts, start = [], 0
    for match in _CITE.finditer(text):
        parts.append({"text": text[start:match.start()].strip(),
                      "evidence": match.group(1) or match.group(2)})
        start = match.end()
    rest = text[start:].strip()
    if rest or not parts:
        parts.append({"text": rest, "evidence": ""})
    return parts
