from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import detect, parse, split_sections
from kb.diagnostics.analysis import analyse_ping
from kb.diagnostics.powershell import (
    parse_test_connection,
    parse_test_connection_trace,
    status_kind,
)

PWSH_HEADER = (
    "   Destination: 198.51.100.10\n"
    "\n"
    "Ping Source           Address                   Latency BufferSize Status\n"
    "                                                   (ms)        (B)\n"
    "---- ------           -------                   ------- ---------- ------\n"
)
TRACE_HEADER = (
    "   Target: 198.51.100.10\n"
    "\n"
    "Hop Hostname                  Ping Latency Status           Source       TargetAddress\n"
    "                                      (ms)\n"
    "--- --------                  ---- ------- ------           ------       -------------\n"
)
LEGACY_HEADER = (
    "Source        Destination     IPV4Address      IPV6Address                              "
    "Bytes    Time(ms)\n"
    "------        -----------     -----------      -----------                              "
    "-----    --------\n"
)


def _pwsh_row(ping: int, address: str, latency: str, size: str, status: str) -> str:
    return f"{ping:>4} STUDIO-PC        {address:<25} {latency:>7} {size:>10} {status}\n"


def _trace_row(hop: int, host: str, ping: int, latency: str, status: str) -> str:
    return (f"{hop:>3} {host:<25} {ping:>4} {latency:>7} {status:<16} STUDIO-PC    "
            f"198.51.100.10\n")


def _parsed(name: str):
    return parse(name, (SAMPLES / name).read_bytes())


@pytest.mark.parametrize("cell,kind", [
    ("Success", "reply"), ("TimedOut", "no-reply"), ("PacketTooBig", "too-big"),
    ("DestinationHostUnreachable", "error"), ("TtlExpired", "error"),
    # Cut to the column's width, with PowerShell's ellipsis or three dots.
    ("DestinationNetw…", "error"), ("DestinationHo...", "error"), ("Ttl…", "error"),
    # A cut name shared by statuses of different meanings says nothing.
    ("T…", None), ("…", None), ("Succes", None), ("OK", None), ("*", None),
])
def test_a_status_cell_is_read_by_its_ipstatus_name_even_when_cut(cell, kind):
    assert status_kind(cell) == kind


# ------------------------------------------------------------------- ping
def test_powershell_7_rows_count_each_probe_and_name_the_tool():
    parsed = _parsed("powershell7-test-connection.txt")
    assert (parsed.detected, parsed.platform, parsed.variant, parsed.tool) == (
        "ping", None, "powershell", "PowerShell Test-Connection")
    ping = parsed.results[0]
    assert (ping.target, ping.sent, ping.received, ping.rtts_ms) == (
        "Server01", 4, 3, [24.0, 39.0, 28.0])
    assert ping.evidence["loss_pct"].endswith("* TimedOut")


def test_an_unreachable_answer_names_the_router_that_sent_it():
    text = PWSH_HEADER + "".join([
        _pwsh_row(1, "203.0.113.1", "0", "32", "DestinationHostUnreachable"),
        _pwsh_row(2, "203.0.113.1", "0", "32", "DestinationHostUnreachable"),
    ])
    assert detect(text) == ("ping", "powershell")
    ping = parse_test_connection(text)
    assert (ping.sent, ping.received, ping.error_from) == (2, 0, ["203.0.113.1"] * 2)
    assert [f.kind for f in analyse_ping(ping)] == ["ping-unreachable"]


def test_a_dont_fragment_probe_too_big_for_the_path_is_an_mtu_finding():
    text = PWSH_HEADER + "".join([
        _pwsh_row(1, "203.0.113.1", "0", "1472", "PacketTooBig"),
        _pwsh_row(2, "*", "*", "*", "TimedOut"),
    ])
    ping = parse_test_connection(text)
    assert (ping.frag_needed, ping.sent, ping.error_replies) == (1, 2, [])
    assert "ping-frag-needed" in [f.kind for f in analyse_ping(ping)]


def test_only_the_first_target_of_several_is_read():
    text = (PWSH_HEADER + _pwsh_row(1, "198.51.100.10", "180", "32", "Success")
            + PWSH_HEADER.replace("198.51.100.10", "192.0.2.7")
            + _pwsh_row(1, "192.0.2.7", "*", "*", "TimedOut"))
    ping = parse_test_connection(text)
    assert (ping.target, ping.sent, ping.received) == ("198.51.100.10", 1, 1)


def test_windows_powershell_reads_replies_and_an_error_per_lost_probe():
    text = LEGACY_HEADER + (
        "STUDIO-PC     live.example.com 198.51.100.10                                         "
        "32       212\n"
        "Test-Connection : Testing connection to computer 'live.example.com' failed: Error due "
        "to lack of resources\n"
        "At line:1 char:1\n"
        "STUDIO-PC     live.example.com 198.51.100.10                                         "
        "32       208\n"
    )
    ping = parse_test_connection(text)
    assert (ping.target, ping.sent, ping.received, ping.rtts_ms) == (
        "live.example.com", 3, 2, [212.0, 208.0])


