"""TCP port tests: did the encoder's computer reach the push port at all?

The push articles tell a customer to test the ingest's port from the
encoder's network (``nc -vz``, ``Test-NetConnection -Port``, ``telnet``)
and to attach the output.  None of these tools is a measuring tool the
parsers read, so this pass reads their verdict lines from the whole text
of every attachment, as :mod:`.destinations` reads ``curl -v`` and ``dig``::

    Connection to push.example.com (203.0.113.10) 1935 port [tcp/*] succeeded!
    nc: connect to push.example.com (203.0.113.10) port 1935 (tcp) failed: Connection refused
    nc: connect to push.example.com (203.0.113.10) port 1935 (tcp) timed out: Operation now ...
    nc: connectx to push.example.com port 1935 (tcp) failed: Operation timed out      (macOS)
    Ncat: Connected to 203.0.113.10:1935.          Ncat: Connection refused.   Ncat: TIMEOUT.
    TcpTestSucceeded       : False                 (Test-NetConnection, with ComputerName,
                                                    RemoteAddress and RemotePort above it)
    Connecting To push.example.com...Could not open connection to the host, on port 1935: ...
    正在连接push.example.com...无法打开到主机的连接。 在端口 1935: 连接失败
    telnet: Unable to connect to remote host: Connection timed out
    curl: (7) Failed to connect to push.example.com port 1935 after 3 ms: Connection refused

How a test failed says where to look: a refusal is an answer (the host was
reached; nothing takes connections on that port, or a firewall rejects
them), a timeout is silence (something on the way drops the connection),
"no route" is this computer or a router giving up.  Test-NetConnection,
Windows telnet and curl 8's "Couldn't connect to server" do not say which.

A name these tools could not resolve ("WARNING: Name resolution of X
failed", nc's "getaddrinfo for host", curl's "(6) Could not resolve host")
is the DNS finding every other tool gives.

curl's verbose "* Connected to host (address) port 443" is not read as an
open port: it is a step on the way to TLS and HTTP, and what failed after
it (a reset handshake, :mod:`.destinations`) is the verdict.  UDP tests
(``nc -vzu``) are not read: UDP has no handshake, so nc reports
"succeeded" whether or not anything listens.  Nothing here raises on any
input: the engine's never-raise contract covers this pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from . import rules
from .analysis import unresolved_finding
from .messages import msg
from .models import Finding, ParsedAttachment, PathResult, PingResult
from .scan import fold_case, lines_containing

# The outcomes, the most telling first: an open port settles its test,
# and a refusal or a timeout says more than a failure of no stated kind,
# or than "no route" (often only the IPv6 address of a name tried after
# its IPv4 one timed out).
OUTCOMES = ("open", "refused", "timeout", "failed", "unreachable")
# The finding kinds of a test that did not connect.
PORT_FAILURES = frozenset(f"port-{outcome}" for outcome in OUTCOMES[1:])

# Every pattern's line holds one of these (lower case). Each is one scan of
# the whole text (a 20,000-line log is read too), and each line holding one
# goes through the patterns: few phrases, none common in logs ("connect"
# alone is on a thousand lines of a long OBS log).
_PHRASES = (
    "succeeded!",
    "nc: connect",
    "ncat:",
    "tcptest",
    "computername",
    "remote",  # RemoteAddress, RemotePort, Unable to connect to remote host
    "tcp connect to",
    "name resolution of",
    "connection to the host",
    "无法打开到主机的连接",
    "failed to connect to",
    "connected to",
    "resolve host",
    "getaddrinfo",
)

_NC_OPEN = re.compile(
    r"^Connection to (?P<host>\S+)(?: \((?P<address>[^()\s]+)\))?"
    r"(?: (?P<port>\d+) port| port (?P<port_mac>\d+)) \[(?P<proto>tcp|udp)/[^\]]*\] succeeded!"
)
_NC_FAILED = re.compile(
    r"^nc: connectx? to (?P<host>\S+)(?: \((?P<address>[^()\s]+)\))? port (?P<port>\d+) "
    r"\((?P<proto>tcp|udp)\) (?P<verb>failed|timed out): (?P<reason>.*\S)"
)
_NC_UNRESOLVED = re.compile(r'^nc: getaddrinfo for host "(?P<name>[^"]+)" port \S+: ')
_NCAT_OPEN = re.compile(r"^Ncat: Connected to (?P<address>\S+):(?P<port>\d+)\.\s*$")
_NCAT_FAILED = re.compile(
    r"^Ncat: (?P<reason>Connection refused|TIMEOUT|Connection timed out|No route to host|"
    r"Network is unreachable|Permission denied|Operation not permitted)\.\s*$"
)
_TNC_FIELD = re.compile(
    r"^\s*(?P<field>ComputerName|RemoteAddress|RemotePort|TcpTestSucceeded)\s*:\s*(?P<value>\S*)\s*$"
)
_TNC_WARNING = re.compile(
    r"TCP connect to (?:\((?P<address>\S+) : (?P<port>\d+)\)|(?P<address2>\S+):(?P<port2>\d+))"
    r" failed"
)
_TNC_UNRESOLVED = re.compile(r"Name resolution of (?P<name>\S+) failed")
# Windows telnet prints "Connecting To host..." and, on the same line, its
# verdict: the verdict is searched first (a pattern that began with the
# optional "Connecting To" would retry every position of a long line).
_TELNET_WINDOWS = re.compile(
    r"Could not open connection to the host, on port (?P<port>\d+): Connect failed"
    r"|无法打开到主机的连接。\s*在端口 (?P<port_zh>\d+): 连接失败"
)
_TELNET_CONNECTING = re.compile(r"(?:Connecting To |正在连接\s*)(?P<host>\S+?)\.\.\.")
_TELNET_FAILED = re.compile(r"^telnet: Unable to connect to remote host: (?P<reason>.*\S)")
_TELNET_OPEN = re.compile(r"^Connected to (?P<host>\S+?)\.?\s*$")
_TELNET_TRYING = re.compile(r"^Trying (?P<address>\S+?)\.\.\.\s*$")
_CURL_FAILED = re.compile(
    r"curl: \((?:7|28)\) Failed to connect to (?P<host>\S+?)(?: port (?P<port>\d+))?"
    r"(?: after \d+ ms)?: (?P<reason>.*\S)"
)
_CURL_UNRESOLVED = re.compile(r"curl: \(6\) Could not resolve host: (?P<name>\S+)")
# A command line naming the host and the port ("$ nc -vz host 1935",
# "C:\> telnet host 1935"): the tools whose verdict does not name them.
_COMMAND = re.compile(
    r"(?:^|[\s>$#])(?P<tool>nc|ncat|netcat|telnet)(?:\.exe)?\s+(?:-\S+\s+(?:\d+\s+)?)*"
    r"(?P<host>[A-Za-z0-9][A-Za-z0-9.:-]*)\s+(?P<port>\d{1,5})\s*$"
)

# The reason a tool gives, as an outcome.
_REASONS = (
    ("refused", ("connection refused",)),
    ("timeout", ("timed out", "timeout")),
    ("unreachable", ("no route to host", "network is unreachable", "host is unreachable",
                     "operation not permitted", "permission denied")),
)


@dataclass(frozen=True)
class PortTest:
    """One TCP connection test and what came of it."""

    tool: str
    host: str | None
    address: str | None
    port: int | None
    outcome: str  # one of OUTCOMES
    line: str  # the verdict line, stripped


def _outcome(reason: str) -> str:
    low = reason.lower()
    for outcome, phrases in _REASONS:
        if any(p in low for p in phrases):
            return outcome
    return "failed"


def _port(*values: str | None) -> int | None:
    for value in values:
        if value and value.isdigit() and 0 < int(value) < 65536:
            return int(value)
    return None


def _command_before(lines: list[str], idx: int, tools: tuple[str, ...]) -> tuple[str, int] | None:
    """The host and port of the nearest command line above ``idx`` run with ``tools``."""
    for line in reversed(lines[max(0, idx - 4) : idx]):
        m = _COMMAND.search(line)
        if m and m.group("tool") in tools:
            port = _port(m.group("port"))
            return (m.group("host"), port) if port else None
    return None


def port_tests(text: str) -> tuple[list[PortTest], list[tuple[str, str]]]:
    """Every TCP port test in ``text``, and the names a test could not resolve."""
    folded = fold_case(text)
    candidates = lines_containing(folded, _PHRASES)
    if not candidates:  # most pastes: no need to split a long log
        return [], []
    lines = text.split("\n")
    tests: list[PortTest] = []
    unresolved: list[tuple[str, str]] = []
    tnc_fields: dict[str, str] = {}
    tnc_property_seen = "tcptestsucceeded" in folded
    tnc_warnings: list[PortTest] = []
    for idx in candidates:
        line = lines[idx]
        raw = line.strip()
        if m := _NC_OPEN.match(raw):
            if m.group("proto") == "tcp":
                tests.append(PortTest("nc", m.group("host"), m.group("address"),
                                      _port(m.group("port"), m.group("port_mac")), "open", raw))
        elif m := _NC_FAILED.match(raw):
            if m.group("proto") == "tcp":
                # -w's timeout: "timed out: Operation now in progress".
                reason = m.group("verb") + " " + m.group("reason")
                tests.append(PortTest("nc", m.group("host"), m.group("address"),
                                      _port(m.group("port")), _outcome(reason), raw))
        elif m := _NC_UNRESOLVED.match(raw):
            unresolved.append((m.group("name"), raw))
        elif m := _NCAT_OPEN.match(raw):
            tests.append(PortTest("ncat", None, m.group("address"), _port(m.group("port")),
                                  "open", raw))
        elif m := _NCAT_FAILED.match(raw):
            host, port = _command_before(lines, idx, ("nc", "ncat")) or (None, None)
            tests.append(PortTest("ncat", host, None, port, _outcome(m.group("reason")), raw))
        elif m := _TNC_FIELD.match(line):
            _read_tnc_field(m, tnc_fields, tests, raw)
        elif "TcpTestSucceeded" in line:
            tests.extend(_tnc_table(lines, idx))
        elif m := _TNC_WARNING.search(line):
            tnc_warnings.append(PortTest(
                "Test-NetConnection", None, m.group("address") or m.group("address2"),
                _port(m.group("port"), m.group("port2")), "failed", raw))
        elif m := _TNC_UNRESOLVED.search(line):
            unresolved.append((m.group("name"), raw))
        elif m := _TELNET_WINDOWS.search(line):
            connecting = _TELNET_CONNECTING.search(line, 0, m.start())
            if connecting:
                host = connecting.group("host")
            else:
                host = (_command_before(lines, idx, ("telnet",)) or (None, None))[0]
            tests.append(PortTest("telnet", host, None, _port(m.group("port"), m.group("port_zh")),
                                  "failed", raw))
        elif m := _TELNET_FAILED.match(raw):
            host, port = _command_before(lines, idx, ("telnet",)) or (None, None)
            tests.append(PortTest("telnet", host, _trying(lines, idx), port,
                                  _outcome(m.group("reason")), raw))
        elif (m := _TELNET_OPEN.match(raw)) and _escape_follows(lines, idx):
            _host, port = _command_before(lines, idx, ("telnet",)) or (None, None)
            tests.append(PortTest("telnet", m.group("host"), _trying(lines, idx), port,
                                  "open", raw))
        elif m := _CURL_FAILED.search(line):
            tests.append(PortTest("curl", m.group("host"), None, _port(m.group("port")),
                                  _outcome(m.group("reason")), raw))
        elif m := _CURL_UNRESOLVED.search(line):
            unresolved.append((m.group("name"), raw))
    if tnc_property_seen:
        tests = [_with_warning(t, tnc_warnings) for t in tests]
    elif tnc_warnings and not any(line.strip() == "True" for line in lines):
        # -InformationLevel Quiet prints only its warnings and True or
        # False; an IPv6 attempt that failed before the IPv4 one worked
        # warns too, and then prints True.
        tests.extend(tnc_warnings)
    return tests, unresolved


def _with_warning(test: PortTest, warnings: list[PortTest]) -> PortTest:
    """A failed Test-NetConnection result cited by its warning, which names
    the address and the port, rather than by "TcpTestSucceeded : False"."""
    if test.tool != "Test-NetConnection" or test.outcome != "failed":
        return test
    for warning in warnings:
        if (warning.address, warning.port) == (test.address, test.port):
            return replace(test, line=warning.line)
    return test


def _read_tnc_field(m: re.Match[str], fields: dict[str, str], tests: list[PortTest],
                    raw: str) -> None:
    """Test-NetConnection's list: ComputerName, RemoteAddress and RemotePort
    come before the verdict line, TcpTestSucceeded, within one result."""
    field, value = m.group("field"), m.group("value")
    if field == "ComputerName":
        fields.clear()
    if field != "TcpTestSucceeded":
        fields[field] = value
        return
    if value.lower() not in ("true", "false"):
        fields.clear()
        return
    outcome = "open" if value.lower() == "true" else "failed"
    tests.append(PortTest("Test-NetConnection", fields.get("ComputerName") or None,
                          fields.get("RemoteAddress") or None,
                          _port(fields.get("RemotePort")), outcome, raw))
    fields.clear()


def _tnc_table(lines: list[str], idx: int) -> list[PortTest]:
    """Test-NetConnection's result as a table (``| Select-Object ComputerName,
    RemotePort, TcpTestSucceeded``): a header, a rule of dashes, a row per
    result."""
    header = lines[idx].split()
    if "TcpTestSucceeded" not in header or idx + 1 >= len(lines):
        return []
    if not set(lines[idx + 1].strip()) <= {"-", " "}:
        return []
    tests = []
    for row in lines[idx + 2 : idx + 2 + 50]:
        cells = row.split()
        if len(cells) != len(header):
            break
        fields = dict(zip(header, cells, strict=True))
        verdict = fields["TcpTestSucceeded"].lower()
        if verdict not in ("true", "false"):
            break
        tests.append(PortTest("Test-NetConnection", fields.get("ComputerName"),
                              fields.get("RemoteAddress"), _port(fields.get("RemotePort")),
                              "open" if verdict == "true" else "failed", row.strip()))
    return tests


def _trying(lines: list[str], idx: int) -> str | None:
    for line in reversed(lines[max(0, idx - 3) : idx]):
        if m := _TELNET_TRYING.match(line.strip()):
            return m.group("address")
    return None


def _escape_follows(lines: list[str], idx: int) -> bool:
    return any("Escape character is" in line for line in lines[idx + 1 : idx + 3])


def _target(test: PortTest) -> str:
    name = test.host or test.address or "?"
    if test.host and test.address and test.address != test.host:
        name = f"{test.host} ({test.address})"
    # "TCP 1935" reads the same in English and Chinese.
    return name if test.port is None else f"{name} TCP {test.port}"


def _key(test: PortTest) -> tuple[str, int | None]:
    return ((test.host or test.address or "").lower(), test.port)


def _verdicts(tests: list[PortTest]) -> list[PortTest]:
    """Each (host, port)'s most telling test."""
    best: dict[tuple[str, int | None], PortTest] = {}
    for test in tests:
        held = best.get(_key(test))
        if held is None or OUTCOMES.index(test.outcome) < OUTCOMES.index(held.outcome):
            best[_key(test)] = test
    return list(best.values())


