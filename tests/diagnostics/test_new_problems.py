"""Diagnosis of the second-round problem codes: relays to third-party
platforms, cross-border interference, browser policy, mobile playback,
picture quality, main/backup failover.

Samples marked "lab" were produced on loopback (see samples/SOURCES.md);
inline OBS lines follow obs-studio's own format strings
(plugins/obs-outputs/rtmp-stream.c, librtmp/rtmp.c).
"""

from __future__ import annotations

import re

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, diagnose, parse
from kb.diagnostics.destinations import (
    analyse_destinations,
    dig_name,
    forged_reason,
    platform_for,
)


def _att(name: str) -> Attachment:
    return Attachment(name=name, content=(SAMPLES / name).read_bytes())


def _kinds(result) -> list[str]:
    return [f.kind for f in result.findings]


def _top(result) -> str:
    assert result.degraded is False
    return result.suggestions[0].problem


def _problems(result) -> list[str]:
    return [s.problem for s in result.suggestions]


# --- relays to third-party platforms (push.restream-relay) ---------------


def test_plain_rtmp_to_facebook_is_rtmps_required_and_a_failed_relay():
    result = diagnose(attachments=[_att("ffmpeg-push-rtmp-to-rtmps-only-facebook.txt")])
    assert _kinds(result) == ["rtmps-required", "platform-push-failed"]
    assert _top(result) == "push.restream-relay"
    assert result.suggestions[0].confidence >= 0.9
    assert "Facebook Live" in result.findings[0].summary


def test_refused_douyin_signed_url_is_a_relay_problem_before_a_key_problem():
    # The ingest closed the publish with no reason ("Input/output error").
    result = diagnose(attachments=[_att("ffmpeg-push-douyin-expired-url.txt")])
    assert "push-closed-by-server" in _kinds(result)  # the existing reading stays
    assert "platform-push-failed" in _kinds(result)
    assert _top(result) == "push.restream-relay"
    finding = next(f for f in result.findings if f.kind == "platform-push-failed")
    assert finding.facts["platform"] == "Douyin" and finding.facts["side"] == "cn"
    # A refusal is not a blocked path: no cross-border suggestion.
    assert "net.cross-border-interference" not in _problems(result)


def test_nginx_rtmp_refusing_an_rtmps_push_target_is_read_from_unknown_text():
    result = diagnose(attachments=[_att("nginx-rtmp-push-rtmps-invalid-port.txt")])
    assert result.attachments[0].detected == "unknown"
    assert _kinds(result) == ["rtmps-push-unsupported"]
    assert _top(result) == "push.restream-relay"
    # Unrecognised text with evidence is input: escalation is assessed. The
    # customer's own nginx cannot push RTMPS: the fix is theirs to apply.
    assert (result.escalate.recommended, result.escalate.priority) == (False, "P4")


def test_obs_disconnect_from_youtube_adds_a_weak_relay_hint_only():
    result = diagnose(attachments=[_att("obs-excerpt-disconnect.txt")])
    assert _kinds(result) == ["obs-disconnects", "platform-push-dropped"]
    assert _top(result) == "push.periodic-disconnect"  # unchanged
    relay = next(s for s in result.suggestions if s.problem == "push.restream-relay")
    assert relay.confidence < 0.5


def test_healthy_twitch_session_gets_no_new_finding():
    result = diagnose(attachments=[_att("obs-linux-session.txt")])
    assert result.findings == [] and result.suggestions == []


@pytest.mark.parametrize(
    "host,platform,side",
    [
        ("a.rtmp.youtube.com", "YouTube", "global"),
        ("b.rtmps.youtube.com", "YouTube", "global"),
        ("ingest.global-contribute.live-video.net", "Twitch", "global"),
        ("sfo.contribute.live-video.net", "Twitch", "global"),
        ("0a1b2c3d4e5f.global-contribute.live-video.net", "Amazon IVS", "global"),
        ("live-api-s.facebook.com", "Facebook Live", "global"),
        ("push-rtmp-l1-sg01.tiktokcdn.com", "TikTok", "global"),
        ("push-rtmp-l11.douyincdn.com", "Douyin", "cn"),
        ("push-rtmp-t5.douyin.com", "Douyin", "cn"),
        ("live-push.bilivideo.com", "Bilibili", "cn"),
        ("txy2.live-push.bilivideo.com", "Bilibili", "cn"),
        ("open-push.voip.yximgs.com", "Kuaishou", "cn"),
    ],
)
def test_platform_ingest_hosts_are_recognised(host, platform, side):
    found = platform_for(host)
    assert found is not None and (found.name, found.side) == (platform, side)


