from __future__ import annotations

import pytest
from conftest import expected_for, sample_files

from kb.diagnostics import parse
from kb.diagnostics.analysis import analyse_obs
from kb.diagnostics.decode import decode_paste
from kb.diagnostics.obs import parse_obs

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
