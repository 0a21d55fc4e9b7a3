"""What a senior engineer concludes, on real outputs and on generated ones.

Total loss is a line down, not packet loss; loss that does not persist is
rate limiting; where loss starts decides whose problem it is; jitter hides
behind a normal average; ffmpeg codec mismatches are not connection
problems; SRT failures are told apart; OBS reconnect loops refused right
after connecting are the key; texts come in the reader's language.
"""

from __future__ import annotations

import re
import string

from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, diagnose, parse
from kb.diagnostics.catalogue import CATALOGUE, tool_name
from kb.diagnostics.messages import Message, normalise_lang
from kb.diagnostics.obs import parse_obs
from kb.diagnostics.path import parse_mtr_report, parse_tracert, summarise

LOSS = ("net.loss-last-mile", "net.loss-cross-border")


def _att(name):
    return Attachment(name=name, content=(SAMPLES / name).read_bytes())


def _codes(result):
    return [s.problem for s in result.suggestions]


# ----------------------------------------------------------- total loss
def test_a_dead_trace_is_a_line_down_with_its_hop_for_traceroute_and_tracert():
    for name, hop in (
        ("linux-traceroute-line-down.txt", 4),
        ("windows-tracert-en-line-down.txt", 4),
        ("windows-tracert-zh-line-down.txt", 4),
        ("linux-traceroute-net-unreachable.txt", 3),
        ("windows-tracert-zh-net-unreachable.txt", 3),
        ("linux-mtr-report-line-down.txt", 4),
        ("winmtr-line-down.txt", 4),
    ):
        metrics = parse(name, (SAMPLES / name).read_bytes()).metrics
        assert (metrics["loss_starts_hop"], metrics["dest_loss_pct"]) == (hop, 100.0), name


def test_total_loss_with_the_stream_down_is_p1_and_never_a_loss_finding():
    for name in ("linux-ping-line-down.txt", "windows-ping-zh-line-down.txt",
                 "windows-tracert-en-line-down.txt", "winmtr-line-down.txt"):
        result = diagnose(answers=Answers(role="publisher", stream_down=True),
                          attachments=[_att(name)])
        assert _codes(result)[0] in ("net.line-failover", "push.connect-refused"), name
        assert not set(_codes(result)[:1]) & set(LOSS)
        assert (result.escalate.recommended, result.escalate.priority) == (True, "P1")


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=12), st.sampled_from(["en", "zh"]))
def test_a_tracert_silent_from_hop_n_to_the_end_dies_at_hop_n(answering, lang):
    rto = "Request timed out." if lang == "en" else "请求超时。"
    ms = "ms" if lang == "en" else "毫秒"
    lines = ["Tracing route to 203.0.113.10 over a maximum of 30 hops", ""]
    for hop in range(1, answering + 1):
        lines.append(f"{hop:3d}    {hop} {ms}    {hop} {ms}    {hop} {ms}  198.51.100.{hop}")
    for hop in range(answering + 1, 31):
        lines.append(f"{hop:3d}     *        *        *     {rto}")
    lines += ["", "Trace complete."]
    path = summarise(parse_tracert("\n".join(lines)), loss_threshold_pct=2.0)
    assert path.reached is False
    assert (path.loss_starts_hop, path.dest_loss_pct) == (answering + 1, 100.0)


