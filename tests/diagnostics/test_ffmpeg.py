from __future__ import annotations

import pytest
from conftest import expected_for, sample_files

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


def test_non_monotonous_dts_is_counted_and_suggests_desync():
    text = (
        "[flv @ 0x5] Non-monotonous DTS in output stream 0:1; previous: 100, current: 90; changing to 100.\n"  # noqa: E501
        * 3
    )
    result = parse_ffmpeg(text)
    assert result.non_monotonous_dts == 3
    assert analyse_ffmpeg(result)[0].problems == ["enc.av-desync"]
