from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import detect, parse
from kb.diagnostics.analysis import analyse_path
from kb.diagnostics.routeros import duration_ms, parse_routeros_ping, parse_routeros_trace


def _parsed(name: str):
    return parse(name, (SAMPLES / name).read_bytes())


@pytest.mark.parametrize(
    "token,ms",
    [("1ms582us", 1.582), ("893us", 0.893), ("12ms", 12.0), ("0ms", 0.0), ("1s3ms", 1003.0),
     ("ms", None), ("", None), ("timeout", None), ("1.5", None)],
)
def test_routeros_durations_are_read_in_milliseconds(token, ms):
    assert duration_ms(token) == ms


# ------------------------------------------------------------------- ping
def test_a_dont_fragment_ping_refused_on_the_way_is_an_mtu_finding():
    parsed = _parsed("routeros-ping-mtu.txt")
    assert (parsed.detected, parsed.variant, parsed.tool) == (
        "ping", "routeros", "MikroTik RouterOS ping")
    ping = parsed.results[0]
    assert (ping.sent, ping.loss_pct, ping.frag_needed, ping.dont_fragment) == (2, 100.0, 2, True)
    assert ping.error_replies == []  # too large is not "unreachable"


def test_a_ping_whose_paste_ends_mid_run_counts_every_row_after_the_last_summary():
    # RouterOS sums up every 20 probes; 19 more rows follow the first sum.
    ping = _parsed("routeros-ping-df-cut.txt").results[0]
    assert (ping.sent, ping.received, ping.rtt_max_ms) == (39, 39, 61.0)


def test_routeros_ping_errors_name_the_router_that_sent_them():
    text = (
        "[admin@MikroTik] > /ping address=198.51.100.10 count=3\n"
        "  SEQ HOST                                     SIZE TTL TIME       STATUS\n"
        "    0 203.0.113.1                                84  64 20ms894us  TTL exceeded\n"
        "    1 192.168.88.20                                                timeout\n"
        "    2 198.51.100.10                              56  62 1ms347us\n"
        "    sent=3 received=1 packet-loss=66% min-rtt=1ms347us avg-rtt=1ms347us "
        "max-rtt=1ms347us\n"
    )
    assert detect(text) == ("ping", "routeros")
    ping = parse_routeros_ping(text)
    assert (ping.target, ping.error_from) == ("198.51.100.10", ["203.0.113.1"])
    assert (ping.sent, ping.received, ping.loss_pct, ping.rtt_avg_ms) == (3, 1, 66.0, 1.347)


@given(st.lists(st.one_of(st.none(), st.integers(0, 5_000_000)), min_size=1, max_size=60))
def test_every_routeros_ping_row_is_one_probe(probes):
    # Microseconds, printed as RouterOS 7 does ("1ms582us", "893us").
    header = "  SEQ HOST                                     SIZE TTL TIME       STATUS"
    lines = []
    for seq, micros in enumerate(probes):
        if seq % 20 == 0:
            lines.append(header)
        if micros is None:
            lines.append(f"{seq:5d} 198.51.100.10{'timeout':>58}")
        else:
            millis, rest = divmod(micros, 1000)
            time = (f"{millis}ms" if millis else "") + (f"{rest}us" if rest or not millis else "")
            lines.append(f"{seq:5d} 198.51.100.10{56:>31} {62:>3} {time}")
    ping = parse_routeros_ping("\n".join(lines))
    answered = [m / 1000 for m in probes if m is not None]
    assert (ping.sent, ping.received) == (len(probes), len(answered))
    assert ping.rtts_ms == pytest.approx(answered)


# ------------------------------------------------------------- traceroute
def test_routeros_7_rounds_printed_one_after_another_read_as_the_last_round():
    path = _parsed("routeros-traceroute-v7-rounds.txt").results[0]
    assert [(h.hop, h.sent) for h in path.hops] == [(n, 3) for n in range(1, 6)]
    assert (path.hops[1].host, path.hops[1].rtt_avg_ms, path.reached) == (
        "196.60.9.113", 16.4, True)


def test_a_routeros_trace_that_dies_ends_after_the_last_hop_that_answered():
    parsed = _parsed("routeros-traceroute-v6-dies.txt")
    path = parsed.results[0]
    assert (path.target_ip, path.loss_starts_hop, path.reached) == ("10.11.0.2", 4, False)
    assert "path-unreachable" in [f.kind for f in analyse_path(path)]