# ------------------------------------------------ loss that does not persist
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=90), min_size=2, max_size=12),
)
def test_loss_at_middle_hops_only_never_starts_persistent_loss(middle):
    rows = ["HOST: lab                       Loss%   Snt   Last   Avg  Best  Wrst StDev"]
    hops = [*middle, 0]
    for i, loss in enumerate(hops, start=1):
        rows.append(
            f"{i:3d}.|-- 198.51.100.{i:<3d}         {loss:.1f}%   100"
            "    1.0   1.0   1.0   1.0   0.0"
        )
    path = summarise(parse_mtr_report("\n".join(rows)), loss_threshold_pct=2.0)
    assert path.loss_starts_hop is None
    result = diagnose(attachments=[Attachment("mtr.txt", "\n".join(rows))])
    assert not any(f.kind.startswith("path-loss") for f in result.findings)
    assert result.escalate.recommended is False


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=8), st.integers(min_value=3, max_value=40))
def test_loss_that_starts_at_a_hop_and_persists_is_located_there(start, loss):
    rows = ["HOST: lab                       Loss%   Snt   Last   Avg  Best  Wrst StDev"]
    for i in range(1, 10):
        value = loss if i >= start else 0
        rows.append(
            f"{i:3d}.|-- 198.51.100.{i:<3d}         {value:.1f}%   100"
            "    1.0   1.0   1.0   1.0   0.0"
        )
    path = summarise(parse_mtr_report("\n".join(rows)), loss_threshold_pct=2.0)
    assert path.loss_starts_hop == start


def test_rate_limited_hops_are_no_reason_to_escalate_in_any_tool():
    for name in ("linux-mtr-report-ratelimit.txt", "linux-traceroute-ratelimit.txt",
                 "windows-pathping-zh-ratelimit.txt", "winmtr-ratelimit.txt",
                 "linux-mtr-report-ratelimit-two.txt", "winmtr-ratelimit-two.txt"):
        result = diagnose(description="is this packet loss?", attachments=[_att(name)])
        assert "icmp-rate-limit" in [f.kind for f in result.findings], name
        assert not set(_codes(result)[:1]) & set(LOSS), name
        assert result.escalate.recommended is False, name


def test_a_single_lost_probe_of_five_is_not_a_loss_rate():
    metrics = parse("w", (SAMPLES / "winmtr-export-full.txt").read_bytes()).metrics
    assert metrics["dest_loss_pct"] == 20.0 and metrics["loss_starts_hop"] is None


# ------------------------------------------------------- where loss starts
def test_loss_from_the_home_router_is_last_mile_and_from_the_long_haul_is_cross_border():
    last = diagnose(attachments=[_att("linux-mtr-lastmile.json")])
    cross = diagnose(attachments=[_att("linux-mtr-report-crossborder.txt")])
    assert _codes(last)[0] == "net.loss-last-mile" and "net.loss-cross-border" not in _codes(last)
    assert _codes(cross)[0] == "net.loss-cross-border"
    assert (last.escalate.recommended, cross.escalate.priority) == (False, "P2")


# ------------------------------------------------------------------ jitter
def test_jitter_behind_a_normal_average_is_found_and_a_stable_200_ms_is_not_a_fault():
    jitter = diagnose(attachments=[_att("linux-mtr-report-jitter.txt")])
    stable = diagnose(description="ping is 200 ms, is that normal?",
                      answers=Answers(region="cn"),
                      attachments=[_att("linux-mtr-report-longhaul-stable.txt")])
    assert _codes(jitter)[0] == "net.jitter"
    assert "long-haul-rtt-expected" in [f.kind for f in stable.findings]
    assert not stable.suggestions or stable.suggestions[0].confidence < 0.5
    assert stable.escalate.recommended is False


# ------------------------------------------------------------------ ffmpeg
def test_codecs_the_container_cannot_carry_are_not_connection_problems():
    for name, top in (("ffmpeg-push-hevc-flv.txt", "enc.codec-unsupported"),
                      ("ffmpeg-push-vp9-flv.txt", "enc.codec-unsupported"),
                      ("ffmpeg-push-opus-flv.txt", "enc.audio-missing")):
        result = diagnose(attachments=[_att(name)])
        assert _codes(result)[0] == top, name
        assert result.attachments[0].metrics["error"] is None
        assert result.escalate.recommended is False


