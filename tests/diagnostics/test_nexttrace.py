from __future__ import annotations

import json

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import detect, parse
from kb.diagnostics.nexttrace import parse_nexttrace, parse_nexttrace_json


def _parsed(name: str):
    return parse(name, (SAMPLES / name).read_bytes())


def test_an_unknown_as_is_not_a_lost_probe():
    # "2   10.0.0.6        *                         RFC1918": once read as a
    # Linux traceroute hop that lost half its probes, its time ignored.
    parsed = _parsed("nexttrace-reached.txt")
    assert (parsed.detected, parsed.platform, parsed.variant) == ("traceroute", None, "nexttrace")
    assert parsed.tool == "NextTrace"
    hop = parsed.results[0].hops[1]
    assert (hop.host, hop.loss_pct, hop.rtt_avg_ms) == ("10.0.0.6", 0.0, 0.66)


def test_a_trace_that_reaches_its_target_reads_clean():
    parsed = _parsed("nexttrace-reached.txt")
    assert parsed.metrics["reached"] is True
    assert parsed.metrics["dest_rtt_avg_ms"] == 109.82


def test_a_hop_that_answered_nothing_does_not_say_how_many_probes_it_sent():
    hop = _parsed("nexttrace-crossborder-dies.txt").results[0].hops[4]  # "5   *"
    assert (hop.host, hop.sent, hop.loss_pct) == (None, None, 100.0)


def test_where_the_trace_dies_is_after_the_last_hop_that_answered():
    parsed = _parsed("nexttrace-crossborder-dies.txt")
    assert (parsed.metrics["loss_starts_hop"], parsed.metrics["reached"]) == (15, False)


def _hop_lines(n: int, probes: list[list[int | None]]) -> list[str]:
    """One hop as NextTrace's classic printer writes it (printer/realtime_printer.go):
    a block per address, its probe times on the line under it."""
    if not any(t is not None for block in probes for t in block):
        return [f"{n:<2d}  *"]
    lines = []
    for i, block in enumerate(probes):
        address = f"198.51.{n}.{i + 1}"
        lead = f"{n:<2d}  " if i == 0 else "    "
        whois = f"{'[CHINANET-BB]':<16s}"
        lines.append(f"{lead}{address:<15s} AS{4134:<6d} {whois} 中国 广东 广州  电信")
        times = " / ".join("* ms" if t is None else f"{t / 100:.2f} ms" for t in block)
        lines.append(f"    {'':<39s}   {times}")
    return lines


_PROBES = st.lists(st.one_of(st.none(), st.integers(1, 99_999)), min_size=1, max_size=3)


@given(st.lists(st.lists(_PROBES, min_size=1, max_size=2), min_size=1, max_size=30))
def test_every_hop_keeps_all_of_its_probes(hops):
    lines = ["traceroute to 203.0.113.10, 30 hops max, 52 bytes payload"]
    for n, blocks in enumerate(hops, 1):
        lines += _hop_lines(n, blocks)
    text = "\n".join(lines)
    assert detect(text) == ("traceroute", "nexttrace")
    parsed = parse_nexttrace(text).hops
    assert [h.hop for h in parsed] == list(range(1, len(hops) + 1))
    for hop, blocks in zip(parsed, hops, strict=True):
        probes = [t for block in blocks for t in block]
        answered = [t / 100 for t in probes if t is not None]
        if not answered:
            assert (hop.host, hop.loss_pct) == (None, 100.0)
            continue
        assert hop.host == f"198.51.{hop.hop}.1"
        assert hop.sent == len(probes)
        assert hop.loss_pct == round(100.0 * (len(probes) - len(answered)) / len(probes), 1)
        assert hop.rtt_worst_ms == max(answered)


# nexttrace --json: the trace as Go marshals it (trace.Result), RTT in ns.
def _probe(ttl: int, ip: str | None, rtt_ns: int = 0, asn: str = "") -> dict:
    if ip is None:
        return {"Success": False, "Address": None, "Hostname": "", "TTL": ttl, "RTT": 0,
                "Error": {}, "Geo": None, "Lang": "", "MPLS": None}
    return {"Success": True, "Address": {"IP": ip, "Zone": ""}, "Hostname": "", "TTL": ttl,
            "RTT": rtt_ns, "Error": None,
            "Geo": {"ip": "", "asnumber": asn, "country": "中国", "country_en": "China",
                    "whois": "CHINANET-BB" if asn == "4134" else ""},
            "Lang": "cn", "MPLS": None}


_JSON_TRACE = {
    "Hops": [
        [_probe(1, "192.168.1.1", 612_000), _probe(1, "192.168.1.1", 540_000)],
        [_probe(2, None), _probe(2, None)],
        [_probe(3, "202.97.66.226", 158_700_000, "4134"), _probe(3, None)],
    ],
    "TraceMapUrl": "",
}


