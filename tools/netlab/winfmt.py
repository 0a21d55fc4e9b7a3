#!/usr/bin/env python3
"""Render lab measurements the way Windows tools print them.

Windows does not run in the lab, so the Windows samples of the corpus are
real measurements (Linux ``ping -O``, ``traceroute -n -q 3``, ``mtr --json``
taken on the lab path) written out in the exact layout of Windows ``ping``,
``tracert``, ``pathping`` and WinMTR, English or Chinese (zh-CN) locale:

    python3 winfmt.py ping|tracert|pathping|winmtr RAWFILE [--lang en|zh]

Layouts follow Microsoft's documentation of the commands (learn.microsoft.com
windows-commands ping / tracert / pathping: the pathping example is copied
into tests/diagnostics/samples/windows-pathping-en.txt) and the public pastes
kept in the corpus (windows-ping-zh-*.txt, windows-tracert-zh-*.txt,
windows-pathping-zh.txt, winmtr-export-full.txt): column widths, the
Chinese full-width commas, "<1 毫秒" against "N ms", "请求超时。".
pathping's "This Node/Link" columns are derived as in Microsoft's example:
the link into hop n loses min(loss to hops >= n) - min(loss to hops >= n-1),
the node keeps the rest of its own loss.
"""

from __future__ import annotations

import json
import re
import sys

TXT = {
    "en": {
        "ping_head": "Pinging {t} with 32 bytes of data:",
        "reply": "Reply from {a}: bytes=32 time{op}{ms}ms TTL={ttl}",
        "timeout": "Request timed out.",
        "net": "Reply from {a}: Destination net unreachable.",
        "host": "Reply from {a}: Destination host unreachable.",
        "stats": "Ping statistics for {t}:",
        "packets": "    Packets: Sent = {s}, Received = {r}, Lost = {l} ({p}% loss),",
        "rtt_head": "Approximate round trip times in milli-seconds:",
        "rtt": "    Minimum = {mn}ms, Maximum = {mx}ms, Average = {av}ms",
        "trace_head": "Tracing route to {t} over a maximum of 30 hops",
        "rto": "Request timed out.",
        "reports_net": "{a}  reports: Destination net unreachable.",
        "reports_host": "{a}  reports: Destination host unreachable.",
        "done": "Trace complete.",
        "computing": "Computing statistics for {n} seconds...",
        "col1": "            Source to Here   This Node/Link",
        "col2": "Hop  RTT    Lost/Sent = Pct  Lost/Sent = Pct  Address",
    },
    "zh": {
        "ping_head": "正在 Ping {t} 具有 32 字节的数据:",
        "reply": "来自 {a} 的回复: 字节=32 时间{op}{ms}ms TTL={ttl}",
        "timeout": "请求超时。",
        "net": "来自 {a} 的回复: 无法访问目标网。",
        "host": "来自 {a} 的回复: 无法访问目标主机。",
        "stats": "{t} 的 Ping 统计信息:",
        "packets": "    数据包: 已发送 = {s}，已接收 = {r}，丢失 = {l} ({p}% 丢失)，",
        "rtt_head": "往返行程的估计时间(以毫秒为单位):",
        "rtt": "    最短 = {mn}ms，最长 = {mx}ms，平均 = {av}ms",
        "trace_head": "通过最多 30 个跃点跟踪到 {t} 的路由",
        "rto": "请求超时。",
        "reports_net": "{a}  报告: 无法访问目标网。",
        "reports_host": "{a}  报告: 无法访问目标主机。",
        "done": "跟踪完成。",
        "computing": "正在计算统计信息，已耗时 {n} 秒...",
        "col1": "            指向此处的源   此节点/链接",
        "col2": "跃点  RTT    已丢失/已发送 = Pct  已丢失/已发送 = Pct  地址",
    },
}
PROMPT = "C:\\Users\\ops>"


