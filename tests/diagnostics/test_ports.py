from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, diagnose, parse
from kb.diagnostics.ports import OUTCOMES, port_tests


def _answer(text: str, *, role: str | None = "publisher", description: str = "",
            name: str = "port-test.txt"):
    return diagnose(description=description, answers=Answers(role=role),
                    attachments=[Attachment(name, text)])


def _sample(name: str):
    return _answer((SAMPLES / name).read_text(encoding="utf-8"), name=name)


def _kinds(answer) -> list[str]:
    return [f.kind for f in answer.findings]


# What each real test printed, and what it is read as (samples/SOURCES.md).
@pytest.mark.parametrize(("sample", "kind", "target", "cited"), [
    ("windows-test-netconnection-port-failed.txt", "port-failed",
     "api.github.com (4.228.31.149) TCP 443", "AVISO: TCP connect to (4.228.31.149 : 443) failed"),
    ("windows-test-netconnection-firewall-blocked.txt", "port-failed",
     "192.168.1.107 TCP 4444", "WARNING: TCP connect to (192.168.1.107 : 4444) failed"),
    ("linux-nc-timed-out-ipv6-unreachable.txt", "port-timeout",
     "google.com (142.250.185.78) TCP 443",
     "nc: connect to google.com (142.250.185.78) port 443 (tcp) timed out: "
     "Operation now in progress"),
    ("macos-nc-open-and-refused.txt", "port-refused", "scanme.nmap.org TCP 25",
     "nc: connectx to scanme.nmap.org port 25 (tcp) failed: Connection refused"),
    ("ncat-connection-refused.txt", "port-refused", "192.168.0.99 TCP 22",
     "Ncat: Connection refused."),
    ("windows-telnet-zh-connect-failed.txt", "port-failed", "123.57.218.39 TCP 80",
     "正在连接123.57.218.39...无法打开到主机的连接。 在端口 80: 连接失败"),
    ("curl-v-connect-timed-out.txt", "port-timeout", "169.254.169.254 TCP 80",
     "curl: (7) Failed to connect to 169.254.169.254 port 80: Operation timed out"),
])
def test_a_failed_port_test_is_the_cannot_connect_fix(sample, kind, target, cited):
    answer = _sample(sample)
    failed = [f for f in answer.findings if f.kind == kind]
    assert len(failed) == 1
    assert failed[0].facts["targets"] == [target]
    assert failed[0].evidence[0] == cited
    assert answer.suggestions[0].problem == "push.connect-refused"
    assert answer.to_dict()["attachments"][0]["notes"] == [
        "Not the output of ping, traceroute/tracert, mtr/WinMTR, pathping, an OBS log or "
        "ffmpeg, so there are no measurements; the lines the findings quote were read."]


def test_a_timeout_and_a_refusal_are_told_apart():
    timeout = _sample("linux-nc-timed-out-ipv6-unreachable.txt").findings[0]
    refused = _sample("ncat-connection-refused.txt").findings[0]
    assert "drops the connection" in timeout.summary
    assert "The host answered" in refused.summary
    # The IPv6 address nc tried after the IPv4 one timed out had no route:
    # the timeout is the verdict, not the missing IPv6 route.
    assert _kinds(_sample("linux-nc-timed-out-ipv6-unreachable.txt")) == ["port-timeout"]


def test_ports_that_answer_beside_one_that_stays_silent_point_at_the_network_filter():
    text = (
        "$ nc -vz -w 5 push.example.com 1935\n"
        "nc: connect to push.example.com (203.0.113.10) port 1935 (tcp) timed out: "
        "Operation now in progress\n"
        "$ nc -vz -w 5 push.example.com 443\n"
        "Connection to push.example.com (203.0.113.10) 443 port [tcp/https] succeeded!\n"
    )
    answer = _answer(text)
    assert _kinds(answer) == ["port-timeout", "port-open-beside-blocked"]
    beside = answer.findings[1]
    assert beside.facts["open"] == ["push.example.com (203.0.113.10) TCP 443"]
    assert beside.facts["blocked"] == ["push.example.com (203.0.113.10) TCP 1935"]
    assert "RTMPS on port 443" in beside.summary
    assert answer.suggestions[0].problem == "push.connect-refused"


