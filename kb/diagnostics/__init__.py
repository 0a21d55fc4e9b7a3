"""Streamline KB diagnostics: pasted tool output -> findings -> problem codes.

Pure Python, no Django: the wizard and the ticket pages call it.

    from kb.diagnostics import diagnose, Answers, Attachment
    result = diagnose(description="...", answers=Answers(role="publisher"),
                      attachments=[Attachment(name="ping.txt", content=data)])
    result.to_dict()

Which formats go through jc and which are hand-parsed, and why
---------------------------------------------------------------
- jc: Linux (iputils) and macOS/BSD ``ping``, Linux and macOS
  ``traceroute``.  jc parses these correctly, is maintained, and we would
  only re-implement it.  A hand parser remains as fallback for truncated or
  edited pastes that jc rejects.
- Hand-parsed: Windows ``ping`` (English and Chinese locale) and
  ``tracert`` and ``pathping``: jc returns empty or invented data for them
  *with exit status 0*, so it cannot be trusted even as a first try.
  ``mtr --report``/``--report-wide`` and the WinMTR export: jc has no mtr
  parser.  ``mtr --json`` is plain JSON.  OBS logs and ffmpeg stderr: no
  jc parser exists.  Nor for ping and traceroute run on Huawei, H3C and
  Cisco routers, or for NextTrace.
Detection always runs first (:mod:`.detect`), so jc is only ever handed a
format it is known to parse.

Modules: :mod:`.decode` (bytes -> text), :mod:`.detect`, :mod:`.numbers` (a
number in a paste, or unknown when edited or garbled), :mod:`.ping`,
:mod:`.path`, :mod:`.router_ping` and :mod:`.router_path` (Huawei VRP, H3C
Comware, Cisco IOS), :mod:`.nexttrace`, :mod:`.carriers` (the Chinese carrier
network a hop belongs to), :mod:`.obs`, :mod:`.ffmpeg`, :mod:`.analysis` (path reading),
:mod:`.rules` (thresholds, rule tables, escalation policy), :mod:`.engine`,
:mod:`.scan` (whole-text phrase pre-filters that keep long logs fast),
:mod:`.destinations` (a pass over the whole text of every attachment, also
text no parser recognised: third-party platform push URLs, TLS handshakes cut
by resets, forged DNS answers, routes through tunnels), :mod:`.ports` (TCP
port tests, nc / Test-NetConnection / telnet / curl, read from the whole
text the same way), :mod:`.lookups` (DNS lookups that failed: dig,
nslookup, Resolve-DnsName, host), :mod:`.responses` (the HTTP status a
playback URL answered curl -I or Invoke-WebRequest), :mod:`.throughput`
(iperf3 and speed tests, the upload held against the stream's bitrate),
:mod:`.messages` and
:mod:`.catalogue` (every text as a message code with parameters, in English
and Chinese: ``result.to_dict("zh-hans")``), :mod:`.evaluation` (answer
quality on the labelled scenarios, ``python manage.py diagnose_eval``).
"""

from .citations import reason_parts
from .decode import decode_paste
from .detect import detect, split_sections
from .engine import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, diagnose, escalation, parse
from .models import (
    Answers,
    Attachment,
    DiagnoseResult,
    Escalation,
    Finding,
    ParsedAttachment,
    Suggestion,
)
from .rules import combine
from .severity import finding_severity, findings_by_severity

__all__ = [
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "Answers",
    "Attachment",
    "DiagnoseResult",
    "Escalation",
    "Finding",
    "ParsedAttachment",
    "Suggestion",
    "finding_severity",
    "findings_by_severity",
    "combine",
    "decode_paste",
    "detect",
    "diagnose",
    "escalation",
    "parse",
    "reason_parts",
    "split_sections",
]
