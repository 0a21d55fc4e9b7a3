from __future__ import annotations

import re

import pytest
from conftest import expected_for, sample_files
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, diagnose, parse
from kb.diagnostics.analysis import analyse_obs
from kb.diagnostics.decode import decode_paste
from kb.diagnostics.obs import _ENCODER_HEADER, _SETTING, _read_output_settings, parse_obs

OBS_SAMPLES = sample_files("obs-log")


@pytest.mark.parametrize("sample", OBS_SAMPLES, ids=lambda p: p.name)
def test_obs_sample_parses_to_its_expected_metrics(sample):
    expected = expected_for(sample)
    parsed = parse(sample.name, sample.read_bytes())
    assert parsed.detected == "obs-log"
    assert parsed.platform == expected["platform"]
    assert parsed.metrics == expected["metrics"]


def test_network_drops_are_read_with_count_and_percent(read_sample):
    result = parse_obs(decode_paste(read_sample("obs-excerpt-network-drops.txt")))
    assert result.dropped_frames_network == 30859
    assert result.dropped_frames_network_pct == 15.5
    kinds = [f.kind for f in analyse_obs(result)]
    assert kinds == ["obs-network-drops"]


def test_encoder_skips_come_from_the_video_stopped_line(read_sample):
    result = parse_obs(decode_paste(read_sample("obs-linux-session.txt")))
    assert result.skipped_frames_encoder_pct == 0.1
    assert result.lagged_frames_render_pct == 0.0


def test_x264_settings_block_gives_bitrate_keyint_and_resolution(read_sample):
    settings = parse_obs(decode_paste(read_sample("obs-linux-session.txt"))).settings
    assert settings["bitrate"] == 6000
    assert settings["rate_control"] == "CBR"
    assert settings["resolution"] == "1920x1080"
    assert settings["keyint_sec"] == 2.0
    assert settings["audio_bitrate"] == 160


def test_a_log_files_timestamped_settings_block_gives_the_keyframe_interval(read_sample):
    # OBS writes its log file with a timestamp on every line, the settings
    # block's too ("14:09:23.897: \tkeyint:       250"); simple output mode
    # leaves the interval on auto, which x264 logs as 250 frames.
    result = parse_obs(decode_paste(read_sample("obs29-linux-dropped-frames-uplink.txt")))
    assert (result.settings["bitrate"], result.settings["keyint"]) == (4000, 250)
    finding = next(f for f in analyse_obs(result) if f.kind == "keyframe-interval")
    assert "8.33" in finding.summary


def _block(header: str, *lines: str) -> str:
    """A settings block as OBS's log file has it (the format strings of
    plugins/obs-nvenc/nvenc.c, obs-qsv11/obs-qsv11.c, mac-videotoolbox/encoder.c)."""
    stamp = "21:04:11.532: "
    body = "".join(f"{stamp}\t{line}\n" for line in lines)
    return (f"{stamp}\tfps:                      60/1\n{stamp}[{header}] settings:\n{body}{stamp}\n"
            f"{stamp}[rtmp stream: 'simple_stream'] Connecting to RTMP URL rtmp://203.0.113.10/live...\n")


def test_obs_30s_nvenc_block_is_read_with_its_b_frames():
    text = _block("obs-nvenc: 'simple_video_stream'", "codec:        H264",
                  "rate_control: CBR", "bitrate:      6000", "keyint:       250",
                  "preset:       p5", "b-frames:     2")
    settings = parse_obs(text).settings
    assert settings["video_encoder"] == "obs-nvenc"
    assert (settings["bitrate"], settings["bf"], settings["keyint_sec"]) == (6000, 2, 4.17)
    kinds = [f.kind for f in analyse_obs(parse_obs(text), protocol="webrtc")]
    assert kinds == ["keyframe-interval", "bframes-webrtc"]


