"""What a ticket's own words add to the article that resolved it.

Pure Python: the customer's wording (the subject and the short sentences of
the description) and exact error strings (lines of the description and of
the attached logs that report an error), cleaned of what varies from one
ticket to the next (timestamps, stream IDs, addresses).
"""

import re
from functools import lru_cache

MAX_PHRASE_CHARS = 200
# A phrase goes into the article's search document once seen in this many
# tickets (at most kb.search.boosts.MAX_PHRASES_PER_ARTICLE per article).
PHRASE_MIN_TICKETS = 2
MIN_PHRASE_CHARS = 6
MAX_WORDING_PER_TICKET = 4
MAX_ERRORS_PER_TICKET = 4
# Attached logs can be 2 MB: only this much of each is scanned for errors.
MAX_SCANNED_CHARS = 200_000

# A Latin full stop ends a sentence only before a space ("push.example.com"
# is one word); Chinese punctuation always does.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])\s*|\n+")
_ERROR_WORDS = re.compile(
    r"\b(error|errors|failed|failure|fail|refused|denied|forbidden|timed out|timeout|"
    r"unreachable|invalid|cannot|can['\u2019]t|couldn['\u2019]t|unable|broken pipe|not found|"
    r"reset by peer|"
    r"already publishing|dropped)\b|错误|失败|超时|拒绝|无法|断开|中断|异常",
    re.IGNORECASE,
)
# Leading log noise: "[rtmp @ 0x55d1c0a2b340]", "12:01:33.123:", "2026-03-01 12:00:01".
_LOG_PREFIX = re.compile(
    r"^(?:\s*(?:\[[^\]]{0,60}\]|\d{4}-\d{2}-\d{2}[ T][\d:.,]+Z?|\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?"
    r"|info:|warning:|error:)\s*:?\s*)+",
    re.IGNORECASE,
)
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_NUMBER = re.compile(r"\d+")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b")
_SPACES = re.compile(r"\s+")
# Error strings customers quote inline: "Failed to connect to server".
_QUOTED = re.compile(r'"([^"\n]{4,200})"|“([^”\n]{4,200})”|「([^」\n]{4,200})」')


@lru_cache(maxsize=50_000)
def phrase_key(text: str) -> str:
    """The identity of a phrase: case, spacing and numbers (stream IDs,
    times, ports) ignored."""
    key = _SPACES.sub(" ", text.lower()).strip()
    key = _IP.sub("<ip>", key)
    return _NUMBER.sub("#", _HEX.sub("#", key))[:MAX_PHRASE_CHARS]


@lru_cache(maxsize=50_000)
def _clean(line: str) -> str:
    line = _LOG_PREFIX.sub("", line.strip())
    line = _HEX.sub("", line)
    line = _SPACES.sub(" ", line).strip(" -:>*\"'`“”")
    return line[:MAX_PHRASE_CHARS].strip()


def _useful(line: str) -> bool:
    if len(line) < MIN_PHRASE_CHARS:
        return False
    letters = sum(map(str.isalpha, line))
    # A line of numbers (a ping reply, a hop) says nothing a customer types.
    return letters >= max(4, len(line) // 3)


def customer_wording(subject: str, description: str) -> list[str]:
    """The subject and the short sentences of the description."""
    phrases: list[str] = []
    for candidate in [subject, *_SENTENCE_END.split(description[:MAX_SCANNED_CHARS])]:
        line = _clean(candidate or "")
        # Long sentences are stories, not what a customer searches for.
        if _useful(line) and len(line) <= 120 and line not in phrases:
            phrases.append(line.rstrip(".。"))
        if len(phrases) >= MAX_WORDING_PER_TICKET:
            break
    return phrases


def error_strings(texts: list[str]) -> list[str]:
    """Lines that report an error, verbatim apart from the varying parts."""
    found: list[str] = []
    keys: set[str] = set()
    for text in texts:
        for raw in text[:MAX_SCANNED_CHARS].splitlines():
            if not _ERROR_WORDS.search(raw):
                continue
            line = _clean(raw)
            key = phrase_key(line)
            if _useful(line) and key not in keys:
                keys.add(key)
                found.append(line)
                if len(found) >= MAX_ERRORS_PER_TICKET:
                    return found
    return found


def ticket_phrases(*, subject: str, description: str,
                   attachments: list[str]) -> list[tuple[str, str]]:
    """(kind, text) pairs, kind "error" or "wording"; each key once.

    Error strings are what the customer quoted and the error lines of the
    attached logs; wording is the subject and the description's sentences.
    """
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    quoted = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(
        f"{subject}\n{description[:MAX_SCANNED_CHARS]}")]
    errors = [*(_clean(q) for q in quoted if _useful(_clean(q))), *error_strings(attachments)]
    for text in errors:
        # The same error quoted in the subject and the description is one.
        if phrase_key(text) in seen:
            continue
        seen.add(phrase_key(text))
        pairs.append(("error", text))
        if len(pairs) >= MAX_ERRORS_PER_TICKET:
            break
    for text in customer_wording(subject, description):
        if phrase_key(text) not in seen:
            seen.add(phrase_key(text))
            pairs.append(("wording", text))
    return pairs
