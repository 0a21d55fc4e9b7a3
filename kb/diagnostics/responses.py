"""HTTP answers to a playback URL: what the edge said to ``curl -I``.

The playback articles ask for ``curl -sI`` on each URL a player uses (or
``curl -sSv``, or PowerShell's ``Invoke-WebRequest``) and read the status:
a 403 is a rule of the playback domain refusing the request, a 404 a
stream or file the server does not have, a 200 a URL that plays from there.
This pass reads those answers from the whole text of every attachment::

    $ curl -sI https://play.example.com/live/Event_2026_720p.m3u8 | head -1
    HTTP/2 404
    < HTTP/2 403                                   (curl -v)
    HTTP/1.1 403 Forbidden
    Invoke-WebRequest : The remote server returned an error: (403) Forbidden.   (Windows PowerShell)
    Invoke-WebRequest : 远程服务器返回错误: (403) 已禁止。
    Response status code does not indicate success: 404 (Not Found).           (PowerShell 7)

A status line answers the URL of the ``curl`` command above it.  The
status a web player was answered, from its own error or the browser's
console (:func:`.player.player_statuses`), is weighed with curl's.  Only the
statuses that say where to look are read (200, 401, 403, 451, 404, 410, 429):
a redirect is a step, and a server error is for support to read.  Nothing here raises on
any input: the engine's never-raise contract covers this pass.
"""

from __future__ import annotations

import re

from . import rules
from .messages import Message, msg
from .models import Finding, HttpAnswer, ParsedAttachment
from .player import MEDIA_URL, player_statuses
from .scan import fold_case, lines_containing

# Every pattern's line holds one of these (lower case).
_PHRASES = ("http/", "curl", "remote server returned an error", "远程服务器返回错误",
            "does not indicate success")

_STATUS = re.compile(r"^(?:< )?HTTP/(?:1\.[01]|2(?:\.0)?|3) (?P<code>[1-5]\d\d)\b")
# A curl command, then the URL it asks for (two searches: one pattern with
# ".*?" between them would rescan the line from every "curl" in it).
_CURL = re.compile(r"(?:^|[\s>$#])curl(?:\.exe)?\s")
_URL = re.compile(r"https?://[^\s'\"|]+")
# .NET's WebException (Windows PowerShell 5.1, in English and Chinese) and
# HttpRequestException (PowerShell 7).
_POWERSHELL = re.compile(
    r"(?:The remote server returned an error|远程服务器返回错误): \((?P<code>\d{3})\)"
    r"|Response status code does not indicate success: (?P<code7>\d{3})\b"
)

def http_answers(text: str) -> list[HttpAnswer]:
    """Every HTTP status in ``text``, in order, with the URL it answers when
    a ``curl`` command names it.

    Commands pasted one after the other, then their outputs (as the
    articles show them), answer in turn; the further statuses of one
    command (redirects followed with ``-L``) answer its URL too.
    """
    candidates = lines_containing(fold_case(text), _PHRASES)
    if not candidates:
        return []
    lines = text.split("\n")
    answers: list[HttpAnswer] = []
    waiting: list[str] = []  # URLs of commands whose answer is still to come
    current: str | None = None
    for idx in candidates:
        raw = lines[idx].strip()
        if (m := _CURL.search(raw)) and (url := _URL.search(raw, m.end())):
            waiting.append(url.group())
            continue
        m = _STATUS.match(raw)
        code = m.group("code") if m else None
        if code is None and (p := _POWERSHELL.search(raw)):
            code = p.group("code") or p.group("code7")
        if code is None:
            continue
        if waiting:
            current = waiting.pop(0)
        answers.append(HttpAnswer(current, code, raw))
    return answers


def analyse_responses(parsed: ParsedAttachment, text: str) -> list[Finding]:
    """Findings from the HTTP answers in one attachment's text."""
    if not text:
        return []
    by_kind: dict[str, list[HttpAnswer]] = {}
    for answer in http_answers(text) + player_statuses(text):
        kind = rules.HTTP_STATUS_KINDS.get(answer.code)
        # A callback or API endpoint's answer is not a playback answer.
        if kind and (answer.url is None or MEDIA_URL.search(answer.url)):
            by_kind.setdefault(kind, []).append(answer)
    findings = []
    for kind in ("http-forbidden", "http-not-found", "http-too-many", "http-ok"):
        answers = by_kind.get(kind)
        if not answers:
            continue
        findings.append(Finding.of(
            kind,
            msg(f"http.{kind}", targets=_targets(answers),
                status=", ".join(sorted({a.code for a in answers}))),
            evidence=[a.line for a in answers[:3]],
            problems=rules.problems_for(kind),
            facts={"urls": [a.url for a in answers if a.url], "attachment": parsed.name},
        ))
    return findings


def _targets(answers: list[HttpAnswer]) -> str | Message:
    urls = list(dict.fromkeys(a.url for a in answers if a.url))
    if not urls:
        return msg("http.the-request")
    return ", ".join(urls[:3]) + (" …" if len(urls) > 3 else "")
