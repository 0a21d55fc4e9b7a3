from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, detect, diagnose, parse
from kb.diagnostics.unsent import unsent_probes


def _kinds(text: str) -> list[str]:
    answer = diagnose(answers=Answers(role="publisher"), attachments=[Attachment("p.txt", text)])
    return [f.kind for f in answer.findings]


def test_a_route_lost_for_two_probes_is_this_computers_loss_not_the_paths():
    text = (SAMPLES / "linux-ping-sendmsg-unreachable.txt").read_text()
    ping = parse("p.txt", text).results[0]
    assert (ping.sent, ping.received, len(ping.unsent)) == (5, 3, 2)
    # ping's own 40 % is not read as loss on the path.
    assert _kinds(text) == ["ping-unsent"]


def test_a_windows_ping_that_could_not_transmit_is_not_a_line_down():
    text = (SAMPLES / "windows-ping-transmit-failed.txt").read_text()
    answer = diagnose(answers=Answers(role="publisher", stream_down=True),
                      attachments=[Attachment("p.txt", text)])
    kinds = [f.kind for f in answer.findings]
    assert "ping-unsent" in kinds
    assert not {"ping-total-loss", "ping-unreachable"} & set(kinds)
    assert answer.findings[0].side == "customer"
    parsed = parse("p.txt", text)
    assert parsed.results[0].target == "192.168.1.7"  # "Pinging X from Y with ..."
    assert parsed.notes == []  # no "error replies" note: nothing replied


@pytest.mark.parametrize("line, tool", [
    ("connect: Network is unreachable", ("ping", "linux")),
    ("ping: connect: Network is unreachable", ("ping", "linux")),
    ("connect: 网络不可达", ("ping", "linux")),
    ("PING: transmit failed. General failure.", ("ping", "windows")),
    ("PING：传输失败。常见故障。", ("ping", "windows")),
])
def test_a_ping_that_sent_nothing_is_read_and_says_so(line, tool):
    assert detect(line + "\n") == tool
    assert _kinds(line + "\n") == ["ping-unsent"]


def test_loss_on_the_path_besides_the_unsent_probes_is_still_loss():
    text = (
        "PING 198.51.100.10 (198.51.100.10) 56(84) bytes of data.\n"
        "ping: sendmsg: Network is unreachable\n"
        + "".join(f"64 bytes from 198.51.100.10: icmp_seq={i} ttl=52 time=180 ms\n"
                  for i in range(2, 81))
        + "\n--- 198.51.100.10 ping statistics ---\n"
        "100 packets transmitted, 79 received, 21% packet loss, time 99123ms\n"
    )
    kinds = _kinds(text)
    assert "ping-unsent" in kinds and "ping-loss" in kinds


@given(st.lists(st.sampled_from([
    "ping: sendmsg: Network is unreachable", "ping: sendto: No route to host",
    "64 bytes from 198.51.100.10: icmp_seq=1 ttl=52 time=180 ms", "Request timed out.",
    "ping: sendmsg: Operation not permitted", "PING: transmit failed. General failure.",
]), max_size=30))
def test_every_unsent_line_is_counted_once(lines):
    unsent = unsent_probes("\n".join(lines))
    assert len(unsent) == sum(1 for line in lines
                              if "sendmsg" in line or "sendto" in line or "transmit" in line)


@pytest.mark.parametrize("text, tool", [
    ("Tracing route to 8.8.8.8 over a maximum of 30 hops\n\n  1  Transmit error: code 1231.\n\n"
     "Trace complete.\n", "tracert"),
    ("Tracing route to 123.125.114.144 over a maximum of 30 hops\n\n"
     "  1     2 ms     3 ms     1 ms  192.168.43.1\n  2  Transmit error: code 1231.\n\n"
     "Trace complete.\n", "tracert"),
    ("traceroute to 8.8.8.8 (8.8.8.8), 30 hops max, 60 byte packets\n"
     "connect: Network is unreachable\n", "traceroute"),
])
def test_a_trace_this_computer_could_not_send_stops_here_not_in_the_network(text, tool):
    parsed = parse("t.txt", text)
    assert parsed.detected == tool
    # Not "truncated or edited?", and not "the trace was cut short".
    assert parsed.notes == []
    kinds = _kinds(text)
    assert kinds[0] == "path-unsent"
    assert not {"path-unreachable", "path-loss-transit"} & set(kinds)


def test_a_ping_with_its_ttl_set_that_could_not_send_is_not_about_the_ttl():
    text = ("C:\\>ping -i 5 198.51.100.10\n\nPinging 198.51.100.10 with 32 bytes of data:\n"
            + "PING: transmit failed. General failure.\n" * 4
            + "\nPing statistics for 198.51.100.10:\n"
            "    Packets: Sent = 4, Received = 0, Lost = 4 (100% loss),\n")
    assert parse("p.txt", text).results[0].ttl_set
    assert _kinds(text) == ["ping-unsent"]
