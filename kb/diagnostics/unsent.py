"""Probes this computer could not send: the loss is on the customer's machine.

When the computer has no route to the target (Wi-Fi or the adapter down for
a moment, a VPN that took the routes, no default gateway) or its own
firewall refuses the packet, ping reports the failed send, not a lost
reply::

    ping: sendmsg: Network is unreachable         (iputils, per probe)
    ping: connect: Network is unreachable         (iputils: no route at all, nothing sent)
    connect: 网络不可达                              (iputils in a zh_CN locale)
    ping: sendmsg: Operation not permitted        (the local firewall)
    ping: sendto: No route to host                (macOS)
    PING: transmit failed. General failure.       (Windows)
    PING：传输失败。常见故障。                        (Windows, Chinese)
      2  Transmit error: code 1231.               (tracert, pathping: a Win32 error)
    connect: Network is unreachable               (traceroute, after its header)

ping counts those probes as sent and lost; read naively they are packet
loss on the path, or total loss blamed on the line.
"""

from __future__ import annotations

import re

from .scan import lines_containing

# errno texts (glibc, English and zh_CN) for a send that found no way out.
_ERRNO = (
    r"(?:Network is unreachable|No route to host|Operation not permitted|Host is down|"
    r"网络不可达|没有到主机的路由|不允许的操作)"
)
_UNSENT = re.compile(
    rf"^(?:ping6?: )?(?:sendmsg|sendto|send|connect): {_ERRNO}\s*$|"
    # tracert and pathping number the hop; a code below 11000 is the
    # computer's own error (IP status codes, 11000 on, are "reports: ...").
    r"^\d+\s+Transmit error: code \d{1,4}\.?\s*$|"
    r"^PING: transmit failed\. General failure\.|^PING：传输失败。常见故障。|"
    r"^(?:General failure\.|一般故障。)\s*$"
)
# A failure with no probe sent at all: iputils' connect() before the first.
NOTHING_SENT = re.compile(rf"^(?:ping6?: )?connect: {_ERRNO}\s*$")
HINTS = ("sendmsg: ", "sendto: ", "send: ", "connect: ", "transmit failed", "Transmit error",
         "传输失败", "General failure", "一般故障")


def unsent_probes(text: str) -> list[str]:
    """The lines of ``text`` that report a probe this computer could not send."""
    lines = text.split("\n")
    found = []
    for i in lines_containing(text, HINTS):
        line = lines[i].strip()
        if _UNSENT.search(line):
            found.append(line)
    return found
