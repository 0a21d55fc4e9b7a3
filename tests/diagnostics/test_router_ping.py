from __future__ import annotations

from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, detect, diagnose, parse
from kb.diagnostics.catalogue import tool_name
from kb.diagnostics.router_ping import parse_comware, parse_vrp


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def _diagnose(name: str, **answers):
    return diagnose(
        answers=Answers(**answers),
        attachments=[Attachment(name=name, content=(SAMPLES / name).read_bytes())],
    )


def test_huawei_ping_counts_its_timeouts_as_lost():
    # Its "Reply from" lines once made it a Windows ping with no loss.
    parsed = parse("ping.txt", _sample("huawei-ping-loss-20pct.txt"))
    assert (parsed.detected, parsed.platform, parsed.variant) == ("ping", None, "vrp")
    assert (parsed.metrics["sent"], parsed.metrics["received"]) == (5, 4)
    assert parsed.metrics["loss_pct"] == 20.0
    assert parsed.tool == "Huawei/H3C router ping"


def test_router_tools_are_named_in_chinese_too():
    assert tool_name("ping", None, "zh-hans", "vrp") == "华为/H3C 设备 ping"
    assert tool_name("ping", None, "zh-hans", "ios") == "Cisco IOS ping"


def test_huawei_total_loss_ignores_the_zero_round_trip_it_prints():
    parsed = parse("ping.txt", _sample("huawei-ping-total-loss-ipv6.txt"))
    assert parsed.results[0].target == "2001:DB8:10:3::1"
    assert parsed.metrics["loss_pct"] == 100.0
    assert parsed.metrics["rtt_avg_ms"] is None


def test_unroutable_is_an_unreachable_error_with_no_sender_named():
    result = _diagnose("huawei-ping-total-loss-unroutable.txt")
    finding = next(f for f in result.findings if f.kind == "ping-unreachable")
    assert finding.evidence == ["Request time out (unroutable)"]
    assert "?" not in finding.summary and "None" not in finding.summary


def test_comware_ping_without_its_statistics_is_counted_from_its_lines():
    parsed = parse("ping.txt", _sample("h3c-ping-loss-no-statistics.txt"))
    assert parsed.variant == "comware"
    assert (parsed.metrics["sent"], parsed.metrics["received"]) == (5, 4)
    assert parsed.metrics["rtt_max_ms"] == 1.0


def test_comware_total_loss_quotes_its_summary_line():
    result = _diagnose("h3c-ping-total-loss.txt")
    finding = next(f for f in result.findings if f.kind == "ping-total-loss")
    assert finding.evidence == [
        "5 packet(s) transmitted, 0 packet(s) received, 100.0% packet loss"
    ]


def test_cisco_success_rate_gives_loss_and_round_trip_but_no_jitter():
    parsed = parse("ping.txt", _sample("cisco-ping-lossy-first-two-high-rtt.txt"))
    assert (parsed.metrics["sent"], parsed.metrics["received"]) == (5, 3)
    assert (parsed.metrics["rtt_min_ms"], parsed.metrics["rtt_max_ms"]) == (369.0, 428.0)
    assert parsed.metrics["jitter_ms"] is None  # IOS prints no reply times


def test_cisco_loss_is_exact_where_its_success_rate_is_rounded_down():
    # "Success rate is 97 percent (195/200)", a syslog line inside the "!"s.
    parsed = parse("ping.txt", _sample("cisco-ping-lossy-200-with-syslog.txt"))
    assert (parsed.metrics["sent"], parsed.metrics["loss_pct"]) == (200, 2.5)


def test_cisco_datagram_size_is_read_as_the_icmp_payload():
    parsed = parse("ping.txt", _sample("cisco-ping-lossy-midrun.txt"))
    ping = parsed.results[0]
    assert (ping.payload_bytes, ping.dont_fragment) == (1400 - 28, True)


