"""A host name that did not resolve: the tool stopped before it sent a probe.

A customer who types the ingest's name into ping and gets no address back
has a DNS problem, not a network one, and the tool says so in a line of its
own, which is then its whole output::

    ping: push.example.com: Name or service not known          (Linux)
    ping: push.example.com: 未知的名称或服务                      (Linux, zh_CN)
    ping: cannot resolve push.example.com: Unknown host         (macOS)
    Ping request could not find host push.example.com. Please check the name and try again.
    Ping 请求找不到主机 push.example.com。请检查该名称，然后重试。
    Unable to resolve target system name push.example.com.     (tracert, pathping)
    Cannot handle "host" cmdline arg `push.example.com' on position 1 (argc 1)   (traceroute)
    mtr: Failed to resolve host: push.example.com: Name or service not known

(iputils and traceroute print glibc's ``gai_strerror`` text, translated in
a Chinese locale; Windows prints its own.)
"""

from __future__ import annotations

import re

from .scan import lines_containing

# glibc's getaddrinfo errors that mean "no address for this name", English
# and zh_CN.
_GAI = (
    r"(?:Name or service not known|Temporary failure in name resolution|"
    r"No address associated with hostname|未知的名称或服务|域名解析暂时失败)"
)

# (detected kind, platform or None, pattern with the name as its "name" group)
UNRESOLVED: list[tuple[str, str | None, re.Pattern[str]]] = [
    ("ping", "linux", re.compile(rf"^ping6?: (?P<name>[^\s:]+): {_GAI}")),
    # Older iputils, and BusyBox.
    ("ping", "linux", re.compile(r"^ping6?: (?:unknown host (?P<name>\S+)|bad address "
                                 r"'(?P<busybox>[^']+)')")),
    ("ping", "macos", re.compile(r"^ping6?: cannot resolve (?P<name>\S+): Unknown host")),
    ("ping", "windows", re.compile(r"^Ping request could not find host (?P<name>\S+?)\.(?:\s|$)")),
    ("ping", "windows", re.compile(r"^Ping 请求找不到主机 (?P<name>\S+?)。")),
    ("tracert", "windows", re.compile(r"^Unable to resolve target system name (?P<name>\S+?)\.?$")),
    ("tracert", "windows", re.compile(r"^无法解析目标系统名称 (?P<name>\S+?)。")),
    ("traceroute", None, re.compile(r"^Cannot handle \"host\" cmdline arg `(?P<name>[^']+)'")),
    # macOS (and inetutils on Linux, rarely met).
    ("traceroute", "macos", re.compile(r"^traceroute6?: unknown host (?P<name>\S+)")),
    ("mtr", None, re.compile(r"^(?:\S*/)?mtr: Failed to resolve host: (?P<name>[^\s:]+): ")),
    # PowerShell's Test-Connection, 5.1 and 7 (kb.diagnostics.powershell).
    ("ping", "powershell", re.compile(
        r"Testing connection to computer '(?P<name>[^']+)' failed: "
        r"(?:No such host is known|Cannot resolve the target name)")),
]
# Every pattern's line holds one of these: only such lines are tested.
HINTS = (
    "Name or service not known",
    "Temporary failure in name resolution",
    "No address associated with hostname",
    "未知的名称或服务",
    "域名解析暂时失败",
    "unknown host",
    "bad address",
    "cannot resolve",
    "could not find host",
    "请求找不到主机",
    "Unable to resolve target system name",
    "无法解析目标系统名称",
    "cmdline arg",
    "Failed to resolve host",
    "No such host is known",
    "Cannot resolve the target name",
)


def unresolved_name(text: str) -> tuple[str, str] | None:
    """The first name ``text`` says did not resolve, and the line saying it."""
    lines = text.split("\n")
    for i in lines_containing(text, HINTS):
        line = lines[i].strip()
        for _kind, _platform, pattern in UNRESOLVED:
            if m := pattern.search(line):
                found = m.groupdict()
                return found.get("name") or found["busybox"], line
    return None