def ms_text(value: float) -> tuple[str, str]:
    return ("<", "1") if value < 1 else ("=", str(int(round(value))))


def render_ping(raw: str, lang: str) -> str:
    t = TXT[lang]
    target = re.search(r"^PING \S+ \(([^)]+)\)", raw, re.M).group(1)
    out = [f"{PROMPT}ping -n {{n}} {target}", "", t["ping_head"].format(t=target)]
    sent = received = 0
    rtts: list[int] = []
    for line in raw.split("\n"):
        m = re.search(r"from (\S+): icmp_seq=\d+ ttl=(\d+) time=([\d.]+) ms", line)
        if m:
            op, ms = ms_text(float(m.group(3)))
            out.append(t["reply"].format(a=m.group(1).rstrip(":"), op=op, ms=ms, ttl=m.group(2)))
            rtts.append(0 if op == "<" else int(ms))
            sent += 1
            received += 1
            continue
        if re.search(r"no answer yet for icmp_seq", line):
            out.append(t["timeout"])
            sent += 1
            continue
        m = re.search(r"^From (\S+) icmp_seq=\d+ Destination (Net|Host) Unreachable", line)
        if m:
            key = "net" if m.group(2) == "Net" else "host"
            out.append(t[key].format(a=m.group(1)))
            sent += 1
            received += 1  # Windows counts an ICMP error reply as received
    out[0] = out[0].format(n=sent)
    lost = sent - received
    pct = int(100 * lost / sent) if sent else 0
    out += ["", t["stats"].format(t=target), t["packets"].format(s=sent, r=received, l=lost, p=pct)]
    if rtts:
        average = sum(rtts) // len(rtts)
        out += [t["rtt_head"], t["rtt"].format(mn=min(rtts), mx=max(rtts), av=average)]
    return "\n".join(out + ["", PROMPT]) + "\n"


def _probe(value: str | None) -> str:
    if value is None:
        return "     *   "
    v = float(value)
    return f"{'<1':>6} ms" if v < 1 else f"{int(round(v)):6d} ms"


def render_tracert(raw: str, lang: str) -> str:
    t = TXT[lang]
    target = re.search(r"^traceroute to \S+ \(([^)]+)\)", raw, re.M).group(1)
    out = [f"{PROMPT}tracert -d {target}", "", t["trace_head"].format(t=target), ""]
    reached = False
    last_hop = 0
    for line in raw.split("\n"):
        m = re.match(r"^\s*(\d+)\s+(.*)$", line)
        if not m:
            continue
        hop, rest = int(m.group(1)), m.group(2)
        last_hop = hop
        tokens = rest.split()
        addr = None
        probes: list[str | None] = []
        flag = None
        i = 0
        while i < len(tokens) and len(probes) < 3:
            tok = tokens[i]
            if tok == "*":
                probes.append(None)
            elif re.match(r"^\d+\.\d+\.\d+\.\d+$", tok):
                addr = addr or tok
            elif i + 1 < len(tokens) and tokens[i + 1] == "ms":
                probes.append(tok)
                i += 1
                if i + 1 < len(tokens) and tokens[i + 1].startswith("!"):
                    flag = tokens[i + 1]
                    i += 1
            i += 1
        if flag in ("!N", "!H") and addr:
            key = "reports_net" if flag == "!N" else "reports_host"
            out.append(f"{hop:3d}  " + t[key].format(a=addr))
            reached = True
            break
        line_out = f"{hop:3d}" + "".join(_probe(p) for p in probes) + "  " + (addr or t["rto"])
        if lang == "zh":
            line_out = line_out.replace("<1 ms ", "<1 毫秒")
        out.append(line_out)
        if addr == target:
            reached = True
            break
    if not reached:
        # tracert keeps going to its 30-hop maximum
        for hop in range(last_hop + 1, 31):
            out.append(f"{hop:3d}" + _probe(None) * 3 + "  " + t["rto"])
    out += ["", t["done"], "", PROMPT]
    return "\n".join(out) + "\n"