def test_cisco_u_is_an_unreachable_answer_quoted_once():
    result = _diagnose("cisco-ping-unreachable.txt")
    finding = next(f for f in result.findings if f.kind == "ping-unreachable")
    assert finding.summary.startswith("3 replies were ICMP errors")
    assert finding.evidence == ["U.U.U"]


def test_cisco_m_is_a_path_mtu_problem_not_a_line_down():
    result = _diagnose("cisco-ping-frag-needed.txt", stream_down=False)
    kinds = [f.kind for f in result.findings]
    assert "ping-frag-needed" in kinds and "ping-total-loss" not in kinds
    assert result.suggestions[0].problem == "net.mtu-fragmentation"


def test_linux_frag_needed_answers_are_a_path_mtu_problem():
    # iputils prints the router's "fragmentation needed" with the MTU it asks for.
    text = (
        "PING 203.0.113.10 (203.0.113.10) 1472(1500) bytes of data.\n"
        "From 198.51.100.2 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n"
        "From 198.51.100.2 icmp_seq=2 Frag needed and DF set (mtu = 1400)\n"
        "\n"
        "--- 203.0.113.10 ping statistics ---\n"
        "2 packets transmitted, 0 received, +2 errors, 100% packet loss, time 1001ms\n"
    )
    result = diagnose(attachments=[Attachment(name="ping.txt", content=text)])
    finding = next(f for f in result.findings if f.kind == "ping-frag-needed")
    assert finding.evidence == ["From 198.51.100.2 icmp_seq=1 Frag needed and DF set (mtu = 1400)"]
    assert result.suggestions[0].problem == "net.mtu-fragmentation"


@given(st.integers(min_value=6, max_value=300))
def test_a_long_comware_ping_is_not_taken_for_linux(replies):
    # Comware's reply lines are the ones iputils and BSD print too.
    lines = _sample("h3c-ping-clean.txt").split("\n")
    reply = next(line for line in lines if "bytes from" in line)
    head, tail = lines[:2], [line for line in lines[2:] if "bytes from" not in line]
    text = "\n".join(head + [reply] * replies + tail)
    assert detect(text) == ("ping", "comware")


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=999)), min_size=1))
def test_a_router_ping_without_its_summary_counts_every_probe(probes):
    vrp = ["  PING 203.0.113.10: 56  data bytes, press CTRL_C to break"]
    comware = ["Ping 203.0.113.10 (203.0.113.10): 56 data bytes, press CTRL+C to break"]
    for seq, rtt in enumerate(probes, 1):
        if rtt is None:
            vrp.append("    Request time out")
            comware.append("Request time out")
        else:
            vrp.append(f"    Reply from 203.0.113.10: bytes=56 Sequence={seq} ttl=52 time={rtt} ms")
            comware.append(f"56 bytes from 203.0.113.10: icmp_seq={seq} ttl=52 time={rtt}.000 ms")
    answered = [rtt for rtt in probes if rtt is not None]
    for result in (parse_vrp("\n".join(vrp)), parse_comware("\n".join(comware))):
        assert (result.sent, result.received) == (len(probes), len(answered))
        assert result.loss_pct == round(100.0 * (len(probes) - len(answered)) / len(probes), 1)
        assert result.rtts_ms == [float(rtt) for rtt in answered]
        assert result.rtt_max_ms == (max(answered) if answered else None)


def test_an_edited_summary_that_contradicts_itself_gives_way_to_the_reply_lines():
    text = (
        _sample("h3c-ping-clean.txt")
        .replace("5 packet(s) transmitted", "3 packet(s) transmitted")
        .replace("= 1.820/2.365/3.418/", "= 9.820/2.365/3.418/")
    )
    parsed = parse("ping.txt", text)
    assert (parsed.metrics["sent"], parsed.metrics["received"]) == (5, 5)
    assert (parsed.metrics["rtt_min_ms"], parsed.metrics["rtt_max_ms"]) == (1.82, 3.418)