@pytest.mark.parametrize("indent", [None, 2], ids=["as printed", "pretty-printed"])
def test_nexttrace_json_is_read_as_its_trace(indent):
    text = json.dumps(_JSON_TRACE, ensure_ascii=False, indent=indent)
    assert detect(text) == ("traceroute", "nexttrace")
    parsed = parse("trace.json", text.encode())
    hops = parsed.results[0].hops
    assert [(h.hop, h.host, h.sent, h.loss_pct, h.rtt_avg_ms, h.asn) for h in hops] == [
        (1, "192.168.1.1", 2, 0.0, 0.576, None),
        (2, None, 2, 100.0, None, None),
        (3, "202.97.66.226", 2, 50.0, 158.7, 4134),
    ]
    # Evidence reads as NextTrace prints the hop, not as JSON.
    assert hops[2].line == "3   202.97.66.226   AS4134   158.70 ms / * ms"


def test_json_of_another_shape_is_not_read_as_a_trace():
    text = '{"Hops": "none", "TraceMapUrl": ""}'
    parsed = parse("trace.json", text.encode())
    assert not parsed.failed
    assert all(not result.hops for result in parsed.results)


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(1, 10**10)), min_size=1, max_size=5),
                min_size=1, max_size=30))
def test_every_json_probe_counts_once_at_its_hop(rows):
    trace = {"Hops": [[_probe(n, None if rtt is None else f"198.51.100.{n}", rtt or 0)
                       for rtt in probes] for n, probes in enumerate(rows, 1)]}
    hops = parse_nexttrace_json(json.dumps(trace)).hops
    assert [h.hop for h in hops] == list(range(1, len(rows) + 1))
    for hop, probes in zip(hops, rows, strict=True):
        answered = [rtt / 1e6 for rtt in probes if rtt is not None]
        assert hop.sent == len(probes)
        assert hop.loss_pct == round(100 * (len(probes) - len(answered)) / len(probes), 1)
        if answered:
            assert hop.rtt_avg_ms == pytest.approx(sum(answered) / len(answered), abs=0.002)
            assert hop.rtt_worst_ms == pytest.approx(max(answered), abs=0.001)
        else:
            assert hop.host is None and hop.rtt_avg_ms is None


# nexttrace --table (printer/tableprinter.go): one row per probe, the hop's
# number on its first row; "name (address) " when the address has a name.
_TABLE = (
    "NextTrace v1.3.4 2024-09-10T13:25:26Z 6a3ea6a\n"
    "traceroute to 202.97.66.226, 30 hops max, 52 bytes payload\n"
    "Hop  IP                           Latency   ASN   Location                   Owner\n"
    "1    192.168.1.1                  0.58ms          LAN Address\n"
    "     192.168.1.1                  0.54ms          LAN Address\n"
    "2    *\n"
    "     *\n"
    "3    bj141-147-5.bjtelecom.net (202.97.66.226)  158.70ms  4134  "
    "Shanghai, Shanghai, China  ChinaNet\n"
    "     *\n"
    "MapTrace URL: https://assets.nxtrace.org/tracemap/example.html\n"
)


def test_nexttrace_table_is_read_probe_by_probe():
    parsed = parse("table.txt", _TABLE.encode())
    assert (parsed.detected, parsed.variant) == ("traceroute", "nexttrace")
    hops = parsed.results[0].hops
    assert [(h.hop, h.host, h.sent, h.loss_pct, h.rtt_avg_ms) for h in hops] == [
        (1, "192.168.1.1", 2, 0.0, 0.56),
        (2, None, 2, 100.0, None),
        (3, "202.97.66.226", 2, 50.0, 158.7),
    ]
    assert (hops[2].name, hops[2].asn) == ("bj141-147-5.bjtelecom.net", 4134)


@given(st.lists(st.lists(st.one_of(st.none(), st.integers(1, 10**6)), min_size=1, max_size=4),
                min_size=1, max_size=30))
def test_every_nexttrace_table_row_is_one_probe_of_its_hop(rows):
    lines = ["Hop  IP               Latency    ASN   Location  Owner"]
    for n, probes in enumerate(rows, 1):
        for k, micros in enumerate(probes):
            number = f"{n:<4} " if k == 0 else " " * 5
            cell = "*" if micros is None else f"198.51.100.{n:<6} {micros / 1000:.2f}ms  4809"
            lines.append(number + cell)
    hops = parse_nexttrace("traceroute to 198.51.100.1, 30 hops max, 52 bytes payload\n"
                           + "\n".join(lines)).hops
    assert [(h.hop, h.sent) for h in hops] == [(n, len(p)) for n, p in enumerate(rows, 1)]
    for hop, probes in zip(hops, rows, strict=True):
        answered = [round(m / 1000, 2) for m in probes if m is not None]
        assert hop.loss_pct == round(100 * (len(probes) - len(answered)) / len(probes), 1)
        if answered:
            assert hop.rtt_avg_ms == pytest.approx(sum(answered) / len(answered), abs=0.002)
