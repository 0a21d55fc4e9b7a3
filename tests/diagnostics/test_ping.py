from __future__ import annotations

import re

import pytest
from conftest import expected_for, sample_files
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.diagnostics import Attachment, diagnose, parse
from kb.diagnostics.analysis import analyse_ping
from kb.diagnostics.decode import decode_paste
from kb.diagnostics.models import PingResult
from kb.diagnostics.ping import _from_chinese_locale, parse_unix, parse_windows, sets_ttl

PING_SAMPLES = sample_files("ping")


def test_there_are_real_ping_samples_for_every_platform_and_locale():
    names = {p.name for p in PING_SAMPLES}
    assert {
        "linux-ping-lossy.txt",
        "linux-ping-zh-crossborder.txt",
        "macos-ping.txt",
        "windows-ping-en-ipv6.txt",
        "windows-ping-zh-gbk.txt",
        "windows-ping-zh-loss.txt",
        "huawei-ping-loss-20pct.txt",
        "h3c-ping-total-loss.txt",
        "cisco-ping-lossy-midrun.txt",
    } <= names


@pytest.mark.parametrize("sample", PING_SAMPLES, ids=lambda p: p.name)
def test_ping_sample_parses_to_its_expected_metrics(sample):
    expected = expected_for(sample)
    parsed = parse(sample.name, sample.read_bytes())
    assert parsed.detected == "ping"
    assert parsed.platform == expected["platform"]
    assert parsed.variant == expected.get("variant")
    assert parsed.metrics == expected["metrics"]


def test_linux_ping_goes_through_jc_and_reads_loss_and_rtt(read_sample):
    result = parse_unix(decode_paste(read_sample("linux-ping-lossy.txt")))
    assert result.parser == "jc"
    assert (result.sent, result.received) == (50, 43)
    assert result.loss_pct == 14.0
    assert result.rtt_avg_ms == pytest.approx(91.435)


def test_jitter_is_mean_absolute_difference_of_consecutive_replies(read_sample):
    result = parse_unix(decode_paste(read_sample("macos-ping.txt")))
    # 28.042 -> 34.786 -> 41.182: |6.744| and |6.396|, mean 6.57
    assert result.jitter_ms == pytest.approx(6.57)
    assert result.jitter_source == "consecutive"


def test_summary_only_linux_paste_falls_back_to_mdev():
    text = (
        "--- 203.0.113.10 ping statistics ---\n"
        "30 packets transmitted, 30 received, 0% packet loss, time 5819ms\n"
        "rtt min/avg/max/mdev = 85.307/90.911/98.000/2.964 ms\n"
    )
    result = parse_unix(text)
    assert result.jitter_ms == pytest.approx(2.964)
    assert result.jitter_source == "mdev"


def test_linux_ping_in_a_chinese_locale_is_read_and_quoted_as_pasted(read_sample):
    result = parse_unix(decode_paste(read_sample("linux-ping-zh-crossborder.txt")))
    assert (result.sent, result.received, result.loss_pct) == (50, 48, 4.0)
    assert len(result.rtts_ms) == 48
    quoted = "已发送 50 个包， 已接收 48 个包, 4% 包丢失, 耗时 9835 毫秒"
    assert result.evidence["loss_pct"] == quoted


def test_chinese_rtt_line_is_min_avg_max_mdev_whatever_its_label_says():
    # iputils 20240117 labels the third value "moving average"; it is the max.
    text = (
        "--- 203.0.113.10 ping 统计 ---\n"
        "已发送 4 个包， 已接收 4 个包, 0% 包丢失, 耗时 3004 毫秒\n"
        "rtt 最小/平均/移动平均/最大 = 87.248/90.328/95.831/1.664 ms\n"
    )
    result = parse_unix(text)
    assert (result.rtt_min_ms, result.rtt_avg_ms, result.rtt_max_ms) == (87.248, 90.328, 95.831)
    assert (result.jitter_ms, result.jitter_source) == (1.664, "mdev")


def test_unreachable_answers_in_a_chinese_locale_are_errors_from_that_router(read_sample):
    result = parse_unix(decode_paste(read_sample("linux-ping-zh-net-unreachable.txt")))
    assert result.error_from == ["198.51.100.2"] * 5
    assert result.error_replies[0] == "来自 198.51.100.2 icmp_seq=1 目标主机不可达"
    assert result.received == 0


# Pieces of iputils' Chinese messages, and the whitespace a paste breaks them with.
_ZH_PIECES = ["已发送 4 个包", "已接收 3 个包", "64 字节，来自 ", "来自 ", " 时间=0.5 毫秒",
              "耗时 3 毫秒", "25% 包丢失", "rtt 最小/平均/移动平均/最大 =", "目标主机不可达",
              "，", ",", " ", "\t", "\n", "\n\n"]