def test_a_refusal_beside_open_ports_is_the_host_answering_not_a_filter():
    answer = _sample("macos-nc-open-and-refused.txt")
    assert _kinds(answer) == ["port-refused", "port-open"]
    assert answer.findings[1].facts["targets"] == [
        "scanme.nmap.org TCP 80", "scanme.nmap.org TCP 22"]


def test_an_open_port_answers_a_description_of_a_refused_connection():
    text = "Connection to push.example.com (203.0.113.10) 1935 port [tcp/*] succeeded!\n"
    described = "OBS: Failed to connect to server, connection refused"
    assert "push.connect-refused" in [
        s.problem for s in _answer("", description=described).suggestions]
    answer = _answer(text, description=described)
    assert _kinds(answer) == ["port-open"]
    assert "push.connect-refused" not in [s.problem for s in answer.suggestions]


def test_a_viewer_testing_a_playback_port_is_not_told_about_pushing():
    text = "curl: (7) Failed to connect to play.example.com port 443 after 3 ms: " \
           "Connection refused\n"
    assert _kinds(_answer(text, role="viewer")) == ["port-refused"]
    assert not [s for s in _answer(text, role="viewer").suggestions
                if s.problem.startswith("push.")]


@pytest.mark.parametrize(("text", "outcome", "host", "address", "port"), [
    # Test-NetConnection -InformationLevel Quiet: the warning and False.
    ("WARNING: TCP connect to (203.0.113.10 : 1935) failed\nFalse\n",
     "failed", None, "203.0.113.10", 1935),
    # Older Windows write the warning without the parentheses.
    ("WARNING: TCP connect to push.example.com:1935 failed\nFalse\n",
     "failed", None, "push.example.com", 1935),
    # A table of the result (| Select-Object ...).
    ("ComputerName RemotePort TcpTestSucceeded\n------------ ---------- ----------------\n"
     "push.example.com         1935            False\n",
     "failed", "push.example.com", None, 1935),
    ("Trying 203.0.113.10...\ntelnet: Unable to connect to remote host: Connection refused\n",
     "refused", None, "203.0.113.10", None),
    ("$ telnet push.example.com 1935\nTrying 203.0.113.10...\n"
     "telnet: Unable to connect to remote host: Connection timed out\n",
     "timeout", "push.example.com", "203.0.113.10", 1935),
    ("$ telnet push.example.com 1935\nTrying 203.0.113.10...\nConnected to push.example.com.\n"
     "Escape character is '^]'.\n",
     "open", "push.example.com", "203.0.113.10", 1935),
    ("C:\\>telnet push.example.com 1935\nConnecting To push.example.com...Could not open "
     "connection to the host, on port 1935: Connect failed\n",
     "failed", "push.example.com", None, 1935),
    ("Ncat: Version 7.92 ( https://nmap.org/ncat )\nNcat: Connected to 203.0.113.10:1935.\n",
     "open", None, "203.0.113.10", 1935),
    ("$ ncat -zv push.example.com 1935\nNcat: TIMEOUT.\n",
     "timeout", "push.example.com", None, 1935),
    # The articles' own command: -w takes a number.
    ("[root@encoder ~]# nc -vz -w 5 push.example.com 1935\n"
     "Ncat: Version 7.92 ( https://nmap.org/ncat )\nNcat: Connection timed out.\n",
     "timeout", "push.example.com", None, 1935),
    ("curl: (7) Failed to connect to push.example.com port 1935 after 21045 ms: "
     "Couldn't connect to server\n", "failed", "push.example.com", None, 1935),
    ("curl: (28) Failed to connect to push.example.com port 443 after 75003 ms: "
     "Timeout was reached\n", "timeout", "push.example.com", None, 443),
    ("nc: connect to push.example.com port 1935 (tcp) failed: No route to host\n",
     "unreachable", "push.example.com", None, 1935),
])
def test_each_tools_verdict_is_read(text, outcome, host, address, port):
    (test,), _names = port_tests(text)
    assert (test.outcome, test.host, test.address, test.port) == (outcome, host, address, port)