@pytest.mark.parametrize(
    "host", ["push.example.com", "www.youtube.com", "youtube.com.evil.example", "facebook.com"]
)
def test_other_hosts_are_not_platform_ingests(host):
    assert platform_for(host) is None


# --- cross-border interference -------------------------------------------


def test_tls_reset_on_an_rtmps_relay_to_youtube_points_at_interference():
    result = diagnose(attachments=[_att("ffmpeg-push-rtmps-reset-youtube.txt")])
    kinds = _kinds(result)
    assert kinds[0] == "error-tls_error"  # the existing reading stays
    assert {"platform-push-failed", "overseas-platform-blocked", "tls-reset"} <= set(kinds)
    assert _top(result) == "net.cross-border-interference"
    assert {"push.tls-handshake", "push.restream-relay"} <= set(_problems(result))
    assert result.escalate.priority == "P2" and result.escalate.recommended


def test_answering_region_cn_strengthens_the_interference_reading():
    plain = diagnose(attachments=[_att("ffmpeg-push-rtmps-reset-youtube.txt")])
    in_cn = diagnose(
        answers=Answers(region="cn"), attachments=[_att("ffmpeg-push-rtmps-reset-youtube.txt")]
    )
    assert in_cn.suggestions[0].confidence > plain.suggestions[0].confidence


def test_curl_reset_after_client_hello_is_read_from_unknown_text():
    result = diagnose(attachments=[_att("curl-v-tls-reset.txt")])
    assert result.attachments[0].detected == "unknown"
    assert _kinds(result) == ["tls-reset", "overseas-platform-blocked"]
    assert _top(result) == "net.cross-border-interference"
    reset = result.findings[0]
    assert "* Recv failure: Connection reset by peer" in reset.evidence


def test_openssl_s_client_errno_104_is_a_tls_reset():
    result = diagnose(attachments=[_att("openssl-s-client-reset.txt")])
    assert _kinds(result) == ["tls-reset"]
    assert result.findings[0].evidence == ["write:errno=104"]


def test_obs_mbedtls_reset_to_youtube_is_interference():
    # librtmp/rtmp.c: "%s, TLS_Connect failed: -0x%x"; -0x50 is
    # MBEDTLS_ERR_NET_CONN_RESET.  rtmp-stream.c: "Connection to %s failed: %d".
    log = (
        "12:00:00.000: [rtmp stream: 'adv_stream'] Connecting to RTMP URL rtmps://a.rtmps.youtube.com:443/live2...\n"  # noqa: E501
        "12:00:00.412: RTMP_Connect1, TLS_Connect failed: -0x50\n"
        "12:00:00.412: [rtmp stream: 'adv_stream'] Connection to rtmps://a.rtmps.youtube.com:443/live2 failed: -2\n"  # noqa: E501
    )
    result = diagnose(attachments=[Attachment("obs.txt", log)])
    assert result.attachments[0].detected == "obs-log"
    assert {"platform-push-failed", "overseas-platform-blocked", "tls-reset"} <= set(_kinds(result))
    assert _top(result) == "net.cross-border-interference"


def test_a_reset_in_the_middle_of_a_running_rtmps_push_is_not_a_handshake_reset():
    text = (
        "Output #0, flv, to 'rtmps://a.rtmps.youtube.com:443/live2/xxxx-xxxx':\n"
        "  Stream #0:0: Video: h264 (libx264) ([7][0][0][0] / 0x0007), yuv420p, 1280x720, q=2-31, 2500 kb/s, 30 fps, 1k tbn\n"  # noqa: E501
        "av_interleaved_write_frame(): Connection reset by peer\n"
        "Error writing trailer of rtmps://a.rtmps.youtube.com:443/live2/xxxx-xxxx: Connection reset by peer\n"  # noqa: E501
    )
    result = diagnose(attachments=[Attachment("ffmpeg.txt", text)])
    assert "tls-reset" not in _kinds(result)
    assert "platform-push-dropped" in _kinds(result)


def test_a_tls_reset_to_our_own_ingest_still_ranks_the_handshake_article_first():
    text = (
        "Input #0, lavfi, from 'testsrc2=size=1280x720:rate=30':\n"
        "[tls @ 0x55bd5eff5c00] Error in the pull function.\n"
        "[tls @ 0x55bd5eff5c00] IO error: Connection reset by peer\n"
        "[rtmps @ 0x55bd5eff7040] Cannot open connection tls://push.example.com:443\n"
        "rtmps://push.example.com:443/live/STREAM_KEY: Connection reset by peer\n"
    )
    result = diagnose(attachments=[Attachment("ffmpeg.txt", text)])
    assert _kinds(result) == ["error-tls_error", "tls-reset"]
    assert _problems(result)[:2] == ["push.tls-handshake", "net.cross-border-interference"]