def test_a_name_that_did_not_resolve_sent_no_probe_and_is_a_dns_finding():
    parsed = parse("tc.txt", "Test-Connection : Testing connection to computer "
                             "'push.example.com' failed: No such host is known\n" * 3)
    ping = parsed.results[0]
    assert (parsed.detected, ping.sent, ping.unresolved[0]) == ("ping", None, "push.example.com")
    assert [f.kind for f in analyse_ping(ping)] == ["error-dns_failure"]


def test_every_probe_lost_to_timeouts_is_total_loss():
    parsed = _parsed("windows-powershell-test-connection-no-reply.txt")
    kinds = [f.kind for f in analyse_ping(parsed.results[0])]
    assert kinds == ["ping-total-loss"]


def test_two_runs_in_one_paste_are_read_one_by_one():
    sections = split_sections((SAMPLES / "windows-powershell-test-connection.txt").read_text())
    assert [(s.kind, s.platform) for s in sections] == [("ping", "powershell")] * 2
    targets = [r.target for r in _parsed("windows-powershell-test-connection.txt").results]
    assert targets == ["www.google.com", "142.250.200.4"]


_STATUS_CELLS = st.sampled_from(
    ["Success", "TimedOut", "DestinationHostUnreachable", "DestinationNetw…", "PacketTooBig",
     "TtlExpired"])


@given(st.lists(st.tuples(_STATUS_CELLS, st.integers(0, 5000)), min_size=1, max_size=40))
def test_every_powershell_7_row_is_one_probe(probes):
    rows = []
    for number, (status, latency) in enumerate(probes, start=1):
        if status == "TimedOut":
            rows.append(_pwsh_row(number, "*", "*", "*", status))
        elif status == "Success":
            rows.append(_pwsh_row(number, "198.51.100.10", str(latency), "32", status))
        else:
            rows.append(_pwsh_row(number, "203.0.113.1", "0", "32", status))
    ping = parse_test_connection(PWSH_HEADER + "".join(rows))
    answered = [latency for status, latency in probes if status == "Success"]
    assert (ping.sent, ping.received) == (len(probes), len(answered))
    assert ping.rtts_ms == [float(latency) for latency in answered]
    assert ping.loss_pct == round(100.0 * (len(probes) - len(answered)) / len(probes), 1)


# ------------------------------------------------------------- traceroute
def test_a_powershell_trace_reads_three_probes_per_hop():
    parsed = _parsed("powershell7-test-connection-traceroute.txt")
    assert (parsed.tool, parsed.variant) == ("PowerShell Test-Connection -Traceroute",
                                             "powershell")
    path = parsed.results[0]
    assert (path.target, path.target_ip, path.reached) == ("google.com", "172.217.9.174", True)
    first = path.hops[0]
    assert (first.sent, first.loss_pct, first.rtt_best_ms, first.rtt_avg_ms,
            first.rtt_worst_ms) == (3, 0.0, 2.0, 3.0, 4.0)


def test_a_hop_without_a_router_is_silent_whatever_the_targets_probes_met():
    # Hop 4's probes went to the target and met "DestinationNetw…" on the way:
    # not an answer from hop 4, and not the end of the path (hop 11 answers).
    path = _parsed("powershell7-test-connection-traceroute.txt").results[0]
    hop4 = path.hops[3]
    assert (hop4.host, hop4.loss_pct, hop4.error, hop4.rtt_avg_ms) == (None, 100.0, None, None)
    assert "DestinationNetw…" in hop4.line


def test_a_powershell_trace_that_stops_short_of_its_target_did_not_reach_it():
    text = TRACE_HEADER + "".join(
        _trace_row(hop, host, ping, "12", "Success")
        for hop, host in ((1, "192.168.1.1"), (2, "203.0.113.1"))
        for ping in (1, 2, 3)
    )
    path = parse("trace.txt", text).results[0]
    assert (len(path.hops), path.reached) == (2, False)


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(0, 900)), min_size=1, max_size=3),
                min_size=1, max_size=30))
def test_every_powershell_trace_hop_counts_its_own_rows(hops):
    rows = []
    for number, probes in enumerate(hops, start=1):
        host = f"10.0.{number}.1"
        for ping, latency in enumerate(probes, start=1):
            rows.append(_trace_row(number, host, ping, "*" if latency is None else str(latency),
                                   "TimedOut" if latency is None else "Success"))
    path = parse_test_connection_trace(TRACE_HEADER + "".join(rows))
    assert [h.hop for h in path.hops] == list(range(1, len(hops) + 1))
    for hop, probes in zip(path.hops, hops, strict=True):
        answered = [latency for latency in probes if latency is not None]
        assert hop.sent == len(probes)
        assert hop.loss_pct == round(100.0 * (len(probes) - len(answered)) / len(probes), 1)
        assert hop.rtt_best_ms == (min(answered) if answered else None)
