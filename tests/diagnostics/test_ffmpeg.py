from __future__ import annotations

import pytest
from conftest import expected_for, sample_files
from hypothesis import given
from hypothesis import strategies as st

from kb.diagnostics import parse
from kb.diagnostics.analysis import analyse_ffmpeg
from kb.diagnostics.decode import decode_paste
from kb.diagnostics.ffmpeg import parse_ffmpeg

FFMPEG_SAMPLES = sample_files("ffmpeg")


@pytest.mark.parametrize("sample", FFMPEG_SAMPLES, ids=lambda p: p.name)
def test_ffmpeg_sample_parses_to_its_expected_metrics(sample):
    expected = expected_for(sample)
    parsed = parse(sample.name, sample.read_bytes())
    assert parsed.detected == "ffmpeg"
    assert parsed.metrics == expected["metrics"]


@pytest.mark.parametrize(
    "name,error,direction",
    [
        ("ffmpeg-push-connection-refused.txt", "connection_refused", "push"),
        ("ffmpeg-push-timeout.txt", "timeout", "push"),
        ("ffmpeg-push-dns-failure.txt", "dns_failure", "push"),
        ("ffmpeg-push-already-publishing.txt", "already_publishing", "push"),
        ("ffmpeg-push-tls-error.txt", "tls_error", "push"),
        ("ffmpeg-pull-hls-forbidden.txt", "forbidden", "pull"),
        ("ffmpeg-pull-hls-not-found.txt", "not_found", "pull"),
    ],
)
def test_real_failures_map_to_the_error_enum(read_sample, name, error, direction):
    result = parse_ffmpeg(decode_paste(read_sample(name)))
    assert (result.error, result.direction) == (error, direction)
    assert result.evidence["error"]


def test_nginx_on_publish_refusal_is_no_named_error_but_a_server_close(read_sample):
    result = parse_ffmpeg(decode_paste(read_sample("ffmpeg-push-forbidden.txt")))
    assert result.error is None
    findings = analyse_ffmpeg(result)
    assert [f.kind for f in findings] == ["push-closed-by-server"]
    assert "push.auth-failed" in findings[0].problems


def test_successful_push_reports_output_settings_not_input(read_sample):
    settings = parse_ffmpeg(decode_paste(read_sample("ffmpeg-push-ok.txt"))).settings
    assert settings["video_codec"] == "h264" and settings["profile"] == "High"
    assert settings["resolution"] == "1280x720" and settings["fps"] == 30.0
    assert settings["video_bitrate_kbps"] == 2500 and settings["keyint_sec"] == 2.0
    assert settings["audio_codec"] == "aac" and settings["audio_sample_rate"] == 44100


def test_progress_lines_redrawn_with_cr_become_separate_lines(read_sample):
    text = decode_paste(read_sample("ffmpeg-push-ok.txt"))
    assert "\r" not in text
    assert sum(1 for line in text.split("\n") if line.startswith("frame=")) > 5


@pytest.mark.parametrize(
    "line,error",
    [
        (
            "[tcp @ 0x55] Connection to tcp://198.51.100.7:1935 failed: Connection refused",
            "connection_refused",
        ),
        ("[rtmp @ 0x55] Server error: Already publishing", "already_publishing"),
        ("av_interleaved_write_frame(): Broken pipe", "broken_pipe"),
        ("[srt @ 0x55] Connection setup failure: connection timed out", "timeout"),
        ("[udp @ 0x55] sendto failed: Message too long", "message_too_long"),
        ("[tls @ 0x55] error:0A000086:SSL routines::certificate verify failed", "tls_error"),
    ],
)
def test_known_ffmpeg_messages_map_to_errors(line, error):
    assert parse_ffmpeg(line).error == error


def test_a_muxing_queue_overflow_points_at_the_input_that_sends_nothing():
    text = (
        "Output #0, flv, to 'rtmp://push.example.com/live/STREAM_KEY':\n"
        "[flv @ 0x55d0c8a4d9c0] Too many packets buffered for output stream 0:1.\n"
        "Conversion failed!\n"
    )
    result = parse_ffmpeg(text)
    assert result.muxing_queue_overflow
    assert result.error is None
    findings = analyse_ffmpeg(result)
    assert [(f.kind, f.problems) for f in findings] == [
        ("muxing-queue-overflow", ["enc.audio-missing"])
    ]
    assert findings[0].evidence == ["[flv @ 0x55d0c8a4d9c0] Too many packets buffered for output "
                                    "stream 0:1."]


