"""DNS lookups that failed: the resolver's own verdict on a name.

The DNS article asks a customer to look the push domain up (``dig``,
``nslookup``, ``Resolve-DnsName``, ``host``) and says which answers are the
problem.  Those tools are not measuring tools the parsers read, so this pass
reads their verdicts from the whole text of every attachment, as
:mod:`.destinations` reads their answers for forged addresses::

    ;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 40211   (dig; the name
                                                    from its QUESTION SECTION)
    ** server can't find push.example.com: NXDOMAIN          (nslookup, BIND)
    *** UnKnown can't find push.example.com: Non-existent domain   (nslookup, Windows;
                                                    "can't find" is translated, the status is not)
    Resolve-DnsName : push.example.com : DNS name does not exist
    Host push.example.com not found: 3(NXDOMAIN)            (host)

A name that does not exist (NXDOMAIN) is mistyped or filtered; a server
that failed, refused or never answered (SERVFAIL, REFUSED, a timeout) is
this computer's resolver.  Reverse lookups (an address, ``in-addr.arpa``,
a PTR question) are not read: a missing PTR record breaks no push.
Nothing here raises on any input: the engine's never-raise contract covers
this pass.
"""

from __future__ import annotations

import ipaddress
import re

from .messages import msg
from .models import Finding, ParsedAttachment
from .scan import fold_case, lines_containing

# Every verdict line holds one of these (lower case): few, as each is one
# scan of the whole text.
_PHRASES = (
    "status: ",  # dig
    "** ",  # nslookup: "** server can't find", Windows' "*** ..."
    "dns name does not exist",
    " not found: ",
    "no servers could be reached",
)

_DIG_STATUS = re.compile(
    r";; ->>HEADER<<- opcode: QUERY, status: (?P<status>NXDOMAIN|SERVFAIL|REFUSED)"
)
_DIG_QUESTION = re.compile(r"^;(?P<name>[^\s;]+?)\.?\s+(?:\d+\s+)?IN\s+(?P<type>\S+)")
_BIND_NSLOOKUP = re.compile(
    r"^\*\* server can't find (?P<name>[^\s:]+?)\.?: (?P<status>NXDOMAIN|SERVFAIL|REFUSED)\b"
)
_WINDOWS_NSLOOKUP = re.compile(
    r"^\*\*\* (?:.*\s)?(?P<name>[^\s:]+?)\.?\s?: "
    r"(?P<status>Non-existent domain|Server failed|No response from server|Query refused)\s*$"
)
_RESOLVE_DNSNAME = re.compile(r"Resolve-DnsName : (?P<name>\S+?)\.? : DNS name does not exist")
_HOST = re.compile(
    r"^Host (?P<name>\S+?)\.? not found: \d+\((?P<status>NXDOMAIN|SERVFAIL|REFUSED)\)"
)
# Windows nslookup's "DNS request timed out." is no verdict: it also opens
# the output when only the server's own name (its reverse lookup) timed
# out, and the answer follows.  "*** Request to ... timed-out" ends a
# lookup that got nothing.
_TIMEOUT = re.compile(
    r"connection timed out; no servers could be reached|^\*\*\* Request to \S+ timed-out"
)
# The name a lookup asked for, from the command line or dig's banner
# ("; <<>> DiG 9.18.28 <<>> push.example.com"), for verdicts that do not name it.
_COMMAND = re.compile(
    r"(?:^|[\s>$#]|<<>> )(?:nslookup|dig|host)(?:\.exe)?\s+(?:[-+@]\S+\s+)*"
    r"(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*\.[A-Za-z0-9_.-]+)"
)
_BANNER = re.compile(r"<<>> DiG \S+ <<>> (?:[-+@]\S+\s+)*(?P<name>[A-Za-z0-9_][\w.-]*\.[\w.-]+)")

# The statuses that say the name does not exist; every other verdict is the
# resolver failing.
_MISSING = frozenset({"NXDOMAIN", "Non-existent domain", "DNS name does not exist"})


def failed_lookups(text: str) -> list[tuple[str, str, str]]:
    """(name, status, verdict line) for every forward lookup in ``text`` that failed."""
    candidates = lines_containing(fold_case(text), _PHRASES)
    if not candidates:  # most pastes: no need to split a long log
        return []
    lines = text.split("\n")
    found: list[tuple[str, str, str]] = []
    for idx in candidates:
        line = lines[idx]
        raw = line.strip()
        if m := _DIG_STATUS.search(line):
            name = _dig_question(lines, idx)
            if name is None:  # +noall +comments: no question printed
                name = _asked_before(lines, idx)
            if name:
                found.append((name, m.group("status"), raw))
        elif m := (_BIND_NSLOOKUP.match(raw) or _WINDOWS_NSLOOKUP.match(raw)
                   or _HOST.match(raw)):
            found.append((m.group("name"), m.group("status"), raw))
        elif m := _RESOLVE_DNSNAME.search(line):
            found.append((m.group("name"), "DNS name does not exist", raw))
        elif _TIMEOUT.search(raw):
            name = _asked_before(lines, idx)
            if name:
                found.append((name, "timed out", raw))
    return [(name, status, line) for name, status, line in found if _forward(name)]


def _dig_question(lines: list[str], idx: int) -> str | None:
    """The name of dig's QUESTION SECTION under its header: "" when it did
    not ask for an address (A, AAAA) or an alias (CNAME), None when dig
    printed no question."""
    for line in lines[idx + 1 : idx + 12]:
        m = _DIG_QUESTION.match(line.strip())
        if m:
            return m.group("name") if m.group("type") in ("A", "AAAA", "CNAME") else ""
        if line.startswith(";; ->>HEADER<<-"):
            break
    return None


def _asked_before(lines: list[str], idx: int) -> str | None:
    for line in reversed(lines[max(0, idx - 16) : idx]):
        m = _BANNER.search(line) or _COMMAND.search(line)
        if m:
            return m.group("name").rstrip(".")
    return None


def _forward(name: str) -> bool:
    """A host name, not an address looked up in reverse."""
    if name.lower().endswith((".in-addr.arpa", ".ip6.arpa")):
        return False
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return True
    return False


def analyse_lookups(parsed: ParsedAttachment, text: str) -> list[Finding]:
    """Findings from the failed DNS lookups in one attachment's text."""
    if not text:
        return []
    findings: list[Finding] = []
    seen: set[tuple[str, bool]] = set()
    for name, status, line in failed_lookups(text):
        missing = status in _MISSING
        if (name.lower(), missing) in seen:
            continue
        seen.add((name.lower(), missing))
        kind = "dns-name-missing" if missing else "dns-lookup-failed"
        findings.append(Finding.of(
            kind,
            msg(f"lookup.{kind}", name=name, status=status),
            evidence=[line],
            problems=["push.dns-resolution"],
            facts={"name": name, "status": status, "attachment": parsed.name},
            side="customer",
        ))
    return findings