@given(st.lists(st.sampled_from(_ZH_PIECES), max_size=40).map("".join))
@example("已发送 4 个包，\n已接收 3 个包, 25% 包丢失")
def test_chinese_messages_become_english_line_for_line(text):
    # Evidence is quoted from the pasted line at the same place.
    assert _from_chinese_locale(text).count("\n") == text.count("\n")


def test_chinese_windows_ping_with_full_width_commas_reads_loss(read_sample):
    result = parse_windows(decode_paste(read_sample("windows-ping-zh-loss.txt")))
    assert (result.sent, result.received, result.loss_pct) == (4, 3, 25.0)
    assert result.rtts_ms == [51.0, 52.0, 53.0]


def test_gbk_encoded_chinese_ping_is_decoded_and_parsed(read_sample):
    raw = read_sample("windows-ping-zh-gbk.txt")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    parsed = parse("ping.txt", raw)
    assert parsed.encoding == "gb18030"
    assert parsed.metrics["rtt_avg_ms"] == 67.0


def test_less_than_one_ms_counts_as_half_a_millisecond(read_sample):
    result = parse_windows(decode_paste(read_sample("windows-ping-zh-lt1ms.txt")))
    assert result.rtts_ms == [203.0, 0.5, 0.5, 0.5]


def test_windows_error_replies_are_not_counted_as_received(read_sample):
    # Windows says "Received = 2" for two "Destination host unreachable".
    result = parse_windows(decode_paste(read_sample("windows-ping-en-unreachable.txt")))
    assert result.received == 0
    assert result.loss_pct == 100.0
    assert len(result.error_replies) == 2


def test_ttl_expired_replies_in_chinese_are_errors_not_echoes(read_sample):
    result = parse_windows(decode_paste(read_sample("windows-ping-zh-ttl-expired.txt")))
    assert result.received == 0
    assert all("TTL 传输中过期" in line for line in result.error_replies)


def test_truncated_linux_ping_still_yields_reply_times():
    text = (
        "PING 203.0.113.10 (203.0.113.10) 56(84) bytes of data.\n"
        "64 bytes from 203.0.113.10: icmp_seq=1 ttl=60 time=87.3 ms\n"
        "64 bytes from 203.0.113.10: icmp_seq=2 ttl=60 time=84.9 ms\n"
    )
    result = parse_unix(text)
    assert result.rtts_ms == [87.3, 84.9]
    assert result.jitter_ms == pytest.approx(2.4)


@pytest.mark.parametrize(
    "name",
    [
        "windows-ping-en-frag-needed.txt",
        "windows-ping-zh-frag-needed-tunnel.txt",
        "windows-ping-zh-frag-needed.txt",
        "linux-ping-local-message-too-long.txt",
    ],
)
def test_pings_refused_as_too_large_are_a_path_mtu_problem_not_a_line_down(read_sample, name):
    # Below the 1,400-byte probe size these read as total loss, or as nothing.
    result = diagnose(attachments=[Attachment(name=name, content=read_sample(name))])
    kinds = [f.kind for f in result.findings]
    assert kinds == ["ping-frag-needed"]
    assert result.suggestions[0].problem == "net.mtu-fragmentation"
    assert result.escalate.priority != "P2"


@pytest.mark.parametrize("mtu", ["mtu=1400", "MTU：1400"])
def test_linux_pings_refused_locally_in_a_chinese_locale_are_a_path_mtu_problem(mtu):
    # iputils' zh_CN messages: "local error: message too long, mtu=%u" and
    # (2024 and later) "..., mtu: %u".
    text = (
        "PING 203.0.113.10 (203.0.113.10) 1372(1400) 字节的数据。\n"
        f"ping: 本地错误：消息太长，{mtu}\n"
        f"ping: 本地错误：消息太长，{mtu}\n"
        f"ping: 本地错误：消息太长，{mtu}\n"
        "\n"
        "--- 203.0.113.10 ping 统计 ---\n"
        "已发送 3 个包， 已接收 0 个包, +3 错误, 100% 包丢失, 耗时 2043 毫秒\n"
    )
    result = diagnose(attachments=[Attachment(name="ping.txt", content=text.encode())])
    assert [f.kind for f in result.findings] == ["ping-frag-needed"]
    assert result.findings[0].evidence[0] == f"ping: 本地错误：消息太长，{mtu}"