def test_media_received_damaged_is_read_as_loss_on_the_way():
    text = (
        "Input #0, mpegts, from 'srt://push.example.com:9000?mode=caller':\n"
        "[mpegts @ 0x55d1c0a2f000] Packet corrupt (stream = 0, dts = 8100000).\n"
        "[h264 @ 0x55d1c0b41e40] error while decoding MB 12 34, bytestream -5\n"
        "[h264 @ 0x55d1c0b41e40] concealing 1020 DC, 1020 AC, 1020 MV errors in P frame\n"
    )
    result = parse_ffmpeg(text)
    assert result.damaged_packets == 2
    (finding,) = analyse_ffmpeg(result)
    assert finding.kind == "received-damaged"
    assert finding.problems == ["net.loss-cross-border", "net.loss-last-mile"]
    assert "2 times" in finding.summary


def test_a_keyframe_interval_no_encoder_uses_is_not_read():
    text = (
        "Output #0, flv, to 'rtmp://push.example.com/live/STREAM_KEY':\n"
        "  Stream #0:0: Video: h264, yuv420p, 1280x720, 30 fps\n"
        "[libx264 @ 0x55] 264 - core 164 - options: keyint=" + "9" * 400 + " bframes=0\n"
    )
    settings = parse_ffmpeg(text).settings
    assert "keyint" not in settings and "keyint_sec" not in settings
    assert settings["fps"] == 30


def test_an_odd_frame_size_x264_refuses_points_at_the_codec_settings():
    text = (
        "Stream #0:0 -> #0:0 (h264 (native) -> h264 (libx264))\n"
        "[libx264 @ 0x55d0c8a4e2c0] width not divisible by 2 (1365x768)\n"
        "Error initializing output stream 0:0 -- Error while opening encoder for output stream "
        "#0:0 - maybe incorrect parameters such as bit_rate, rate, width or height\n"
        "Conversion failed!\n"
    )
    result = parse_ffmpeg(text)
    assert result.odd_frame_size == "1365x768"
    (finding,) = analyse_ffmpeg(result)
    assert (finding.kind, finding.problems) == ("odd-frame-size", ["enc.codec-unsupported"])
    assert "1365x768" in finding.summary and "scale=trunc(iw/2)*2" in finding.summary
    assert finding.evidence == ["[libx264 @ 0x55d0c8a4e2c0] width not divisible by 2 (1365x768)"]


@given(
    st.lists(st.text(st.characters(blacklist_characters="\n"), max_size=60).filter(
        lambda ln: "divisible" not in ln), max_size=20),
    st.sampled_from(["width", "height"]),
    st.sampled_from([2, 4]),
    st.integers(1, 99_999),
    st.integers(1, 99_999),
    st.integers(0, 20),
)
def test_the_refused_frame_size_is_read_wherever_the_line_stands(noise, side, divisor, width,
                                                                height, at):
    line = f"[libx264 @ 0x5] {side} not divisible by {divisor} ({width}x{height})"
    lines = list(noise)
    lines.insert(min(at, len(lines)), line)
    assert parse_ffmpeg("\n".join(lines)).odd_frame_size == f"{width}x{height}"


def test_a_clean_push_has_neither_overflow_nor_damage():
    result = parse_ffmpeg(
        "frame=  300 fps= 30 q=23.0 size=    1024kB time=00:00:10.00 bitrate= 838.9kbits/s "
        "speed=1.00x\n"
    )
    assert not result.muxing_queue_overflow
    assert result.damaged_packets == 0
    assert result.odd_frame_size is None


# parse_ffmpeg splits on "\n" only.
_NOISE_LINE = st.text(st.characters(blacklist_characters="\n"), max_size=80).filter(
    lambda ln: "corrupt" not in ln and "decoding MB" not in ln
)
_DAMAGE_LINES = (
    "[mpegts @ 0x55d1c0a2f000] Packet corrupt (stream = 0, dts = 8100000).",
    "[mpegts @ 0x7f] Packet corrupt (stream = 1, dts = NOPTS).",
    "[h264 @ 0x55d1c0b41e40] error while decoding MB 12 34, bytestream -5",
    "[hevc @ 0x1] error while decoding MB 0 0, bytestream 3",
)


@given(st.lists(st.one_of(_NOISE_LINE, st.sampled_from(_DAMAGE_LINES)), max_size=40))
def test_every_damaged_media_line_is_counted_once_among_any_others(lines):
    expected = sum(ln in _DAMAGE_LINES for ln in lines)
    assert parse_ffmpeg("\n".join(lines)).damaged_packets == expected


def test_non_monotonous_dts_is_counted_and_suggests_desync():
    text = (
        "[flv @ 0x5] Non-monotonous DTS in output stream 0:1; previous: 100, current: 90; changing to 100.\n"  # noqa: E501
        * 3
    )
    result = parse_ffmpeg(text)
    assert result.non_monotonous_dts == 3
    assert analyse_ffmpeg(result)[0].problems == ["enc.av-desync"]