def test_a_push_slower_than_real_time_is_told_uplink_from_encoder():
    uplink = diagnose(attachments=[_att("ffmpeg-push-slow-uplink.txt")])
    encoder = diagnose(attachments=[_att("ffmpeg-push-slow-encoder.txt")])
    ok = diagnose(attachments=[_att("ffmpeg-push-ok.txt")])
    assert _codes(uplink)[0] == "net.uplink-bandwidth"
    assert _codes(encoder)[0] == "enc.encoder-overload"
    assert not any(f.kind.startswith("push-slow") for f in ok.findings)


def test_progress_numbers_are_not_read_as_http_errors():
    text = "Output #0, flv, to 'rtmp://x/live/a':\nframe=  401 fps=30 q=28.0 size=   403kB " \
           "time=00:00:13.36 bitrate= 247kbits/s speed=1.0x\n"
    assert parse("f.txt", "ffmpeg version 5.1\n" + text).metrics["error"] is None


def test_srt_failures_are_told_apart():
    expected = {
        "ffmpeg-srt-wrong-passphrase.txt": "push.tls-handshake",
        "ffmpeg-srt-passphrase-missing.txt": "push.tls-handshake",
        "ffmpeg-srt-streamid-rejected.txt": "push.auth-failed",
        "ffmpeg-srt-udp-blocked.txt": "net.udp-blocked",
        "ffmpeg-srt-wrong-port.txt": "net.udp-blocked",
    }
    for name, code in expected.items():
        result = diagnose(answers=Answers(protocol="srt"), attachments=[_att(name)])
        assert _codes(result)[0] == code, name


def test_winsock_error_numbers_mean_what_the_winsock_table_says():
    expected = {
        "ffmpeg-windows-push-10061.txt": "connection_refused",
        "ffmpeg-windows-push-10060.txt": "timeout",
        "ffmpeg-windows-push-10053.txt": "broken_pipe",
    }
    for name, error in expected.items():
        assert parse(name, (SAMPLES / name).read_bytes()).metrics["error"] == error, name


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.05, max_value=0.85), st.integers(min_value=8, max_value=40))
def test_a_flat_speed_below_real_time_is_a_slow_push(speed, lines):
    text = ["ffmpeg version 5.1", "Output #0, flv, to 'rtmp://203.0.113.10/live/a':",
            "  Stream #0:0: Video: h264, yuv420p, 1280x720, q=2-31, 2500 kb/s, 30 fps"]
    for i in range(lines):
        text.append(f"frame={i * 30:5d} fps= 30 q=28.0 size=  {i * 300}kB "
                    f"time=00:00:{i + 4:02d}.00 bitrate=2500.0kbits/s speed={speed:.3f}x")
    result = diagnose(attachments=[Attachment("ff.txt", "\n".join(text))])
    assert "push-slow-uplink" in [f.kind for f in result.findings]


# --------------------------------------------------------------------- OBS
def test_old_obs_logs_are_detected_and_read():
    classic = parse("c", (SAMPLES / "obs-classic-dropped-frames.txt").read_bytes())
    refused = parse("r", (SAMPLES / "obs-classic-connection-failed.txt").read_bytes())
    assert (classic.detected, classic.platform, classic.variant) == ("obs-log", "windows",
                                                                     "classic")
    assert classic.metrics["dropped_frames_network_pct"] == 14.0
    assert refused.metrics["error"] == "connection_refused"


def test_an_obs_reconnect_loop_refused_after_connecting_is_the_key_not_the_network():
    result = diagnose(attachments=[_att("obs29-linux-reconnect-refused.txt")])
    assert _codes(result)[0] in ("push.auth-failed", "push.duplicate-publisher")
    assert result.escalate.recommended is False


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=2, max_value=12))
def test_every_publish_refused_while_reconnecting_is_counted(attempts):
    lines = ["14:04:12.882: [rtmp stream: 'simple_stream'] Connection to rtmp://x/app successful",
             "14:04:18.332: [rtmp stream: 'simple_stream'] Disconnected from rtmp://x/app",
             "14:04:18.332: Output 'simple_stream': Reconnecting in 2.00 seconds.."]
    for i in range(attempts):
        lines.append(f"14:05:{i:02d}.000: [rtmp stream: 'simple_stream'] Connection to "
                     "rtmp://x/app failed: -3")
    assert parse_obs("\n".join(lines)).refused_after_connect == attempts