def _telnet_default_port(test: PortTest) -> tuple[str, str] | None:
    """("push.example.com", "1935") for a Windows telnet run as
    ``telnet push.example.com:1935``: it took the whole as a host name and
    tested port 23, its default."""
    if test.tool != "telnet" or test.port != 23 or not test.host:
        return None
    name, sep, port = test.host.rpartition(":")
    # An IPv6 address ("::1") is a host of its own, tested on port 23.
    if sep and name and ":" not in name and port.isdigit():
        return name, port
    return None


def analyse_port_tests(parsed: ParsedAttachment, text: str) -> list[Finding]:
    """Findings from the TCP port tests in one attachment's text."""
    if not text:
        return []
    tests, unresolved = port_tests(text)
    findings: list[Finding] = []
    already = {r.unresolved[0] for r in parsed.results
               if isinstance(r, PingResult | PathResult) and r.unresolved}
    for name, line in unresolved:
        if name not in already:
            already.add(name)
            findings.append(unresolved_finding((name, line)))
    mistyped = [t for t in tests if _telnet_default_port(t)]
    if mistyped:
        name, port = _telnet_default_port(mistyped[0]) or ("", "")
        findings.append(Finding.of(
            "telnet-default-port",
            msg("port.telnet-default", host=mistyped[0].host, name=name, port=port),
            evidence=[mistyped[0].line],
        ))
    verdicts = _verdicts([t for t in tests if not _telnet_default_port(t)])
    failed = [t for t in verdicts if t.outcome != "open"]
    for outcome in OUTCOMES[1:]:
        group = [t for t in failed if t.outcome == outcome]
        if group:
            findings.append(_finding(f"port-{outcome}", f"port.{outcome}", group))
    opened = [t for t in verdicts if t.outcome == "open"]
    if opened:
        # A port that answered beside one of the same host that stayed
        # silent: the network filters ports (a refusal is the host's answer).
        silent = [t for t in failed if t.outcome != "refused"]
        beside = [t for t in opened if _key(t)[0] in {_key(s)[0] for s in silent}]
        if beside:
            blocked = [t for t in silent if _key(t)[0] in {_key(b)[0] for b in beside}]
            findings.append(Finding.of(
                "port-open-beside-blocked",
                msg("port.open-beside-blocked", open=_targets(beside), blocked=_targets(blocked)),
                evidence=[t.line for t in beside[:2]] + [t.line for t in blocked[:1]],
                facts={"open": [_target(t) for t in beside],
                       "blocked": [_target(t) for t in blocked], "reached": _reached(beside)},
            ))
        rest = [t for t in opened if t not in beside]
        if rest:
            findings.append(_finding("port-open", "port.open", rest))
    for f in findings:
        f.facts.setdefault("attachment", parsed.name)
    return findings