def test_poisoned_dig_answer_is_read_from_unknown_text():
    result = diagnose(attachments=[_att("dig-poisoned-answer.txt")])
    assert _kinds(result) == ["dns-forged-answer"]
    assert _top(result) == "net.cross-border-interference"
    assert result.findings[0].evidence == ["a.rtmp.youtube.com.\t300\tIN\tA\t31.13.94.37"]
    assert "push.dns-resolution" in _problems(result)


def test_ping_header_with_a_forged_address_outranks_plain_loss():
    result = diagnose(attachments=[_att("linux-ping-forged-address.txt")])
    assert _kinds(result) == ["ping-total-loss", "dns-forged-answer"]
    assert _top(result) == "net.cross-border-interference"
    assert "interfer" in result.escalate.reason


@pytest.mark.parametrize(
    "paste",
    [
        # Windows ping, English and Chinese console
        "Pinging a.rtmp.youtube.com [104.244.43.136] with 32 bytes of data:\nRequest timed out.\n",
        "正在 Ping a.rtmp.youtube.com [162.125.83.1] 具有 32 字节的数据:\n请求超时。\n",
        # nslookup (the resolver's own address comes first and is not paired)
        "Server:  UnKnown\nAddress:  192.168.1.1\n\nNon-authoritative answer:\n"
        "Name:    a.rtmp.youtube.com\nAddress:  199.16.158.12\n",
        # dig +short after its command line
        "$ dig +short a.rtmp.youtube.com @223.5.5.5\n108.160.170.45\n",
        # Resolve-DnsName table
        "Name                           Type   TTL   Section    IPAddress\n"
        "----                           ----   ---   -------    ---------\n"
        "a.rtmp.youtube.com             A      300   Answer     157.240.10.32\n",
        # the reserved class E range
        "a.rtmp.youtube.com.\t300\tIN\tA\t243.185.187.39\n",
    ],
)
def test_forged_answers_are_found_in_every_tool(paste):
    parsed = parse("paste.txt", paste)
    kinds = [f.kind for f in analyse_destinations(parsed, parsed.text)]
    assert kinds == ["dns-forged-answer"]


@pytest.mark.parametrize(
    "name,address",
    [
        # addresses from the measured forged-answer pool (samples/SOURCES.md)
        ("a.rtmp.youtube.com", "31.13.94.37"),
        ("a.rtmp.youtube.com", "157.240.10.32"),
        ("a.rtmps.youtube.com", "104.244.43.136"),
        ("ingest.global-contribute.live-video.net", "199.16.158.12"),
        ("www.google.com", "162.125.83.1"),
        ("www.google.com", "108.160.170.45"),
        ("www.youtube.com", "59.24.3.173"),
        ("www.youtube.com", "159.106.121.75"),
    ],
)
def test_measured_forged_answers_are_recognised(name, address):
    assert forged_reason(name, address)


@pytest.mark.parametrize(
    "name,address",
    [
        ("www.facebook.com", "157.240.10.35"),
        ("live-api-s.facebook.com", "31.13.94.37"),
        ("scontent.xx.fbcdn.net", "31.13.94.37"),
        ("api.twitter.com", "104.244.42.66"),
        ("www.dropbox.com", "162.125.83.18"),
        ("push.example.com", "203.0.113.10"),
        ("a.rtmp.youtube.com", "not-an-address"),
    ],
)
def test_genuine_answers_are_not_called_forged(name, address):
    assert forged_reason(name, address) is None


def test_ping_to_facebook_itself_is_not_poisoning():
    text = (
        "PING www.facebook.com (157.240.10.35) 56(84) bytes of data.\n"
        "64 bytes from 157.240.10.35: icmp_seq=1 ttl=55 time=40.1 ms\n\n"
        "--- www.facebook.com ping statistics ---\n"
        "1 packets transmitted, 1 received, 0% packet loss, time 0ms\n"
        "rtt min/avg/max/mdev = 40.100/40.100/40.100/0.000 ms\n"
    )
    result = diagnose(attachments=[Attachment("ping.txt", text)])
    assert "dns-forged-answer" not in _kinds(result)