def test_quicksync_and_videotoolbox_log_the_interval_in_seconds():
    qsv = _block("qsv encoder: 'simple_video_stream'", "codec:          H.264",
                 "rate_control:   CBR", "target_bitrate: 6000", "keyint:         2")
    settings = parse_obs(qsv).settings
    assert (settings["bitrate"], settings["keyint_sec"]) == (6000, 2)
    assert analyse_obs(parse_obs(qsv)) == []
    # A second session's block (a recording, a restart) does not replace the first.
    settings = parse_obs(qsv + qsv.replace("keyint:         2", "keyint:         5")).settings
    assert settings["keyint_sec"] == 2
    apple = _block("VideoToolbox encoder: 'simple_video_stream'",
                   "rate_control:          CBR", "bitrate:               6000 (kbps)",
                   "keyint:                4 (s)")
    settings = parse_obs(apple).settings
    assert (settings["bitrate"], settings["keyint_sec"]) == (6000, 4)
    assert [f.kind for f in analyse_obs(parse_obs(apple))] == ["keyframe-interval"]


@pytest.mark.parametrize("line", [
    # as parse_obs hands it over, the timestamp taken off
    "\tfps:               " + "9" * 400 + "/1",
    "\tfps:               30/0",
    "\tfps:               30/" + "9" * 400,
])
def test_a_frame_rate_no_encoder_runs_at_is_not_read(line):
    settings: dict[str, object] = {}
    _read_output_settings(settings, line, line.lower())
    assert "fps" not in settings


def test_the_frame_rate_line_is_read_as_frames_over_seconds():
    settings: dict[str, object] = {}
    line = "\tfps:               30000/1001"
    _read_output_settings(settings, line, line.lower())
    assert settings["fps"] == 29.97


def test_an_audio_encoders_settings_block_is_not_the_video_encoders():
    # plugins/coreaudio-encoder/encoder.cpp, on macOS.
    text = ("21:04:11.500: [CoreAudio AAC: 'simple_aac']: settings:\n"
            "21:04:11.500: \tmode:          AAC\n21:04:11.500: \tbitrate:       160\n"
            + _block("x264 encoder: 'simple_video_stream'",
                     "bitrate:      3500", "keyint:       120"))
    settings = parse_obs(text).settings
    assert (settings["video_encoder"], settings["bitrate"], settings["keyint_sec"]) == (
        "x264", 3500, 2.0)


# OBS's SRT output as plugins/obs-ffmpeg/obs-ffmpeg-srt.h logs a failed
# connect: libsrt's error, then what OBS made of it.
_SRT = "10:00:00.900: [obs-ffmpeg mpegts muxer / libsrt]: libsrt version 1.5.3 loaded\n"


@pytest.mark.parametrize(("lines", "kind", "first"), [
    (["Connection setup failure: connection time-out",
      "Connection timed out, Unknown or erroneous"], "srt-connect-timeout", "net.udp-blocked"),
    (["Connection setup failure: connection rejected", "Wrong password"],
     "srt-rejected-passphrase", "push.tls-handshake"),
    (["Connection setup failure: connection rejected",
      "Connection rejected, Application-defined rejection reason"],
     "srt-rejected-streamid", "push.auth-failed"),
    (["Failed to resolve hostname push.example.com: Name or service not known"],
     "error-dns_failure", "push.dns-resolution"),
    (["Connection to srt://push.example.com:9000 failed: Connection refused"],
     "error-connection_refused", "push.connect-refused"),
])
def test_an_obs_srt_push_that_failed_to_connect_says_how(lines, kind, first):
    text = _SRT + "".join(f"10:00:01.000: [obs-ffmpeg mpegts muxer / libsrt]: {line}\n"
                          for line in lines)
    parsed = parse("obs.txt", text)
    assert parsed.detected == "obs-log"
    answer = diagnose(answers=Answers(role="publisher", protocol="srt"), parsed=[parsed])
    assert [f.kind for f in answer.findings] == [kind]
    assert answer.findings[0].evidence[-1].endswith(lines[-1])
    assert answer.suggestions[0].problem == first