def _hubs(raw: str) -> tuple[str, list[dict]]:
    data = json.loads(raw[raw.find("{"):])
    return data["report"]["mtr"]["dst"], data["report"]["hubs"]


def render_pathping(raw: str, lang: str) -> str:
    t = TXT[lang]
    target, hubs = _hubs(raw)
    out = [f"{PROMPT}pathping -n {target}", "", t["trace_head"].format(t=target)]
    out.append("  0  192.168.50.10")
    listed = []
    for hub in hubs:
        n = int(hub["count"])
        if hub["host"] == "???":
            out.append(f"{n:3d}     *        *        *     ")
            break
        out.append(f"{n:3d}  {hub['host']}")
        listed.append(hub)
    seconds = 25 * (len(listed) + 1)
    out.append(t["computing"].format(n=seconds))
    out += [t["col1"], t["col2"], f"  0{' ' * 43}192.168.50.10"]
    sent = 100
    lost = [int(round(float(h["Loss%"]) * sent / 100)) for h in listed]
    prev_min = 0
    for idx, hub in enumerate(listed):
        here_min = min(lost[idx:])
        link = max(0, here_min - prev_min)
        node = lost[idx] - here_min
        prev_min = here_min
        out.append(f"{' ' * 30}{link:3d}/{sent:4d} ={round(100 * link / sent):3d}%   |")
        rtt = f"{int(round(float(hub['Avg']))):3d}ms" if lost[idx] < sent else "---  "
        here_pct = round(100 * lost[idx] / sent)
        node_pct = round(100 * node / sent)
        out.append(
            f"{int(hub['count']):3d}  {rtt}   {lost[idx]:3d}/{sent:4d} ={here_pct:3d}%"
            f"   {node:3d}/{sent:4d} ={node_pct:3d}%  {hub['host']}"
        )
    out += ["", t["done"], "", PROMPT]
    return "\n".join(out) + "\n"


def render_winmtr(raw: str, lang: str) -> str:
    _target, hubs = _hubs(raw)
    rule = "|" + "-" * 90 + "|"
    out = [rule, "|" + "WinMTR statistics".center(90) + "|",
           "|" + "Host".rjust(40) + " -   %  | Sent | Recv | Best | Avrg | Wrst | Last |",
           "|" + "-" * 48 + "|------|------|------|------|------|------|"]
    for hub in hubs:
        snt = int(hub["Snt"])
        loss = float(hub["Loss%"])
        recv = snt - int(round(loss * snt / 100))
        if hub["host"] == "???":
            host, vals = "No response from host", (0, 0, 0, 0)
            loss, recv = 100.0, 0
        else:
            host = hub["host"]
            vals = tuple(int(round(float(hub[k]))) for k in ("Best", "Avg", "Wrst", "Last"))
        out.append(f"|{host:>40} - {int(round(loss)):4d} | {snt:4d} | {recv:4d} | "
                   + " | ".join(f"{v:4d}" for v in vals) + " |")
    out.append("|" + "_" * 48 + "|______|______|______|______|______|______|")
    out.append("   WinMTR v0.92 GPL V2 by Appnor MSP - Fully Managed Hosting & Cloud Provider")
    return "\n".join(out) + "\n"


def main() -> None:
    kind, path = sys.argv[1], sys.argv[2]
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
    raw = open(path, encoding="utf-8").read()
    text = {"ping": render_ping, "tracert": render_tracert, "pathping": render_pathping,
            "winmtr": render_winmtr}[kind](raw, lang)
    # Windows consoles write CRLF; Chinese ones GBK when redirected with cmd.
    data = text.replace("\n", "\r\n").encode("gbk" if lang == "zh" else "utf-8")
    sys.stdout.buffer.write(data)


if __name__ == "__main__":
    main()