def test_windows_counts_a_routers_fragmentation_answer_as_lost(read_sample):
    parsed = parse("ping.txt", read_sample("windows-ping-zh-frag-needed-tunnel.txt"))
    ping = parsed.results[0]
    assert (ping.sent, ping.received, ping.frag_needed) == (3, 0, 3)
    assert ping.evidence["frag_needed"] == "来自 192.168.35.1 的回复: 需要拆分数据包但是设置 DF。"


def test_linux_loss_is_read_when_jc_misses_it_after_errors(read_sample):
    parsed = parse("ping.txt", read_sample("linux-ping-local-message-too-long.txt"))
    assert parsed.metrics["loss_pct"] == 100.0


def test_an_edited_summary_with_more_received_than_sent_gives_way_to_the_lines(read_sample):
    text = read_sample("windows-ping-zh-loss.txt").decode("utf-8").replace(
        "已发送 = 4，已接收 = 3", "已发送 = 1，已接收 = 3"
    )
    parsed = parse("ping.txt", text)
    assert (parsed.metrics["sent"], parsed.metrics["received"]) == (4, 3)


def test_a_linux_summary_with_more_received_than_sent_is_not_read():
    text = (
        "PING 203.0.113.10 (203.0.113.10) 56(84) bytes of data.\n"
        "64 bytes from 203.0.113.10: icmp_seq=1 ttl=52 time=90.1 ms\n"
        "\n"
        "--- 203.0.113.10 ping statistics ---\n"
        "1 packets transmitted, 308 received, 0% packet loss, time 0ms\n"
    )
    parsed = parse("ping.txt", text)
    assert (parsed.metrics["sent"], parsed.metrics["received"]) == (None, None)
    assert parsed.results[0].rtts_ms == [90.1]


@pytest.mark.parametrize("summary, platform", [
    ("rtt min/avg/max/mdev = 17/2.451/2.826/0.520 ms", "linux"),
    ("    Minimum = 999ms, Maximum = 3ms, Average = 2ms", "windows"),
])
def test_an_edited_summary_with_its_times_out_of_order_gives_way_to_the_replies(summary, platform):
    if platform == "linux":
        text = ("PING 8.8.8.8 (8.8.8.8) 56(84) bytes of data.\n"
                "64 bytes from 8.8.8.8: icmp_seq=1 ttl=58 time=2.81 ms\n"
                "64 bytes from 8.8.8.8: icmp_seq=2 ttl=58 time=1.71 ms\n\n"
                "--- 8.8.8.8 ping statistics ---\n"
                "2 packets transmitted, 2 received, 0% packet loss, time 1001ms\n" + summary + "\n")
    else:
        text = ("Pinging 8.8.8.8 with 32 bytes of data:\n"
                "Reply from 8.8.8.8: bytes=32 time=3ms TTL=117\n"
                "Reply from 8.8.8.8: bytes=32 time=2ms TTL=117\n\n"
                "Ping statistics for 8.8.8.8:\n"
                "    Packets: Sent = 2, Received = 2, Lost = 0 (0% loss),\n"
                "Approximate round trip times in milli-seconds:\n" + summary + "\n")
    ping = parse("p.txt", text).results[0]
    assert ping.rtt_min_ms <= ping.rtt_avg_ms <= ping.rtt_max_ms
    assert (ping.rtt_min_ms, ping.rtt_max_ms) == (min(ping.rtts_ms), max(ping.rtts_ms))



@pytest.mark.parametrize(("loss", "kind", "summary"), [
    (100.0, "ping-total-loss", "All 10 pings were lost (100% loss)"),
    (70.0, "ping-loss", "70% of 10 pings were lost"),
])
def test_a_garbled_received_count_is_read_from_the_loss_rate(loss, kind, summary):
    # "10 packets transmitted, 0 receivported, 70% packet loss": the
    # received count is unknown, the loss rate is not.
    ping = PingResult(target="203.0.113.10", sent=10, received=None, loss_pct=loss)
    findings = analyse_ping(ping)
    assert [f.kind for f in findings] == [kind]
    assert findings[0].summary.startswith(summary)
    assert "None" not in findings[0].text("zh-hans")


# A command line setting the TTL, as the pattern once said it; the two-step
# reading must agree on any line.
_TTL_SPEC = re.compile(r"\bping\b.*\s(?:-i|-t|/i)\s*\d+\b", re.I)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["ping", "PING", "-i", "-t", "/i", "5", "10", "x", "-n", "ping.exe",
                     "pinger", "-i5", "/I"]),
    st.sampled_from([" ", "", "\t", "\u00a0"])), max_size=7))
def test_a_command_line_setting_the_ttl_is_read_the_same_in_two_steps(parts):
    line = "".join(word + gap for word, gap in parts)
    assert sets_ttl(line) == bool(_TTL_SPEC.search(line))