@pytest.mark.parametrize(("sample", "protocol", "kind", "first"), [
    ("obs-whip-ice-failed.txt", "webrtc", "webrtc-ice-failed", "net.udp-blocked"),
    ("obs-nvenc-whip-ice-failed.txt", "webrtc", "webrtc-ice-failed", "net.udp-blocked"),
    ("obs-whip-http-401.txt", "webrtc", "error-forbidden", "push.auth-failed"),
    ("obs-whip-http-404.txt", "webrtc", "error-not_found", "push.url-malformed"),
    ("obs32-srt-reconnect-unanswered.txt", "srt", "srt-connect-timeout", "net.udp-blocked"),
    # Eight generic rejections, then the one that names the cause.
    ("obs31-srt-rejected-loop-debugger.txt", "srt", "srt-rejected-passphrase",
     "push.tls-handshake"),
])
def test_real_srt_and_whip_failures_point_at_their_fix(read_sample, sample, protocol, kind,
                                                      first):
    parsed = parse(sample, read_sample(sample))
    answer = diagnose(answers=Answers(role="publisher", protocol=protocol), parsed=[parsed])
    assert [f.kind for f in answer.findings] == [kind]
    assert answer.suggestions[0].problem == first


@pytest.mark.parametrize(("sample", "encoder", "bitrate", "keyint_sec", "bframes", "audio"), [
    ("obs29-windows-x264.txt", "x264", 3000, 8.33, None, 192),
    ("obs27-linux-nvenc.txt", "NVENC", 6000, 2.0, 2, 160),  # libfdk_aac's own line
    ("obs32-linux-nvenc.txt", "obs-nvenc", 6000, 8.33, 2, 160),
    ("obs27-windows-qsv.txt", "qsv", 3971, None, None, 160),  # 27 logs no interval
    ("obs32-linux-qsv.txt", "qsv", None, 0, 3, 160),  # CQP, interval on auto
    ("obs27-macos-videotoolbox.txt", "VideoToolbox streaming_h264", 2500, 2, None, 160),
    ("obs32-macos-videotoolbox.txt", "VideoToolbox advanced_video_stream", 6000, 2, None, 160),
])
def test_real_logs_give_each_encoders_settings(read_sample, sample, encoder, bitrate,
                                               keyint_sec, bframes, audio):
    settings = parse_obs(decode_paste(read_sample(sample))).settings
    assert (settings["video_encoder"], settings.get("bitrate"), settings.get("keyint_sec"),
            settings.get("bf"), settings.get("audio_bitrate")) == (
        encoder, bitrate, keyint_sec, bframes, audio)


def test_obs_30s_nvenc_block_is_read_from_a_real_log(read_sample):
    settings = parse_obs(decode_paste(read_sample("obs-nvenc-whip-ice-failed.txt"))).settings
    assert (settings["video_encoder"], settings["bitrate"], settings["keyint"], settings["bf"]) == (
        "obs-nvenc", 10000, 250, 0)
    assert settings["audio_bitrate"] == 160  # libopus, as WHIP sends audio


def test_an_srt_handshake_nobody_answered_is_read_from_the_outputs_own_lines():
    # No libsrt line at all: OBS finds the socket unconnected and says only this.
    text = ("10:00:03.900: [obs-ffmpeg mpegts muxer: 'adv_stream']: Failed to open the url or "
            "invalid stream\n10:00:03.900: [obs-ffmpeg mpegts muxer: 'adv_stream']: Failed to "
            "open the url\n")
    answer = diagnose(answers=Answers(role="publisher", protocol="srt"),
                      parsed=[parse("obs.txt", text)])
    assert [f.kind for f in answer.findings] == ["srt-connect-timeout"]
    rejected = diagnose(answers=Answers(role="publisher", protocol="srt"), parsed=[parse(
        "obs.txt", _SRT + "10:00:01.000: [obs-ffmpeg mpegts muxer / libsrt]: Wrong password\n"
        + text)])
    assert [f.kind for f in rejected.findings] == ["srt-rejected-passphrase"]