def reached_by_tcp(findings: list[Finding]) -> dict[str, int]:
    """Host names and addresses (lower case) a port test connected to, with the port."""
    reached: dict[str, int] = {}
    for f in findings:
        if f.kind in ("port-open", "port-open-beside-blocked"):
            for target, port in f.facts.get("reached", {}).items():
                reached.setdefault(target, port)
    return reached


# What a target that drops ping and trace probes looks like to those tools.
_PROBES_LOST = ("ping-total-loss", "path-unreachable", "path-unreachable-local")


def probes_filtered(result: PingResult | PathResult, findings: list[Finding],
                    reached: dict[str, int]) -> list[Finding]:
    """``findings`` of a ping or a trace, with "nothing answers" read again
    when a TCP port of the same target accepted connections: the target (or
    a firewall in front of it) drops the probes, the line is up."""
    if isinstance(result, PingResult):
        targets = [result.target]
    else:
        targets = [result.target_ip, result.target]
    port = next((reached[t.lower()] for t in targets if t and t.lower() in reached), None)
    lost = [f for f in findings if f.kind in _PROBES_LOST]
    if port is None or not lost:
        return findings
    target = next(t for t in targets if t and t.lower() in reached)
    tool = "ping" if isinstance(result, PingResult) else result.tool
    kept = [f for f in findings if f not in lost]
    kept.append(Finding.of(
        "probes-filtered",
        msg("port.probes-filtered", target=target, tool=tool, port=port),
        evidence=lost[0].evidence[:2],
        facts={"target": target, "port": port, "instead_of": lost[0].kind},
    ))
    return kept


def _targets(tests: list[PortTest]) -> str:
    names = [_target(t) for t in tests[:3]]
    if len(tests) > 3:
        names.append("…")
    return ", ".join(names)


def _finding(kind: str, code: str, tests: list[PortTest]) -> Finding:
    tools = sorted({t.tool for t in tests})
    facts: dict[str, object] = {"targets": [_target(t) for t in tests]}
    if kind == "port-open":
        facts["reached"] = _reached(tests)
    return Finding.of(
        kind,
        msg(code, targets=_targets(tests), tool=", ".join(tools)),
        evidence=[t.line for t in tests[:3]],
        problems=rules.problems_for(kind),
        facts=facts,
    )


def _reached(tests: list[PortTest]) -> dict[str, int]:
    reached: dict[str, int] = {}
    for test in tests:
        for name in (test.host, test.address):
            if name and test.port is not None:
                reached.setdefault(name.lower(), test.port)
    return reached