def test_a_failed_ipv6_attempt_before_a_working_ipv4_one_is_not_a_failure():
    text = (
        "WARNING: TCP connect to (::1 : 9876) failed\n\n"
        "ComputerName     : localhost\nRemoteAddress    : 127.0.0.1\nRemotePort       : 9876\n"
        "InterfaceAlias   : Loopback Pseudo-Interface 1\nSourceAddress    : 127.0.0.1\n"
        "TcpTestSucceeded : True\n"
    )
    assert _kinds(_answer(text)) == ["port-open"]
    assert not port_tests("WARNING: TCP connect to (::1 : 9876) failed\nTrue\n")[0]


def test_a_udp_test_is_not_read_as_an_open_port():
    # UDP has no handshake: nc says "succeeded" whether or not anything listens.
    text = "Connection to push.example.com (203.0.113.10) 9000 port [udp/*] succeeded!\n"
    assert port_tests(text) == ([], [])


@pytest.mark.parametrize("text", [
    "WARNING: Name resolution of push.example.com failed\n",
    'nc: getaddrinfo for host "push.example.com" port 1935: Name or service not known\n',
    "curl: (6) Could not resolve host: push.example.com\n",
])
def test_a_name_a_port_test_could_not_resolve_is_the_dns_fix(text):
    answer = _answer(text)
    assert _kinds(answer) == ["error-dns_failure"]
    assert answer.findings[0].facts["name"] == "push.example.com"
    assert answer.suggestions[0].problem == "push.dns-resolution"


def test_a_name_two_tools_could_not_resolve_is_one_finding():
    text = ("ping: push.example.com: Name or service not known\n"
            "curl: (6) Could not resolve host: push.example.com\n")
    assert _kinds(_answer(text)) == ["error-dns_failure"]


def test_telnet_given_host_colon_port_tested_port_23_and_says_how_to_write_it():
    answer = _sample("windows-telnet-zh-host-colon-port.txt")
    assert _kinds(answer) == ["telnet-default-port"]
    assert answer.findings[0].summary.endswith("telnet 192.168.5.128 3305")
    assert "telnet 192.168.5.128 3305" in answer.findings[0].text("zh-hans")
    assert answer.to_dict()["escalate"]["reason"].startswith("Nothing in what you sent points")


def test_the_chinese_answer_keeps_the_target_and_the_advice():
    summary = _sample("curl-v-connect-timed-out.txt").findings[0].text("zh-hans")
    assert summary.startswith("169.254.169.254 TCP 80：")
    assert "443" in summary and "RTMPS" in summary


def test_port_tests_inside_a_measured_paste_add_to_its_reading():
    ping = (SAMPLES / "linux-ping-lossy.txt").read_text(encoding="utf-8")
    text = ping + "\n$ nc -vz push.example.com 1935\n" \
        "nc: connect to push.example.com (203.0.113.10) port 1935 (tcp) failed: " \
        "Connection refused\n"
    parsed = parse("both.txt", text)
    assert parsed.detected == "ping"
    answer = _answer(text)
    assert "port-refused" in _kinds(answer)
    notes = answer.to_dict()["attachments"][0]["notes"]
    assert not any("lines the findings quote" in note for note in notes)