# OBS's WHIP output as plugins/obs-webrtc/whip-output.cpp logs it.
def _whip(*lines: str) -> str:
    return "".join(f"10:00:0{n}.000: [obs-webrtc] [whip_output: 'adv_stream'] {line}\n"
                   for n, line in enumerate(lines))


@pytest.mark.parametrize(("lines", "kind", "first"), [
    (["PeerConnection state is now: Connecting", "PeerConnection state is now: Failed"],
     "webrtc-ice-failed", "net.udp-blocked"),
    (["Connect failed: HTTP endpoint returned response code 401"], "error-forbidden",
     "push.auth-failed"),
    (["Connect failed: HTTP endpoint returned response code 404"], "error-not_found",
     "push.url-malformed"),
    (["Connect failed: Could not resolve host: whip.example.com"], "error-dns_failure",
     "push.dns-resolution"),
    (["Connect failed: Failed to connect to whip.example.com port 443 after 3 ms: Couldn't "
      "connect to server"], "error-connection_refused", "push.connect-refused"),
])
def test_an_obs_whip_push_that_failed_to_connect_says_how(lines, kind, first):
    parsed = parse("obs.txt", _whip(*lines))
    assert parsed.detected == "obs-log"
    answer = diagnose(answers=Answers(role="publisher", protocol="webrtc"), parsed=[parsed])
    assert [f.kind for f in answer.findings] == [kind]
    assert answer.suggestions[0].problem == first


def test_a_whip_connection_that_failed_after_connecting_is_a_drop_not_blocked_udp():
    parsed = parse("obs.txt", _whip(
        "PeerConnection state is now: Connecting", "PeerConnection state is now: Connected",
        "Connect time: 412ms", "PeerConnection state is now: Disconnected",
        "PeerConnection state is now: Failed"))
    assert (parsed.metrics["disconnects"], parsed.metrics["error"]) == (1, None)
    answer = diagnose(answers=Answers(role="publisher", protocol="webrtc"), parsed=[parsed])
    assert [f.kind for f in answer.findings] == ["obs-disconnects"]


def test_auto_keyframes_in_the_log_outrank_a_slow_first_frame_described(read_sample):
    # OBS 32's NVENC on "auto": 250 frames, 8.3 s at 30 fps.
    log = read_sample("obs32-linux-nvenc.txt")
    answer = diagnose("Viewers wait 8 seconds for the first frame", Answers(role="publisher"),
                      [Attachment("obs.txt", log)])
    assert [s.problem for s in answer.suggestions][:2] == [
        "enc.keyframe-interval", "play.slow-startup"]
    without_log = diagnose("Viewers wait 8 seconds for the first frame", Answers(role="publisher"))
    assert [s.problem for s in without_log.suggestions][:2] == [
        "play.slow-startup", "enc.keyframe-interval"]


def test_a_connect_timeout_in_a_full_log_ranks_the_connection_above_its_settings(read_sample):
    # The log up to its first RTMP line (x264 on auto keyframes), then an SRT push.
    log = decode_paste(read_sample("obs29-linux-connect-timeout.txt")).split("[rtmp stream")[0]
    text = log.rsplit("\n", 1)[0] + "\n" + _SRT + (
        "10:00:01.000: [obs-ffmpeg mpegts muxer / libsrt]: Connection timed out, "
        "Unknown or erroneous\n")
    answer = diagnose(answers=Answers(role="publisher", protocol="srt"),
                      parsed=[parse("obs.txt", text)])
    assert {f.kind for f in answer.findings} == {"srt-connect-timeout", "keyframe-interval"}
    assert [s.problem for s in answer.suggestions][:2] == [
        "net.udp-blocked", "push.connect-refused"]