def test_route_through_a_tunnel_device_is_a_vpn_side_effect():
    result = diagnose(attachments=[_att("ip-route-get-tunnel.txt")])
    assert _kinds(result) == ["route-via-tunnel"]
    assert result.findings[0].facts["device"] == "tun0"
    assert {"net.cross-border-interference", "net.mtu-fragmentation"} <= set(_problems(result))


def test_route_through_a_physical_interface_is_not_a_finding():
    route = "203.0.113.10 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0\n    cache\n"
    parsed = parse("route.txt", route)
    assert analyse_destinations(parsed, parsed.text) == []


def test_new_findings_carry_verbatim_input_lines():
    for name in (
        "ffmpeg-push-rtmps-reset-youtube.txt",
        "ffmpeg-push-rtmp-to-rtmps-only-facebook.txt",
        "curl-v-tls-reset.txt",
        "dig-poisoned-answer.txt",
        "nginx-rtmp-push-rtmps-invalid-port.txt",
        "ip-route-get-tunnel.txt",
    ):
        content = (SAMPLES / name).read_text()
        for finding in diagnose(attachments=[_att(name)]).findings:
            assert finding.evidence, (name, finding.kind)
            for line in finding.evidence:
                assert line in content, (name, finding.kind, line)


# --- descriptions, both languages ------------------------------------------


@pytest.mark.parametrize(
    "description,role,problem",
    [
        ("our restream to YouTube and Facebook keeps failing", "publisher", "push.restream-relay"),
        ("转推到抖音和B站总是断", "publisher", "push.restream-relay"),
        (
            "connection reset by peer as soon as TLS starts, only from Shanghai",
            None,
            "net.cross-border-interference",
        ),
        ("推流到境外 DNS 被污染，关了加速器才能推", None, "net.cross-border-interference"),
        (
            "the console says mixed content and CORS error, the player stays black",
            "viewer",
            "play.browser-policy",
        ),
        ("网页播放器跨域报错，自动播放也被拦截", "viewer", "play.browser-policy"),
        ("does not play on iPhone Safari but works on desktop", "viewer", "play.mobile-compat"),
        ("微信内置浏览器里视频全屏，X5 同层播放不生效", "viewer", "play.mobile-compat"),
        (
            "the picture is blurry and blocky in fast motion although nothing drops",
            "publisher",
            "enc.poor-quality",
        ),
        ("画面模糊，一动就出马赛克，但是没有丢帧", "publisher", "enc.poor-quality"),
        (
            "the backup encoder never takes over and cannot switch back",
            "publisher",
            "ops.backup-failover",
        ),
        ("主备推流互踢，切不回主流", "publisher", "ops.backup-failover"),
    ],
)
def test_descriptions_in_both_languages_reach_the_new_codes(description, role, problem):
    result = diagnose(description=description, answers=Answers(role=role))
    assert _top(result) == problem


def test_words_inside_other_words_do_not_trigger():
    # "sni" inside "snippet", "rst" inside "first", "ios" inside "studios".
    result = diagnose(description="first snippet from our studios")
    assert "net.cross-border-interference" not in _problems(result)
    assert "play.mobile-compat" not in _problems(result)


def test_escalation_follows_who_can_fix_each_new_code():
    relay = diagnose(description="restream to twitch fails", answers=Answers(role="publisher"))
    browser = diagnose(
        description="mixed content blocks the player", answers=Answers(role="viewer")
    )
    quality = diagnose(description="the stream is blurry", answers=Answers(role="publisher"))
    backup = diagnose(description="主备推流互踢", answers=Answers(role="publisher"))
    assert (relay.escalate.priority, backup.escalate.priority) == ("P3", "P3")
    assert (browser.escalate.priority, quality.escalate.priority) == ("P4", "P4")
    assert browser.escalate.recommended is False


# What a dig command line asks for, as the pattern once said it; the
# word-by-word reading must give the same name on any line.
_DIG_SPEC = re.compile(
    r"\bdig\b[^\n;]*?\s([A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)+)(?=\s|$)", re.I)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["dig", "DIG", "+short", "@8.8.8.8", "push.example.com", "a.b", "x", "-t",
                     "dig.example.com", "1.2.3.4", ".", "a-b.c-d", "digger", "foo.", "$"]),
    st.sampled_from([" ", "", "\t", ";", "\u00a0"])), max_size=8))
def test_the_name_a_dig_command_asks_for_is_read_word_by_word(parts):
    line = "".join(word + gap for word, gap in parts)
    m = _DIG_SPEC.search(line)
    assert dig_name(line) == (m.group(1) if m else None)