def test_a_routeros_hop_that_drops_half_its_answers_but_not_the_path_is_rate_limiting():
    path = _parsed("routeros-traceroute-v6-names.txt").results[0]
    hop = path.hops[4]
    assert (hop.host, hop.loss_pct, hop.rtt_avg_ms, hop.rtt_worst_ms) == (
        "etrunk43.milano1.mil.seabone.net", 50.0, 7.8, 8.2)
    limited = [f.facts["hop"] for f in analyse_path(path) if f.kind == "icmp-rate-limit"]
    assert limited == [5]


def test_a_routeros_7_hop_that_never_answered_has_no_address_and_keeps_its_place():
    path = _parsed("routeros-traceroute-v7-lab.txt").results[0]
    assert [(h.hop, h.host, h.loss_pct) for h in path.hops[:2]] == [
        (1, None, 100.0), (2, "172.16.2.3", 0.0)]


def test_a_paste_of_a_routeros_session_is_read_command_by_command():
    text = ((SAMPLES / "routeros-traceroute-v7-lab.txt").read_text() + "\n"
            + (SAMPLES / "routeros-ping-v7-lab.txt").read_text())
    parsed = parse("session.txt", text.encode())
    kinds = [type(result).__name__ for result in parsed.results]
    assert kinds == ["PathResult", "PingResult"]
    assert parsed.results[1].rtt_avg_ms == 3.431


@pytest.mark.parametrize(
    "rows,expected",
    [
        # Nothing answers: the probe counts tell the rounds apart.
        (["100%    1 timeout", "100%    2 timeout"], [(1, None, 2)]),
        # The first hop never answers: it opens every round.
        (["100%    1 timeout", "198.51.100.2  0%    1 1.0ms 1.0ms 1.0ms 1.0ms 0",
          "100%    2 timeout", "198.51.100.2  0%    2 1.1ms 1.1ms 1.1ms 1.1ms 0"],
         [(1, None, 2), (2, "198.51.100.2", 2)]),
    ],
)
def test_routeros_7_rounds_are_told_apart_without_hop_numbers(rows, expected):
    header = "ADDRESS                          LOSS SENT    LAST     AVG    BEST   WORST STD-DEV"
    path = parse_routeros_trace("\n".join([header, *rows]))
    assert [(h.hop, h.host, h.sent) for h in path.hops] == expected


_TRACE_LAYOUTS = {
    # RouterOS 6: numbered hops; RouterOS 7: none, "ms" after every time.
    6: (" # ADDRESS                          LOSS SENT    LAST     AVG    BEST   WORST",
        "{n:2d} {address:<32} {loss:>3}% {sent:4d} {last:>7} {avg:>7} {best:>7} {worst:>7}"),
    7: ("ADDRESS                          LOSS SENT    LAST     AVG    BEST   WORST STD-DEV",
        "{address:<32} {loss:>3}% {sent:4d} {last:>7} {avg:>5}ms {best:>5}ms {worst:>5}ms 0"),
}


@given(
    st.sampled_from(sorted(_TRACE_LAYOUTS)),
    st.lists(st.tuples(st.integers(0, 100), st.integers(0, 9999)), min_size=1, max_size=30),
    st.integers(1, 4),
    st.booleans(),
)
def test_every_routeros_trace_reads_as_its_last_rounds_hops(version, hops, rounds, headers):
    header, row = _TRACE_LAYOUTS[version]
    lines = []
    for sent in range(1, rounds + 1):
        if headers or sent == 1:
            lines.append(header)
        for n, (loss, tenths) in enumerate(hops, 1):
            address = "" if loss == 100 else f"198.51.100.{n}"
            last = "timeout" if loss == 100 else f"{tenths / 10}ms"
            avg = "" if loss == 100 else tenths / 10
            lines.append(row.format(n=n, address=address, loss=loss, sent=sent, last=last,
                                    avg=avg, best=avg, worst=avg).rstrip())
    path = parse_routeros_trace("\n".join(lines))
    assert [(h.hop, h.loss_pct, h.sent) for h in path.hops] == [
        (n, float(loss), rounds) for n, (loss, _) in enumerate(hops, 1)]
    assert [h.rtt_avg_ms for h in path.hops] == [
        None if loss == 100 else tenths / 10 for loss, tenths in hops]