def test_send_error_and_disconnect_count_as_one_disconnect_with_broken_pipe(read_sample):
    result = parse_obs(decode_paste(read_sample("obs-excerpt-disconnect.txt")))
    assert result.disconnects == 1
    assert result.error == "broken_pipe"
    finding = next(f for f in analyse_obs(result) if f.kind == "obs-disconnects")
    assert any("RTMP send error 32" in line for line in finding.evidence)


def test_keyframe_interval_other_than_two_seconds_is_a_finding(read_sample):
    text = decode_paste(read_sample("obs-linux-session.txt")).replace(
        "keyint:       60", "keyint:       250"
    )
    findings = analyse_obs(parse_obs(text))
    assert [f.kind for f in findings] == ["keyframe-interval"]
    assert findings[0].problems == ["enc.keyframe-interval"]


def test_reconnect_lines_from_obs_output_c_are_counted():
    text = (
        "12:00:01.000: [rtmp stream: 'adv_stream'] Disconnected from rtmp://live.example/app\n"
        "12:00:01.000: Output 'adv_stream': Reconnecting in 2.00 seconds..\n"
        "12:00:03.100: [rtmp stream: 'adv_stream'] Connection to rtmp://live.example/app (192.0.2.1) successful\n"  # noqa: E501
        "12:10:01.000: [rtmp stream: 'adv_stream'] Disconnected from rtmp://live.example/app\n"
        "12:10:01.000: Output 'adv_stream': Reconnecting in 2.00 seconds..\n"
    )
    result = parse_obs(text)
    assert (result.disconnects, result.reconnect_attempts) == (2, 2)


def test_connect_failure_with_windows_socket_error_is_classified():
    text = (
        "10:00:00.000: RTMP_Connect0, failed to connect socket. 10061 (connection refused)\n"
        "10:00:00.000: [rtmp stream: 'simple_stream'] Connection to rtmp://live.example/app failed: -2\n"  # noqa: E501
    )
    assert parse_obs(text).error == "connection_refused"


# The patterns these replaced scanned a long line from every "[" in it (or
# every space of a settings line): 20,000 characters took 8 to 18 s. The
# new ones read what the old ones read from the lines OBS writes.
_OLD_HEADER = re.compile(r"\[([^\]]+?) encoder: '([^']+)'\] settings:")
_OLD_AUDIO_BITRATE = re.compile(
    r"\[[^\]]*(?:aac|AAC|opus)[^\]]*encoder[^\]]*\]\s*bitrate:\s*(\d+)")
_PIECES = st.sampled_from(["[", "]", "x264", "FFmpeg aac", " encoder", ": '", "simple_aac",
                           "'", "] settings:", "]: settings:", " bitrate: ", "160", " ", ":",
                           "opus", "AAC"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12))
def test_the_header_and_audio_patterns_read_what_the_old_ones_read(pieces):
    line = "".join(pieces)
    old, new = _OLD_HEADER.search(line), _ENCODER_HEADER.search(line)
    if old and "[" not in old.group(1) + old.group(2) and old.start() == line.rfind(
            "[", 0, old.end(1)):
        assert new and (new.group(1), new.group(2)) == (old.group(1), old.group(2))
    old_bitrate = _OLD_AUDIO_BITRATE.search(line)
    if old_bitrate and "[" not in line[old_bitrate.start() + 1:old_bitrate.end()]:
        read: dict[str, object] = {}
        _read_output_settings(read, line, line.lower())
        assert read.get("audio_bitrate") == int(old_bitrate.group(1))


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"[a-z][a-z_ ]{0,20}", fullmatch=True).filter(
    lambda key: not key.endswith(" ")), st.from_regex(r"\S[ -~]{0,20}", fullmatch=True))
def test_a_settings_line_gives_its_key_and_value(key, value):
    m = _SETTING.match(f"\t{key}:   {value}")
    assert m and (m.group(1), m.group(2)) == (key, value)
