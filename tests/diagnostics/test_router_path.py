from __future__ import annotations

from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, detect, diagnose, parse
from kb.diagnostics.catalogue import tool_name
from kb.diagnostics.router_path import parse_router_trace


def _parsed(name: str):
    return parse(name, (SAMPLES / name).read_bytes())


def _hop(parsed, number: int):
    return next(h for h in parsed.results[0].hops if h.hop == number)


def test_huawei_tracert_is_read_through_its_wrapped_header():
    # Before, a VRP tracert ("traceroute to  172.17.1.4(172.17.1.4), max hops: 30 ,...")
    # was not recognised at all.
    parsed = _parsed("huawei-tracert-long-wrapped-header.txt")
    assert (parsed.detected, parsed.platform, parsed.variant) == ("traceroute", None, "vrp")
    assert parsed.tool == "Huawei/H3C router tracert"
    assert parsed.metrics["hops"] == 15
    assert _hop(parsed, 9).rtt_avg_ms == round((250 + 210 + 210) / 3, 3)


def test_router_traces_are_named_for_their_router_in_chinese_too():
    assert tool_name("traceroute", None, "zh-hans", "vrp") == "华为/H3C 设备 tracert"
    assert tool_name("traceroute", None, "zh-hans", "ios") == "Cisco IOS traceroute"


def test_mpls_labels_glued_to_an_address_are_not_part_of_it():
    parsed = _parsed("huawei-tracert-mpls-labels.txt")
    assert _hop(parsed, 2).host == "10.0.23.3"
    assert _hop(parsed, 2).rtt_avg_ms == round((60 + 50 + 50) / 3, 3)


def test_comware_mpls_label_lines_are_not_hops():
    parsed = _parsed("h3c-tracert-mpls-labels.txt")
    assert [h.hop for h in parsed.results[0].hops] == [1, 2, 3, 4]


def test_huawei_probe_times_without_a_space_are_read():
    # "17 ms 17 ms 27 ms 17ms 20ms" with -q 5
    hop = _hop(_parsed("huawei-tracert-stars-5probes.txt"), 1)
    assert (hop.sent, hop.rtt_avg_ms) == (5, 19.6)


def test_cisco_equal_cost_paths_are_one_hop_with_all_of_its_probes():
    parsed = _parsed("cisco-traceroute-isp-as-mpls-stars.txt")
    assert parsed.metrics["hops"] == 11
    # " 10  *  * " then "    87.250.239.61 [AS 13238] [MPLS: ...] 12 msec"
    hop = _hop(parsed, 10)
    assert (hop.host, hop.sent, hop.loss_pct, hop.rtt_avg_ms) == ("87.250.239.61", 3, 66.7, 12.0)
    assert parsed.results[0].reached is True


def test_cisco_trace_stopped_at_a_bare_hop_number_dies_where_answers_stopped():
    result = diagnose(
        answers=Answers(stream_down=True),
        attachments=[
            Attachment(
                name="trace.txt",
                content=(SAMPLES / "cisco-traceroute-stars-interrupted.txt").read_bytes(),
            )
        ],
    )
    assert result.attachments[0].metrics["hops"] == 5  # not the bare "6"
    finding = next(f for f in result.findings if f.kind == "path-unreachable")
    assert "hop 3" in finding.summary
    assert result.escalate.priority == "P1"


def test_a_last_hop_that_is_not_the_target_is_named_not_called_unreached():
    parsed = _parsed("huawei-tracert-complete.txt")
    assert parsed.notes == [
        "The last hop that answered (192.168.24.4) is not the trace's target (4.4.4.4): a "
        "router can answer from another of its addresses, or the trace was cut short. "
        "Destination metrics are empty."
    ]


def test_cisco_administratively_prohibited_ends_the_path():
    text = (
        "Tracing the route to 203.0.113.10\n"
        "  1 192.0.2.1 4 msec 4 msec 4 msec\n"
        "  2 198.51.100.6 !A  *  !A \n"
    )
    result = parse_router_trace(text)
    assert result.hops[-1].error == "prohibited"


_FORMATS = {
    "vrp": (
        " traceroute to  203.0.113.10(203.0.113.10), max hops: 30 ,packet length: 40,"
        "press CTRL_C to break",
        "198.51.{n}.1",
        "{t} ms ",
    ),
    "comware": (
        "traceroute to 203.0.113.10 (203.0.113.10), 30 hops at most, 40 bytes each packet, "
        "press CTRL_C to break",
        "198.51.{n}.1 (198.51.{n}.1) ",
        "{t}.000 ms  ",
    ),
    "ios": (
        "Tracing the route to 203.0.113.10",
        "198.51.{n}.1 [AS 4134] ",
        "{t} msec ",
    ),
}


@given(
    st.sampled_from(sorted(_FORMATS)),
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 999)), min_size=1, max_size=5),
        min_size=1,
        max_size=30,
    ),
)
def test_every_row_of_a_router_trace_is_a_hop_with_its_probes(system, rows):
    header, address, probe = _FORMATS[system]
    lines = [header]
    for n, probes in enumerate(rows, 1):
        row = f" {n} "
        answered_yet = False
        for t in probes:
            if t is None:
                row += " * "
                continue
            if not answered_yet:  # the address comes before its first answer
                row += address.format(n=n) + " "
                answered_yet = True
            row += probe.format(t=t)
        lines.append(row)
    text = "\n".join(lines)
    assert detect(text) == ("traceroute", system)
    hops = parse_router_trace(text).hops
    assert [h.hop for h in hops] == list(range(1, len(rows) + 1))
    for hop, probes in zip(hops, rows, strict=True):
        answered = [t for t in probes if t is not None]
        assert hop.sent == len(probes)
        assert hop.loss_pct == round(100.0 * (len(probes) - len(answered)) / len(probes), 1)
        assert hop.rtt_worst_ms == (max(answered) if answered else None)
        assert hop.host == (f"198.51.{hop.hop}.1" if answered else None)