# --------------------------------------------------------------- escalation
def test_a_fix_that_did_not_help_is_escalated_in_both_languages():
    for text in ("We lowered the bitrate as the article says but OBS still drops frames",
                 "已经按文章把码率降到 2500 了，还是丢帧"):
        result = diagnose(description=text, attachments=[_att("obs-excerpt-network-drops.txt")])
        assert (result.escalate.recommended, result.escalate.priority) == (True, "P3")
    plain = diagnose(attachments=[_att("obs-excerpt-network-drops.txt")])
    assert plain.escalate.recommended is False


# --------------------------------------------------------------- languages
def test_findings_reasons_and_escalation_come_in_chinese_with_numbers_unchanged():
    result = diagnose(answers=Answers(role="publisher", region="cn"),
                      attachments=[_att("linux-mtr-report-crossborder.txt")])
    en, zh = result.to_dict("en"), result.to_dict("zh-hans")
    assert en["findings"][0]["evidence"] == zh["findings"][0]["evidence"]
    for finding in zh["findings"]:
        assert re.search(r"[\u4e00-\u9fff]", finding["summary"]), finding
    assert re.search(r"[\u4e00-\u9fff]", zh["suggestions"][0]["reason"])
    assert re.search(r"[\u4e00-\u9fff]", zh["escalate"]["reason"])
    numbers = re.findall(r"\d+(?:\.\d+)?", en["escalate"]["reason"])
    assert numbers and all(n in zh["escalate"]["reason"] for n in numbers)
    assert en["findings"][0]["summary"] == result.findings[0].summary


def test_tools_are_named_as_people_name_them():
    assert tool_name("tracert", "windows") == "Windows tracert"
    assert tool_name("mtr", None) == "mtr report"
    assert tool_name("mtr", "windows", "zh-hans") == "WinMTR 导出"
    assert tool_name("obs-log", "linux") == "OBS Studio log"
    assert tool_name("obs-log", "windows", variant="classic") == "OBS Classic log"
    assert normalise_lang("zh-CN") == normalise_lang("zh_Hans") == "zh-hans"


_PARAM = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(CATALOGUE)), st.dictionaries(
    st.sampled_from(list(string.ascii_lowercase[:6]) + ["hop", "loss", "host", "rtt", "source"]),
    _PARAM, max_size=6))
def test_every_message_renders_in_both_languages_whatever_its_parameters(code, params):
    for lang in ("en", "zh-hans"):
        assert isinstance(Message(code, params).render(lang), str)


def test_every_message_code_the_diagnosis_uses_is_in_the_catalogue():
    import pathlib

    used: set[str] = set()
    for source in pathlib.Path("kb/diagnostics").glob("*.py"):
        used |= set(re.findall(r'msg\(\s*"([a-z0-9.\-_]+)"', source.read_text()))
    families = {
        "icmp.": ("net-unreachable", "host-unreachable", "prohibited"),
        "error.": ("connection_refused", "timeout", "dns_failure", "forbidden", "not_found",
                   "already_publishing", "tls_error", "broken_pipe", "message_too_long"),
        "tool.": ("ping", "traceroute", "tracert", "mtr", "pathping", "obs-log", "ffmpeg"),
    }
    for prefix, names in families.items():
        used |= {prefix + n for n in names}
    used |= {f"error.{n}.ffmpeg" for n in families["error."]}
    used |= {f"ffmpeg.srt.{n}" for n in ("passphrase", "streamid", "peer", "timeout")}
    used |= {f"esc.p2.{n}" for n in ("jitter", "interference", "network")}
    assert sorted(used - set(CATALOGUE)) == []