_VERDICTS = [
    "Connection to push.example.com (203.0.113.10) 1935 port [tcp/*] succeeded!",
    "nc: connect to push.example.com (203.0.113.10) port 1935 (tcp) failed: Connection refused",
    "nc: connectx to push.example.com port 443 (tcp) failed: Operation timed out",
    "Ncat: Connection refused.",
    "Ncat: Connected to 203.0.113.10:1935.",
    "$ nc -zv push.example.com 1935",
    "ComputerName           : push.example.com",
    "RemoteAddress          : 203.0.113.10",
    "RemotePort             : 1935",
    "TcpTestSucceeded       : False",
    "TcpTestSucceeded       : True",
    "ComputerName RemotePort TcpTestSucceeded",
    "------------ ---------- ----------------",
    "push.example.com 1935 True",
    "WARNING: TCP connect to (203.0.113.10 : 1935) failed",
    "True",
    "正在连接push.example.com:1935...无法打开到主机的连接。 在端口 23: 连接失败",
    "Trying 203.0.113.10...",
    "Connected to push.example.com.",
    "Escape character is '^]'.",
    "curl: (7) Failed to connect to push.example.com port 99999 after 1 ms: Connection refused",
    "*   Connected to push.example.com (203.0.113.10) port 443 (#0)",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_VERDICTS), st.text(max_size=40)), max_size=25))
def test_any_mix_of_verdict_lines_reads_as_tests_with_sane_values(lines):
    text = "\n".join(lines)
    tests, names = port_tests(text)
    for test in tests:
        assert test.outcome in OUTCOMES
        assert test.port is None or 0 < test.port < 65536
        assert test.line and test.line in text
    for name, line in names:
        assert name and name in line
    answer = _answer(text)
    assert not answer.degraded
    for finding in answer.findings:
        assert "None" not in finding.summary and "None" not in finding.text("zh-hans")


def _ping_and_port_test(sample: str, port_test: str, *, stream_down: bool = False):
    return diagnose(
        answers=Answers(role="publisher", stream_down=stream_down),
        attachments=[Attachment(sample, (SAMPLES / sample).read_text(encoding="utf-8")),
                     Attachment("port.txt", port_test)])


@pytest.mark.parametrize(("sample", "lost"), [
    ("linux-ping-line-down.txt", "ping-total-loss"),
    ("linux-traceroute-line-down.txt", "path-unreachable"),
])
def test_a_target_that_answers_on_its_port_drops_the_probes_and_the_line_is_up(sample, lost):
    port_test = "Connection to 203.0.113.10 1935 port [tcp/*] succeeded!\n"
    alone = diagnose(answers=Answers(role="publisher"), attachments=[_att_text(sample)])
    assert lost in _kinds(alone) and alone.escalate.recommended
    answer = _ping_and_port_test(sample, port_test)
    assert lost not in _kinds(answer) and "probes-filtered" in _kinds(answer)
    filtered = next(f for f in answer.findings if f.kind == "probes-filtered")
    assert filtered.summary.startswith("203.0.113.10 does not answer")
    assert "TCP port 1935 accepts connections" in filtered.summary
    assert not answer.escalate.recommended
    # A stream that is down is still the on-call engineer's, whatever the tests say.
    assert _ping_and_port_test(sample, port_test, stream_down=True).escalate.priority == "P1"


def test_a_port_that_answers_on_another_host_leaves_the_line_down():
    answer = _ping_and_port_test(
        "linux-ping-line-down.txt", "Connection to 198.51.100.7 1935 port [tcp/*] succeeded!\n")
    assert "ping-total-loss" in _kinds(answer)
    assert answer.escalate.recommended


def _att_text(name: str) -> Attachment:
    return Attachment(name, (SAMPLES / name).read_text(encoding="utf-8"))


def test_telnet_to_an_ipv6_address_on_its_default_port_is_a_plain_failure():
    text = "Connecting To ::1...Could not open connection to the host, on port 23: Connect failed\n"
    assert _kinds(_answer(text)) == ["port-failed"]
