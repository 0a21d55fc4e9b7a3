from __future__ import annotations

import itertools
import re

import pytest
from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.diagnostics import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    Answers,
    Attachment,
    diagnose,
    parse,
)
from kb.diagnostics.engine import MAX_SECTIONS
from kb.diagnostics.models import DETECTED_KINDS, ERRORS


def _att(name: str) -> Attachment:
    return Attachment(name=name, content=(SAMPLES / name).read_bytes())


def _problems(result):
    return [s.problem for s in result.suggestions]


def test_response_has_exactly_the_contract_shape():
    result = diagnose(
        description="buffering",
        answers=Answers(role="viewer"),
        attachments=[_att("linux-mtr-reportwide-midpath.txt")],
    ).to_dict()
    assert set(result) == {"attachments", "findings", "suggestions", "escalate"}
    assert set(result["attachments"][0]) == {"name", "detected", "platform", "metrics", "notes"}
    assert set(result["findings"][0]) == {"kind", "summary", "evidence", "problems"}
    assert set(result["suggestions"][0]) == {"problem", "confidence", "reason"}
    assert set(result["escalate"]) == {"recommended", "priority", "reason"}
    assert {"hops", "loss_starts_hop", "dest_loss_pct", "dest_rtt_avg_ms"} <= set(
        result["attachments"][0]["metrics"]
    )


def test_stream_down_is_p1_and_recommended():
    result = diagnose(answers=Answers(role="publisher", protocol="rtmp", stream_down=True))
    assert (result.escalate.recommended, result.escalate.priority) == (True, "P1")
    assert "push.connect-refused" in _problems(result)


def test_live_with_cross_border_loss_is_p2_and_cites_the_hop():
    # Loss from hop 4, the far end of the long-haul jump, to the ingest.
    result = diagnose(
        description="viewers in China see stutter",
        answers=Answers(role="publisher", region="cn", stream_down=False),
        attachments=[_att("linux-mtr-report-crossborder.txt")],
    )
    assert result.escalate.priority == "P2" and result.escalate.recommended
    top = result.suggestions[0]
    assert top.problem == "net.loss-cross-border"
    assert "198.51.100.6" in top.reason


def test_loss_that_starts_before_the_long_haul_jump_is_not_cross_border():
    # The access ISP's uplink to the border router (hop 3) loses packets;
    # the long-haul jump is between hops 3 and 4.
    result = diagnose(
        description="viewers in China see stutter",
        answers=Answers(role="publisher", region="cn", stream_down=False),
        attachments=[_att("linux-mtr-reportwide-midpath.txt")],
    )
    assert result.suggestions[0].problem == "net.loss-last-mile"
    assert "net.loss-cross-border" not in _problems(result)
    assert result.escalate.recommended is False


def test_last_mile_loss_is_self_service_p4():
    result = diagnose(
        description="my wifi stream drops",
        answers=Answers(role="publisher", stream_down=False),
        attachments=[_att("linux-mtr-report-lastmile.txt")],
    )
    assert result.suggestions[0].problem == "net.loss-last-mile"
    assert (result.escalate.recommended, result.escalate.priority) == (False, "P4")


def test_duplicate_publisher_from_ffmpeg_and_chinese_text_is_top():
    result = diagnose(
        description="推流提示流名已被占用", attachments=[_att("ffmpeg-push-already-publishing.txt")]
    )
    assert result.suggestions[0].problem == "push.duplicate-publisher"
    assert result.suggestions[0].confidence >= 0.95


@pytest.mark.parametrize(
    "line,problem",
    [
        ("RTMP_Connect0, failed to connect socket. 10061 (Unknown error)", "push.connect-refused"),
        ("The connection is being blocked by a firewall or other security software (EACCES).",
         "push.connect-refused"),
        ("NetConnection.Connect.Rejected", "push.auth-failed"),
        ("need to set pubUser & pubPasswd for publisher auth", "push.auth-failed"),
        ("[obs-webrtc] [whip_output: 'adv_stream'] Connect failed: HTTP endpoint returned "
         "response code 401", "push.auth-failed"),
        ("Connect failed: HTTP endpoint returned response code 404", "push.url-malformed"),
        ("Starting the output failed. Please check the log for details.", "enc.encoder-overload"),
        ("直播时发生了编码器错误。", "enc.encoder-overload"),
        ("Too many packets buffered for output stream 0:1.", "enc.audio-missing"),
        ("hls.js manifestParsingError: no EXTM3U delimiter", "play.not-found-404"),
        ("levelEmptyError", "ops.transcode-failure"),
        ("fragParsingError", "enc.codec-unsupported"),
        ("bufferSeekOverHole", "play.viewer-buffering"),
        ("our flv player says Fetch stream meet Early-EOF", "play.viewer-buffering"),
        ("HDR output is currently disabled for this output.", "enc.codec-unsupported"),
        ("当前输出已禁用HDR。", "enc.codec-unsupported"),
        ("[hls @ 0x55d0c8a4e2c0] Unable to open key file https://key.example.com/k/s.key",
         "play.forbidden-403"),
        ("[libx264 @ 0x55d0c8a4e2c0] height not divisible by 2 (1280x719)",
         "enc.codec-unsupported"),
        ("Unknown encoder 'libfdk_aac'", "enc.codec-unsupported"),
        ("WHIP server only accepted 0 simulcast layers", "push.auth-failed"),
        ("12:01:07.113: RTMPSockBuf_Fill, remote host closed connection", "push.auth-failed"),
        ("rtmp server requested close", "push.auth-failed"),
        ("[obs-webrtc] [whip_output: 'adv_stream'] WHIP only accepted 0 layers",
         "push.auth-failed"),
        ("hls.js:1 GET https://play.example.com/live/s.m3u8 net::ERR_CERT_DATE_INVALID",
         "play.browser-policy"),

        ("[mpegts @ 0x55d1c0a2f000] Packet corrupt (stream = 0, dts = 8100000).",
         "net.loss-cross-border"),
    ],
)
def test_a_tools_own_error_line_as_the_description_suggests_its_fix_first(line, problem):
    assert diagnose(description=line).suggestions[0].problem == problem


@pytest.mark.parametrize("description", [
    "rtmps to youtube works from hong kong but not from shanghai",
    "推 YouTube 秒断，换成香港的机器就好了",
])
def test_a_push_that_works_from_hong_kong_only_suggests_interference_first(description):
    # The same push from the other side of the border works: the relaying
    # fix that the platform's name alone suggests comes after.
    problems = [s.problem for s in diagnose(description=description).suggestions]
    assert problems[0] == "net.cross-border-interference"
    assert "push.restream-relay" in problems


@pytest.mark.parametrize("description", [
    "海外观众看不了，提示地区限制",
    "海外观众打不开直播间",
    "viewers abroad get 'this video is not available in your country'",
    "海外有几个国家的观众说打不开，国内都正常",
    "景区的海外游客说直播间打不开，国内观众都能看",
    "国内的亲戚都能看,在悉尼的姑姑打开链接就是播放不了",
    "viewers in Indonesia and Vietnam get nothing, Hong Kong and Singapore play fine",
])
def test_viewers_told_their_region_is_blocked_get_the_geo_fix_first(description):
    # 海外 and "abroad" alone point at the cross-border line; a region named
    # as refused is the playback domain's geo rule.
    assert _problems(diagnose(description=description))[0] == "play.geo-restricted"


@pytest.mark.parametrize("description", [
    "picture stays black but we can hear the host",
    "the video is black, sound is fine",
    "观众那边有声音没画面",
    "画面全黑，声音正常",
])
def test_a_black_picture_with_sound_in_any_words_is_the_black_screen_fix(description):
    assert _problems(diagnose(description=description))[0] == "play.black-screen"


@pytest.mark.parametrize("description", [
    "海外观众用 webrtc 拉流一直转圈",
    "the webrtc player just spins for viewers at the office",
    "srt push stuck connecting, rtmp works",
    "srt 一直连接中",
    "liveu unit cannot reach our srt listener",
    "larix 推 srt 没反应",
])
def test_a_udp_protocol_that_never_gets_going_suggests_blocked_udp(description):
    assert "net.udp-blocked" in _problems(diagnose(description=description))[:2]


def test_a_webrtc_question_that_is_not_about_connecting_does_not_suggest_blocked_udp():
    problems = _problems(diagnose(description="webrtc playback has 3 seconds of latency"))
    assert "net.udp-blocked" not in problems[:2]


@pytest.mark.parametrize("description", [
    "月底流量用完了，直播被停",
    "直播突然断了，后台提示欠费",
    "the stream stopped at midnight on the last day of the month and we had not paid",
])
def test_a_stream_stopped_for_billing_is_the_quota_fix(description):
    assert _problems(diagnose(description=description))[0] == "ops.quota-exceeded"


@pytest.mark.parametrize("description", [
    "where is our unpaid invoice", "欠费发票怎么开", "用 4G 推流，手机流量用完了就断了",
])
def test_a_billing_question_without_a_stopped_stream_is_not_the_quota_fix(description):
    assert "ops.quota-exceeded" not in _problems(diagnose(description=description))


@pytest.mark.parametrize("description", [
    "两台电脑用同一个推流码，后面那台把前面挤掉了",
    "另一台机器用了相同的推流码，现在两边轮流断",
    "we started a second obs with the same key and the first one got kicked",
    "two encoders are using the same stream key by mistake",
    # Engineers write the key in English inside a Chinese sentence.
    "两台电脑用同一个stream key推，画面一直来回跳",
])
def test_two_encoders_on_one_key_are_the_duplicate_publisher(description):
    assert _problems(diagnose(description=description))[0] == "push.duplicate-publisher"


@pytest.mark.parametrize("description", [
    # 挤掉 alone is bandwidth another application took; one key on one encoder is a key.
    "带宽被别的应用挤掉了，obs 一直丢帧",
    "the same key works in obs but the hardware encoder is refused",
    "推流码在 obs 可以用，换到编码器上就鉴权失败",
])
def test_one_encoder_or_a_crowded_uplink_is_not_the_duplicate_publisher(description):
    assert "push.duplicate-publisher" not in _problems(diagnose(description=description))[:1]


@pytest.mark.parametrize("description", [
    "rebooted the encoder after a power cut and now it cant publish, the key is still in use",
    "after the restart the stream name is in use by the old connection",
    "编码器断电重启以后推不上去，推流码还被之前的连接占着",
])
def test_a_key_the_old_connection_still_holds_is_the_duplicate_publisher(description):
    assert _problems(diagnose(description=description))[0] == "push.duplicate-publisher"


@pytest.mark.parametrize("description", [
    "上周的回放链接现在打开报 403 Forbidden",
    "the replay link from yesterday now gives 403",
])
def test_a_replay_link_that_answers_403_is_the_playback_403_fix(description):
    # A replay that exists but is refused: not a missing recording.
    assert _problems(diagnose(description=description))[0] == "play.forbidden-403"


@pytest.mark.parametrize("description", ["推流地址一推就报 403", "our push url returns 403"])
def test_a_push_address_that_answers_403_is_the_rejected_key(description):
    assert _problems(diagnose(description=description))[0] == "push.auth-failed"


@pytest.mark.parametrize("description", [
    "the encoder box web page says rtmp url invalid", "推流地址无效", "url is invalid"])
def test_an_invalid_url_in_either_order_is_the_malformed_url(description):
    assert _problems(diagnose(description=description))[0] == "push.url-malformed"


def test_a_playlist_that_is_not_found_is_the_viewers_404():
    # An m3u8 is what a player loads: the 404 is a playback URL's.
    problems = _problems(diagnose(description="the m3u8 returns 404 after the stream restarts"))
    assert problems[0] == "play.not-found-404"


@pytest.mark.parametrize("description", [
    "viewers keep buffering but obs shows 0 dropped frames",
    "stream stutters for viewers, no dropped frames in OBS",
    "viewers buffer. Dropped Frames (Network)      0 / 54012 (0.0%)",
    "观众一直卡，OBS 没有丢帧",
    "观众卡顿，丢帧为 0",
    "观众一直投诉直播卡，但是推流端一点丢帧都没有",
    "观众说一直缓冲，OBS 一帧都没丢",
    # 掉帧 is 丢帧 in other words.
    "观众都说卡成PPT了 我这边一帧没掉",
    "观众一直缓冲，OBS 没有掉帧",
])
def test_an_encoder_said_to_drop_no_frames_puts_the_viewers_side_first(description):
    # "dropped frames" in "0 dropped frames" is no sign of a short uplink.
    problems = _problems(diagnose(description=description))
    assert problems[0] == "play.viewer-buffering"
    assert "net.uplink-bandwidth" not in problems


@pytest.mark.parametrize("description", [
    "the preview on the encoder is smooth but the chat complains about buffering",
    "主播这边看着很流畅，观众那边一直转圈",
    "主播这边OBS数据全正常0丢帧 但泰国印尼的观众一直说转圈圈缓冲",
    "源站流正常，部分边缘节点的观众卡顿",
])
def test_a_publisher_side_said_to_be_fine_puts_the_viewers_side_first(description):
    assert _problems(diagnose(description=description))[0] == "play.viewer-buffering"


@pytest.mark.parametrize("description", ["主播推流不正常，一直卡", "主播那边画面不流畅"])
def test_a_publisher_side_said_not_to_be_fine_does_not_point_at_the_viewers(description):
    # 不正常 and 不流畅 end in the words of a side that is fine.
    assert "play.viewer-buffering" not in _problems(diagnose(description=description))


@pytest.mark.parametrize("description", [
    "ping averages 40ms and 0% loss but the picture stutters, rtt jumping all over",
    "no packet loss, yet the ping jumps between 40 and 400 ms",
    "丢包率是0，平均延迟也不高，但画面一顿一顿的，ping值忽高忽低",
    "没有丢包，延迟忽高忽低",
])
def test_a_customer_who_measured_no_loss_and_a_jumpy_ping_gets_the_jitter_fix(description):
    # "loss" in "0% loss" is no sign of loss: the measured answer counts.
    problems = _problems(diagnose(description=description))
    assert problems[0] == "net.jitter"
    assert "net.loss-last-mile" not in problems


@pytest.mark.parametrize("description", [
    "camera on a 4G router stutters every few seconds even though average ping and packet loss "
    "look fine",
    "the ping looks fine but the video freezes every couple of seconds",
])
def test_a_stutter_every_few_seconds_with_a_fine_ping_gets_the_jitter_fix(description):
    # The average is fine and the bandwidth is there: arrival times vary.
    assert _problems(diagnose(description=description))[0] == "net.jitter"


@pytest.mark.parametrize(("description", "answered"), [
    ("no packet loss, yet the ping jumps", {"net.loss-last-mile", "net.loss-cross-border"}),
    ("OBS shows 0 dropped frames but viewers buffer", {"net.uplink-bandwidth"}),
    ("没有声音，要点一下才有声", {"enc.audio-missing"}),
    ("ping shows 10% packet loss and the stream stutters", set()),
])
def test_the_diagnosis_names_the_fixes_the_customers_own_words_answered(description,
                                                                         answered):
    # The wizard leaves these out of what its search of the description adds.
    assert diagnose(description=description).answered == answered


def test_a_pasted_path_without_loss_answers_the_loss_fixes_without_a_word_about_it():
    path = (SAMPLES / "linux-mtr-report-longhaul-stable.txt").read_text()
    result = diagnose(attachments=[Attachment("mtr.txt", path)])
    assert {"net.loss-last-mile", "net.loss-cross-border"} <= result.answered


@pytest.mark.parametrize("description", [
    "ping shows 10% packet loss and the stream stutters",
    "100% packet loss to the ingest",
    "丢包率 0.5%，推流卡",
    "推流卡，丢不丢包要怎么看",
])
def test_loss_that_is_not_zero_still_points_at_loss(description):
    assert "net.loss-last-mile" in _problems(diagnose(description=description))


@pytest.mark.parametrize("description", [
    "网页打开直播没声音，要点一下才有声",
    "no sound on our web player until viewers click to unmute",
    "Chrome里video没声音，要点一下才有，autoplay被block了",
])
def test_sound_that_comes_with_a_click_is_the_browser_policy_not_missing_audio(description):
    problems = _problems(diagnose(description=description))
    assert problems[0] == "play.browser-policy"
    assert "enc.audio-missing" not in problems


@pytest.mark.parametrize("description", [
    "网页打开直播没声音",
    # The click brings the picture: nothing says the sound came with it.
    "直播没声音，要点一下才有画面",
])
def test_a_web_page_without_sound_and_no_click_is_still_missing_audio(description):
    assert "enc.audio-missing" in _problems(diagnose(description=description))


@pytest.mark.parametrize("description", [
    "autoplay is blocked in Chrome, the player stays on the poster",
    "网页直播自动播放被拦截了",
])
def test_an_autoplay_block_named_by_the_customer_is_the_browser_policy(description):
    assert _problems(diagnose(description=description))[0] == "play.browser-policy"


@pytest.mark.parametrize("description", [
    "海外酒店网络srt推不出去 rtmp可以",
    "srt fails from the hotel network but rtmp works",
    "Makito SRT handshake timeout from the hotel network, RTMP works fine on the same connection",
    "编码器srt握手超时，同一条网络rtmp正常",
    # libsrt's own message, the protocol's name far before it.
    "SRT caller Connection setup failure: connection timed out, RTMP over TCP from the same "
    "site works",
])
def test_srt_that_fails_where_rtmp_works_is_blocked_udp(description):
    assert _problems(diagnose(description=description))[0] == "net.udp-blocked"


@pytest.mark.parametrize(("description", "problem"), [
    ('OBS keeps saying "Invalid Path or Connection URL"', "push.url-malformed"),
    ("I put rtmp://push.example.com/live/launch01 in Server and the key again in Stream Key",
     "push.url-malformed"),
    ("ping -4 to the ingest is fine, ping -6 times out", "net.ipv6-path"),
    ("curl -6 fails against the push domain", "net.ipv6-path"),
    ("over the site-to-site VPN OBS connects, then stalls after a few seconds",
     "net.mtu-fragmentation"),
    ("the stream only works when IT turns off the VPN", "net.mtu-fragmentation"),
    ("一走VPN就卡住，关掉VPN就好了", "net.mtu-fragmentation"),
    ("we were sold a dedicated international line and it seems down tonight",
     "net.line-failover"),
    ("how do we switch to the backup path before the show", "net.line-failover"),
    # libsrt's refusal of the passphrase: heard and refused, not blocked UDP.
    ("客户vMix推SRT一直连不上，服务端日志里是 Password required or unexpected",
     "push.tls-handshake"),
    ("SRT caller never connects, the listener logs Incorrect passphrase", "push.tls-handshake"),
    ("客户在北京推RTMPS到海外节点，ClientHello发出去就被reset，普通rtmp反而能推",
     "net.cross-border-interference"),
    ("our RTMPS push from Shanghai gets a reset right away while plain RTMP works",
     "net.cross-border-interference"),
])
def test_what_the_customer_tried_names_the_fix(description, problem):
    assert _problems(diagnose(description=description))[0] == problem


def test_a_push_that_only_works_over_a_vpn_is_not_read_as_the_tunnels_mtu():
    def mtu(description):
        found = {s.problem: s.confidence for s in diagnose(description=description).suggestions}
        return found.get("net.mtu-fragmentation", 0)

    # A VPN that mends the push is filtering: only the word "vpn" is shared.
    assert mtu("RTMPS push only works over a VPN") < mtu("RTMPS push stalls over the VPN")


@pytest.mark.parametrize("description", [
    "关于首屏打开要 5-6 秒的问题，GOP 已经设成 2 秒了，还能怎么优化？",
    "first frame still takes 6 seconds, keyframe interval is already 2s",
])
def test_a_keyframe_interval_already_at_two_seconds_is_not_suggested_again(description):
    result = diagnose(description=description)
    assert "enc.keyframe-interval" in result.answered
    assert "enc.keyframe-interval" not in _problems(result)
    assert _problems(result)[0] == "play.slow-startup"


@pytest.mark.parametrize("description", [
    "HTTP-FLV首帧3-4秒 边缘GOP缓存未开启",
    "first frame takes 4 s, is the gop cache on at the edge?",
])
def test_the_edges_gop_cache_is_the_slow_start_fix_not_the_encoders_interval(description):
    assert _problems(diagnose(description=description))[0] == "play.slow-startup"


def test_an_srt_passphrase_refused_is_still_the_encryption_fix():
    problems = _problems(diagnose(description="srt handshake rejected after I set the passphrase"))
    assert problems[0] == "push.tls-handshake"


@pytest.mark.parametrize("description", [
    "after about 50 simultaneous channels any new publish gets rejected, existing streams go on",
    "晚上活动人一多，新进来的观众播放失败，老观众正常，是不是带宽上限到了",
    "同时推到第5路就被拒了 前4路都正常",
    "the fifth stream gets rejected while the first four keep going",
])
def test_new_ones_refused_while_the_ones_already_in_go_on_is_a_quota(description):
    assert _problems(diagnose(description=description))[0] == "ops.quota-exceeded"


@pytest.mark.parametrize("description", [
    "obs shows 10 dropped frames (network) and viewers buffer",
    "dropped frames 0.5% every evening",
    "OBS 丢帧很多",
    "上行 4M 推 1080p 会不会丢帧",
])
def test_dropped_frames_that_are_not_zero_still_point_at_the_uplink(description):
    assert "net.uplink-bandwidth" in _problems(diagnose(description=description))


@pytest.mark.parametrize("description", [
    "vMix dropped frames keep climbing since I raised bitrate to 12000 kbps, platform max is 6000",
    "码率调高到8000以后OBS开始丢帧",
])
def test_dropped_frames_after_a_bitrate_raised_point_at_the_bitrate_first(description):
    assert _problems(diagnose(description=description))[0] == "enc.bitrate-too-high"


@pytest.mark.parametrize(("description", "problem"), [
    ("TikTok后台提示码率超过上限 我OBS码率设的12000kbps 要降到多少", "enc.bitrate-too-high"),
    ("新开直播间推流报错 超过最大并发路数 是套餐到顶了吗", "ops.quota-exceeded"),
    ("专线下午突然断了 晚上7点还有一场带货 怎么切到备用线路", "net.line-failover"),
    ("OBS服务器那栏填的 rtmp://xxx/live/abc123 串流密钥又填了一遍 推不上去 地址到底咋拆",
     "push.url-malformed"),
    ("obs asks for a server and a stream key, how do i split the url you gave me",
     "push.url-malformed"),
])
def test_a_bitrate_cap_a_plan_limit_a_line_down_or_a_split_address_is_read_as_such(
        description, problem):
    assert _problems(diagnose(description=description))[0] == problem


@pytest.mark.parametrize(("description", "problem"), [
    ("CDN 4xx rate jumped, all 404 on the channel 12 playback url", "play.not-found-404"),
    ("拉流地址返回404 推流端一切正常", "play.not-found-404"),
    ("play error rate red only for Turkey on the map, every other country green",
     "play.geo-restricted"),
    ("只有一个国家的观众打不开 其他国家都正常", "play.geo-restricted"),
    ("vMix connect timeout alerts to ingest port 1935 from the venue network",
     "push.connect-refused"),
    ("rebuffering ratio climbing, ingest graphs flat, we only have one rendition no ABR",
     "play.viewer-buffering"),
    ("丢帧为0 上行也正常 没有配多码率 观众还是卡", "play.viewer-buffering"),
    # A Latin word between Chinese ones is still a word of its own.
    ("上海推rtmps到海外一连就被reset，推rtmp没事", "net.cross-border-interference"),
    ("1935端口一直超时", "push.connect-refused"),
])
def test_what_a_dashboard_shows_is_read_as_the_fix_it_needs(description, problem):
    assert _problems(diagnose(description=description))[0] == problem


@pytest.mark.parametrize(("description", "problem"), [
    # Older libsrt kept UDT's wording, "connection time out.".
    ("srt push from hotel wifi fails with Connection setup failure: connection time out. "
     "rtmp to the same server works", "net.udp-blocked"),
    ("ping -6 push.example.com Request timed out. but ping -4 replies in 35ms",
     "net.ipv6-path"),
    ("OBS 日志 Video stopped, number of skipped frames due to encoding lag: 4821/36000 (13.4%) "
     "网络没丢帧 画面一卡一卡的", "enc.encoder-overload"),
    ("mtr 到香港推流节点 前几跳都是0 从第8跳开始后面每跳都丢包", "net.loss-cross-border"),
    ("first few hops are clean, the loss starts at the border and stays to the ingest",
     "net.loss-cross-border"),
])
def test_a_pasted_line_in_the_description_names_the_fix(description, problem):
    assert _problems(diagnose(description=description))[0] == problem


@pytest.mark.parametrize(("description", "answered"), [
    ("mtr前几跳干净 从国际出口开始丢", True),
    ("first 3 hops 0% then 30% from hop 8", True),
    ("前三跳丢包10% 后面也丢", False),
    ("first hop 10% loss on the wifi", False),
])
def test_clean_first_hops_answer_the_last_mile_question(description, answered):
    assert ("net.loss-last-mile" in diagnose(description=description).answered) is answered


@pytest.mark.parametrize(("description", "problem"), [
    ("where do i put the stream key, server field or stream key field", "push.url-malformed"),
    ("Magewell has separate URL and stream key fields, where does the part after the ? go?",
     "push.url-malformed"),
    ("推流地址复制进去提示无效", "push.url-malformed"),
    ("can I use one stream key on two computers", "push.duplicate-publisher"),
    ("another encoder is already using this stream name", "push.duplicate-publisher"),
    ("why does my push disconnect at around 4am every single night",
     "push.periodic-disconnect"),
    ("每天晚上12点准时断流", "push.periodic-disconnect"),
    ("hotel network blocks rtmp, can I push over 443", "push.connect-refused"),
    ("防火墙是不是拦了 obs推不出去 浏览器能上网", "push.connect-refused"),
    ("our backend never flips the room to offline when the host stops streaming",
     "ops.callback-failure"),
    ("undersea cable packet loss", "net.loss-cross-border"),
    ("packet loss starts at the hop after the border gateway", "net.loss-cross-border"),
    ("viewers in russia can't play the stream", "play.geo-restricted"),
    ("buyers in dubai cant open the launch page player, our team in london watches fine",
     "play.geo-restricted"),
    ("主路断了备路没顶上 观众黑屏", "ops.backup-failover"),
    ("a backup laptop on the same key takes over if the main one dies, but they keep flipping",
     "ops.backup-failover"),
    ("the cloud recording of the wedding only has the first 40 minutes", "ops.recording-missing"),
    ("fast breaks turn into blocks on camera pans, OBS shows 0 dropped frames",
     "enc.poor-quality"),
    ("how do we raise the concurrent viewer limit before the final?", "ops.quota-exceeded"),
    ("last game new fans could not get in once we hit around 50k", "ops.quota-exceeded"),
    ("platform caps ingest at 6000 kbps and our vMix pushes 10 Mbps, dropped frames climb",
     "enc.bitrate-too-high"),
    ("mtr from the gym to our origin: 0% loss locally, 7% starting at the hop after the "
     "submarine cable", "net.loss-cross-border"),
    ("put srt://hub.example.com:9000/live/match1 in vmix, how do i write the streamid for srt",
     "push.url-malformed"),
    ("the countdown hit zero on stage but HQ saw it almost 40 seconds later",
     "play.high-latency"),
    ("倒计时在现场已经结束了，总部那边晚了40多秒才看到", "play.high-latency"),
    ("we run a backup phone on the same stream key in case the laptop dies",
     "ops.backup-failover"),
    ("I turned the bitrate up to 10000, now OBS shows lots of dropped frames",
     "enc.bitrate-too-high"),
    ("老师在澳洲上课，一到国内就丢包卡顿，国内推国内看都没问题", "net.loss-cross-border"),
    ("obs dropped frames every night around 8-11pm on the hk ingest, mornings are fine",
     "net.peak-hour-congestion"),
    ("every night the picture stutters, mornings are perfectly smooth",
     "net.peak-hour-congestion"),
    ("海外粉丝连线抽奖，HLS 延时30秒太大了，怎么把延迟降到几秒以内", "play.high-latency"),
    ("直播延迟三十多秒，留言区的祝福念出来时早就过去了", "play.high-latency"),
    ("webrct 延时还是有5秒 不是说1秒内吗", "play.high-latency"),
    # Relayed, then the sound or the sync is the trouble: not the relay.
    ("ffmpeg 转推 B站 之后没有声音，源是 opus", "enc.audio-missing"),
    ("转推后音画不同步，声音比画面快一秒多", "enc.av-desync"),
    ("在国内怎么同时转推到 YouTube 和 Facebook 直播", "push.restream-relay"),
    # WebRTC's picture jumping back and forth: B-frames, not skipped frames.
    ("SRS rtmp 转 WebRTC 播放画面来回跳帧，同一路流 HLS 播放完全正常", "enc.bframes-webrtc"),
    ("obs 跳帧严重 cpu 100%", "enc.encoder-overload"),
    ("云录制的回放只有前40分钟，后面的没了", "ops.recording-missing"),
    ("put the whole rtmp link with the key on the end into the Server box and the key in "
     "Stream Key as well, it won't connect", "push.url-malformed"),
    ("obs: i pasted the whole rtmp url with the key on the end and also put the key in "
     "stream key box, wont connect", "push.url-malformed"),
    ("the full url with the stream key at the end, OBS won't connect", "push.url-malformed"),
    ("推流断了之后 备用流没接上", "ops.backup-failover"),
    ("primary LiveU dropped during the keynote and the backup Teradek never took over",
     "ops.backup-failover"),
    ("微信里打开直播一直黑屏 安卓正常", "play.mobile-compat"),
    ("iPhone上HLS播放黑屏，Android是OK的", "play.mobile-compat"),
    ("海外某些country的观众打不开，提示region not allowed", "play.geo-restricted"),
    # A network that lets only web pages out: UDP for SRT, the push's port otherwise.
    ("SRT push from the studio fails, the hotel wifi only allows web traffic",
     "net.udp-blocked"),
    ("the hotel wifi only allows web traffic and OBS cannot connect", "push.connect-refused"),
    ("开播后观众进直播间要等很久才有画面", "play.slow-startup"),
    ("viewers say it takes ages before the picture shows up", "play.slow-startup"),
    # Big ones fail where small ones pass.
    ("路由器后面推流大视频会断，小文件没问题，用了VPN", "net.mtu-fragmentation"),
    ("over the vpn large uploads hang but small ones are fine", "net.mtu-fragmentation"),
    ("专线推 SRT 连上又断，抓包看大于1400字节的包全丢", "net.mtu-fragmentation"),
    ("over the tunnel anything larger than 1400 bytes is dropped", "net.mtu-fragmentation"),
    ("ffmpeg hangs then Connection timed out, curl -4 to the ingest works",
     "net.ipv6-path"),
    ("after the IPLC failed over to the backup circuit the stream stuttered for a minute",
     "net.line-failover"),
    ("viewers on iPhone get a black screen in our own shop app, Android fine",
     "play.mobile-compat"),
    # TikTok's warning about the stream it receives, and its US storefront.
    ("TikTok直播间一直提示网络不佳", "net.uplink-bandwidth"),
    ("OBS推TikTok美区，画面一卡一卡的，本地网速测试正常", "net.loss-cross-border"),
    # Viewers' words: a link that stops after a while, the browser's format message.
    ("the link opens but shows video unavailable after 20 minutes", "play.forbidden-403"),
    ("播放链接看了半小时就失效了", "play.forbidden-403"),
    ("it says your browser does not support this video format", "play.mobile-compat"),
    ("picture is frozen but I can still hear the presenter", "play.viewer-buffering"),
    ("the stream looks fine on my laptop but stutters on my phone", "play.mobile-compat"),
    ("two different streams keep taking turns on the same page", "push.duplicate-publisher"),
    ("the live stream has been loading for 30 seconds before it starts", "play.slow-startup"),
    # A push that fails on one network and connects over the phone's: that
    # network stops its port, or UDP for SRT.
    ('larix broadcaster "Connection failed" only on the hotel wifi, 4g works fine',
     "push.connect-refused"),
    ("push failed at the stadium, tethering from my phone works", "push.connect-refused"),
    ("SRT push fails on the venue wifi, works fine on 4g", "net.udp-blocked"),
    ("公司网络推不上去，开手机热点秒连", "push.connect-refused"),
    ("飞书直播推流到你们的 rtmp 地址一直 connection timeout", "push.connect-refused"),
    # Loss from the first hop on is the customer's own network's.
    ("丢包率10% 第一跳就开始丢", "net.loss-last-mile"),
    ("mtr shows loss starts at the first hop and carries on to the ingest", "net.loss-last-mile"),
    ("srt not connecting venue wifi", "net.udp-blocked"),
    ("海外的粉丝说进不了直播间,提示所在地区无法观看", "play.geo-restricted"),
    # Viewers across a border: the app plays and Chrome does not; low latency
    # mode only on one network; a stutter every few seconds on a fast line;
    # Chrome's error without its net::; a ping asked about without its unit.
    ("live stream works in the app but not in Chrome", "play.browser-policy"),
    ("low latency mode won't connect on the office network, standard mode works",
     "net.udp-blocked"),
    ("网课直播隔几秒就卡一下 测速网速明明很快", "net.jitter"),
    ("choppy every few seconds but speedtest says 200mbps", "net.jitter"),
    ("ERR_CONNECTION_RESET for viewers in mainland China on our live event page",
     "net.cross-border-interference"),
    ("ping三百多正常吗 从德国连国内的节点", "net.high-latency-route"),
    ("晚上大促人一多新观众就进不来 后台显示并发满了", "ops.quota-exceeded"),
    ("推流地址和推流码填到OBS里就报错 地址要不要带问号后面那段", "push.url-malformed"),
    # The whole address in one box, or split between server and key.
    ("快手直播伴侣填自定义推流地址 是整条填还是拆开填 一直推不上", "push.url-malformed"),
    # Over 300 ms, asked whether that is normal (200 ms to Frankfurt is: below).
    ("从海外推回国内ingest RTT三百多ms 正常吗", "net.high-latency-route"),
    ("rtt from our LA office to the ingest is 340 ms, is that normal?", "net.high-latency-route"),
    # What a search box gets: three words.
    ("stream name in use", "push.duplicate-publisher"),
    ("unstable ping streaming", "net.jitter"),
    ("stream stutters like a slideshow but dropped frames network is 0",
     "enc.encoder-overload"),
    ("画面卡顿但是声音正常", "enc.encoder-overload"),
    ("streamkey rejected after we rotated keys", "push.auth-failed"),
    ("拉流鉴权失败", "play.forbidden-403"),
    ("h264 profile high webrtc 播不了", "enc.bframes-webrtc"),
    ("viewers say the picture keeps flipping between our two cameras",
     "push.duplicate-publisher"),
    ("vmix says stream error rtmp connection failed", "push.connect-refused"),
    ("今晚的发布会推流一直失败 连接服务器超时", "push.connect-refused"),
    ("流量超了被限速", "ops.quota-exceeded"),
    ("my stream keeps going offline for a second then comes back",
     "push.periodic-disconnect"),
    ("obs bitrate drops to zero for a few seconds", "net.uplink-bandwidth"),
    # Live auctions: what the auctioneer did, seen seconds later; a close-up
    # gone to mosaic; main and backup on one stream name.
    ("bidders in London see the hammer fall 15 seconds after I call sold", "play.high-latency"),
    ("remote callers hear the answer 8 seconds after the host asks", "play.high-latency"),
    ("jade bangle turns into mosaic blocks when I rotate it, no dropped frames",
     "enc.poor-quality"),
    ("主备两台 OBS 推同一个流名 一直互踢 断断续续", "ops.backup-failover"),
    ("main and backup vMix both push to the same stream key and keep kicking each other",
     "ops.backup-failover"),
    ("hls 切片 latency 太高", "play.high-latency"),
    ("webrtc latency 有点高，能不能再低一点", "play.high-latency"),
    # ffmpeg's timestamp warning quoted in the description, not pasted as a log.
    ("Non-monotonous DTS in output stream 0:1; previous: 183204, current: 183180; "
     "changing to 183205. This may result in incorrect timestamps in the output file.",
     "enc.av-desync"),
    # A push across the border that loses packets on the way; a phone app's
    # words for a stream name in use.
    ("SRT 从上海推到法兰克福丢包 10% 以上,本地测速上行没问题", "net.loss-cross-border"),
    ("伦敦办公室推回国内丢包很严重", "net.loss-cross-border"),
    ("手机 app 推流提示这个流正在被使用", "push.duplicate-publisher"),
    ("srt 推流 一直 connecting", "net.udp-blocked"),
    ("pushing to the singapore node drops frames like crazy, pushing to beijing is fine",
     "net.loss-cross-border"),
    # Mainland viewers and a domain from abroad: its ICP filing, its edge.
    ("icp 备案 海外域名 国内打不开", "play.geo-restricted"),
    ("can viewers in mainland china open our overseas play domain?", "play.geo-restricted"),
    # Relaying the stream to a platform, in the customer's words.
    ("ffmpeg relay from our shanghai server to twitch keeps dying every few minutes",
     "push.restream-relay"),
])
def test_how_customers_ask_names_the_fix(description, problem):
    assert _problems(diagnose(description=description))[0] == problem


@pytest.mark.parametrize(("description", "not_first"), [
    # A firewall that blocks UDP is the SRT and WebRTC fix's.
    ("srt 推流用 udp 被公司防火墙拦了", "push.connect-refused"),
    # SRT that fails only with encryption on is the passphrase's, not UDP's.
    ("SRT开了加密就连不上，不开就正常", "net.udp-blocked"),
    ("srt encrypted won't connect, unencrypted is fine", "net.udp-blocked"),
    # Choppy every evening at the same hour is the evening's load, not a timer.
    ("stream fine in the morning but choppy for chinese viewers around 8pm beijing time "
     "every day", "push.periodic-disconnect"),
    # Viewers in China who cannot open an overseas domain: the filtering and
    # licensing questions, not a region rule of ours.
    ("viewers in china can't open our overseas play domain", "play.geo-restricted"),
    # 卡成PPT is said of any stutter, the evening's too.
    ("晚高峰 直播卡成PPT", "enc.encoder-overload"),
    # A phone's hotspot is where the encoder pushes from, not a player.
    ("OBS works fine on my laptop at the office but drops frames on my phone hotspot",
     "play.mobile-compat"),
    # The push address's expiry is the key's, not a viewer's signed link.
    ("推流地址用了30分钟就过期了", "play.forbidden-403"),
    # A backup encoder that took over is the stream's failover, not the line's.
    ("our backup encoder failed over too late and viewers saw black", "net.line-failover"),
    # The phone's network is the one that fails here, not the one that works.
    ("the stream fails every hour on 4g, the office wifi is fine", "push.connect-refused"),
    ("works on wifi but the push fails on 5g", "push.connect-refused"),
    ("4g doesn't work either, the push failed again", "push.connect-refused"),
    ("开热点也推不上，公司网络也推流失败", "push.connect-refused"),
    # YouTube named as what plays fine is a comparison, not a relay to it.
    ("chinese live stream keeps buffering in the US but netflix and youtube are totally fine",
     "push.restream-relay"),
    # GoPro is a camera, not a GOP; a flagged account is no lag.
    ("gopro livestream cuts off every 10 minutes like clockwork", "enc.keyframe-interval"),
    ("our stream got flagged and stopped", "play.viewer-buffering"),
    # 200 ms from Shanghai to Frankfurt is the distance, with no detour named.
    ("Pushing from Shanghai to Frankfurt, ping is about 200 ms. Is that normal?",
     "net.high-latency-route"),
    # A relay host on the way is no relay of the stream to a platform.
    ("streaming over wireguard to our hk relay, ping works but the stream stalls as soon "
     "as it starts sending", "push.restream-relay"),
    # An overseas domain that resolves wrong, or opens over a VPN, is filtered
    # on the way: the cross-border fix's, not a region rule.
    ("国内观众访问海外CDN播放域名 播放成功率很低 解析出来的IP不对", "play.geo-restricted"),
    # A push inside one country loses packets on its own network.
    ("从上海推到北京丢包很严重", "net.loss-cross-border"),
    # Seconds after the host starts, counted as a wait, are a slow start.
    ("viewers see a black screen for 5 seconds after I start the stream", "play.high-latency"),
])
def test_words_shared_with_another_fix_do_not_take_it_over(description, not_first):
    assert _problems(diagnose(description=description))[:1] != [not_first]


@pytest.mark.parametrize(("description", "problem"), [
    ("山石防火墙单用户限速8M,推流码率设了6M还是丢帧", "net.uplink-bandwidth"),
    ("per-user bandwidth cap 10 Mbps on guest SSID, streaming team wants 8 Mbps video",
     "net.uplink-bandwidth"),
    ("上海分公司推海外 内网和出口都不丢包 mtr看出了国际出口以后丢包严重",
     "net.loss-cross-border"),
    ("remote guests can't join the WebRTC studio from the hospital network, only tcp 443 "
     "allowed outbound", "net.udp-blocked"),
    ("Which outbound ports do I need to allow on our Palo Alto for an OBS RTMP push?",
     "push.connect-refused"),
    ("which port does SRT use, our firewall needs to open it", "net.udp-blocked"),
    ("需要放行哪些端口 SRT推流", "net.udp-blocked"),
    ("600 staff watching the all-hands live stream saturate the internet link, everyone "
     "buffering", "play.viewer-buffering"),
    ("policy based routing sends stream traffic via HQ internet breakout overseas, RTT to "
     "ingest 250ms", "net.high-latency-route"),
])
def test_what_a_network_administrator_says_names_the_fix(description, problem):
    assert _problems(diagnose(description=description))[0] == problem


@pytest.mark.parametrize(("description", "problem"), [
    ("GOP is fixed at 2s now but FLV viewers still watch a spinner for 5-6 s before the first "
     "frame", "play.slow-startup"),
    ("lowerd bitrate 6000->2500, obs still says encoding overloded and skipped frames keep "
     "going up, network dropped frames 0", "enc.encoder-overload"),
    ("regenerated the stream key twice, still NetStream.Publish.BadName. Server field is "
     "rtmp://push.example.com/live/abc123 and abc123 again in Stream Key", "push.url-malformed"),
    ("made the SRT passphrase identical on both ends, still 'connection setup failure' and "
     "wireshark shows our handshake going out with nothing coming back. RTMP to the same "
     "server works", "net.udp-blocked"),
    ("switched x264 to NVENC so CPU is fine now (20%), but OBS still reports ~15% dropped "
     "frames (network)", "net.uplink-bandwidth"),
    ("Moved from HLS to HTTP-FLV, why does the delay keep growing the longer people watch?",
     "play.high-latency"),
    ("MTU 改成 1400 了还是会断,而且每次都是推满整 60 分钟断一次,分秒不差",
     "push.periodic-disconnect"),
    ("换了有线,mtr 看前面几跳都是 0 丢包,从出国那一跳开始丢 8% 左右", "net.loss-cross-border"),
    ("国内观众打不开海外的 play 域名,nslookup 每次返回的 IP 都不一样,而且都不是 CDN 的",
     "net.cross-border-interference"),
    ("国内观众访问海外CDN播放域名 播放成功率很低 解析出来的IP不对",
     "net.cross-border-interference"),
    ("ping 平均 40ms 丢包 0,画面还是时不时卡一下,ping 偶尔会跳到 800ms", "net.jitter"),
    ("cx pushing 4K at 25 Mbps but our ingest cap is 10 Mbps, 30% dropped frames",
     "enc.bitrate-too-high"),
])
def test_what_was_tried_and_what_remains_names_the_next_fix(description, problem):
    assert _problems(diagnose(description=description))[0] == problem


def test_a_cpu_said_fine_answers_the_overload_question():
    result = diagnose(description="CPU is fine (20%) but the stream stutters")
    assert "enc.encoder-overload" in result.answered
    assert "enc.encoder-overload" not in diagnose(
        description="CPU at 100% and the stream stutters").answered


def test_a_single_rendition_is_not_a_transcoding_failure():
    assert "ops.transcode-failure" not in _problems(
        diagnose(description="viewers buffer, we only have one rendition"))
    single_1080p = _problems(
        diagnose(description="fans keep buffering, we offer one 1080p rendition"))
    assert "ops.transcode-failure" not in single_1080p
    assert single_1080p[0] == "play.viewer-buffering"
    assert _problems(diagnose(description="the 480p rendition is missing"))[0] == (
        "ops.transcode-failure")


def test_403_means_auth_for_publishers_and_referer_for_viewers():
    viewer = diagnose(description="HLS returns 403", answers=Answers(role="viewer"))
    publisher = diagnose(description="push returns 403", answers=Answers(role="publisher"))
    assert viewer.suggestions[0].problem == "play.forbidden-403"
    assert "play.forbidden-403" not in _problems(publisher)
    assert "push.auth-failed" in _problems(publisher)


def test_chinese_buffering_for_viewer_suggests_viewer_buffering():
    result = diagnose(description="观众反馈卡顿", answers=Answers(role="viewer"))
    assert _problems(result)[0] == "play.viewer-buffering"


def test_pull_403_infers_the_viewer_role_without_answers():
    result = diagnose(attachments=[_att("ffmpeg-pull-hls-forbidden.txt")])
    assert _problems(result)[0] == "play.forbidden-403"


def test_rate_limited_hop_alone_suggests_no_loss_problem():
    result = diagnose(attachments=[_att("linux-mtr-report-ratelimit.txt")])
    assert not {"net.loss-last-mile", "net.loss-cross-border"} & set(_problems(result))
    assert any(f.kind == "icmp-rate-limit" for f in result.findings)


def test_findings_carry_verbatim_input_lines():
    content = (SAMPLES / "obs-excerpt-network-drops.txt").read_text()
    result = diagnose(attachments=[Attachment("obs.txt", content)])
    for finding in result.findings:
        for line in finding.evidence:
            assert line in content


def test_three_attachments_combine_into_one_ranking():
    result = diagnose(
        answers=Answers(role="publisher"),
        attachments=[
            _att("obs-excerpt-network-drops.txt"),
            _att("linux-mtr-report-lastmile.txt"),
            _att("linux-ping-lossy.txt"),
        ],
    )
    assert [a.detected for a in result.attachments] == ["obs-log", "mtr", "ping"]
    assert result.suggestions[0].problem == "net.loss-last-mile"
    assert result.suggestions[0].confidence > 0.8


def test_healthy_outputs_without_a_description_are_not_escalated():
    result = diagnose(attachments=[_att("linux-ping-clean.txt")])
    assert result.escalate.recommended is False and result.suggestions == []


def test_only_the_first_max_attachments_are_read():
    atts = [_att("linux-ping-clean.txt")] * (MAX_ATTACHMENTS + 2)
    result = diagnose(attachments=atts)
    assert len(result.attachments) == MAX_ATTACHMENTS
    assert "ignored" in result.attachments[-1].notes[-1]


def test_oversized_attachment_is_truncated_with_a_note():
    big = (SAMPLES / "linux-ping-lossy.txt").read_bytes() * (MAX_ATTACHMENT_BYTES // 2000 + 10)
    parsed = parse("big.txt", big)
    assert parsed.detected == "ping"
    assert any("first" in n for n in parsed.notes)


def test_binary_upload_is_unknown_with_a_note():
    parsed = parse("capture.pcap", bytes(range(256)) * 40)
    assert parsed.detected == "unknown" and "binary" in parsed.notes[0]


def _check(result):
    # A real answer, not the fallback of a parser or rule that raised.
    assert result.degraded is False
    assert not any(p.failed for p in result.attachments)
    data = result.to_dict()
    for att in data["attachments"]:
        assert att["detected"] in DETECTED_KINDS
        assert att["metrics"].get("error") in (None, *ERRORS)
    for s in data["suggestions"]:
        assert 0.0 <= s["confidence"] <= 1.0
    assert data["escalate"]["priority"] in (None, "P1", "P2", "P3", "P4")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(), st.text(max_size=300))
def test_diagnose_never_raises_on_arbitrary_text(content, description):
    _check(diagnose(description=description, attachments=[Attachment("x.txt", content)]))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=5000))
def test_parse_never_raises_on_arbitrary_bytes(data):
    parsed = parse("x.bin", data)
    assert parsed.failed is False
    assert parsed.detected in DETECTED_KINDS


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        sorted(p.name for p in SAMPLES.iterdir() if not p.name.endswith((".json", ".md")))
    ),
    st.integers(min_value=0, max_value=4000),
    st.text(alphabet=st.characters(max_codepoint=31), max_size=40),
)
def test_truncated_or_corrupted_real_samples_never_raise(name, cut, noise):
    raw = (SAMPLES / name).read_bytes()
    text = raw[:cut].decode("utf-8", errors="ignore") + noise
    _check(diagnose(attachments=[Attachment(name, text), Attachment(name, raw[:cut])]))


# What customers paste is edited: times and counts redacted to "..." or
# "???", numbers garbled or cut. Real samples with such edits must still
# parse: the garbled value is unknown, and no parser fails on it.
_EDITS = st.sampled_from(
    ["...", ".", "1.2.3", "nan", "-nan", "inf", "NaN", "Infinity", "1e308", "9" * 400, "-1",
     "???", "*", "1,5", ""]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        sorted(p.name for p in SAMPLES.iterdir() if not p.name.endswith((".expected.json", ".md")))
    ),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0), _EDITS), max_size=6),
)
def test_samples_with_numbers_edited_out_never_fail_to_parse(name, edits):
    lines = (SAMPLES / name).read_text("utf-8", errors="replace").splitlines()
    with_numbers = [i for i, line in enumerate(lines) if re.search(r"\d", line)]
    # A sample with no number at all (a name that did not resolve) is parsed as it is.
    for line_pick, number_pick, replacement in edits if with_numbers else []:
        i = with_numbers[line_pick % len(with_numbers)]
        numbers = list(re.finditer(r"\d+(?:\.\d+)?", lines[i]))
        if not numbers:  # an earlier edit took the line's last number
            continue
        m = numbers[number_pick % len(numbers)]
        lines[i] = lines[i][: m.start()] + replacement + lines[i][m.end() :]
    answer = diagnose(attachments=[Attachment(name, "\n".join(lines))])
    _check(answer)
    # An edited number is unknown, and no sentence shows it as "None".
    for language in ("en", "zh-hans"):
        data = answer.to_dict(language)
        texts = [f["summary"] for f in data["findings"]] + [data["escalate"]["reason"]]
        assert not [text for text in texts if "None" in text]


@pytest.mark.parametrize(
    ("sample", "stream_down", "reason"),
    [
        ("linux-ping-zh-net-unreachable.txt", False, "Nothing gets through beyond 198.51.100.2"),
        ("linux-ping-host-down.txt", True, "The stream is down and 198.51.100.6 answers"),
        ("linux-ping-line-down.txt", False, "The ingest cannot be reached"),
        ("linux-traceroute-line-down.txt", False, "Nothing gets through beyond hop 4"),
    ],
)
def test_a_line_down_escalates_with_where_the_path_dies(sample, stream_down, reason):
    result = diagnose(
        answers=Answers(role="publisher", stream_down=stream_down), attachments=[_att(sample)]
    )
    assert result.escalate.recommended
    assert result.to_dict()["escalate"]["reason"].startswith(reason)


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in SAMPLES.iterdir() if not p.name.endswith((".expected.json", ".md"))),
)
def test_no_answer_text_shows_a_missing_value(name):
    for stream_down, language in itertools.product((False, True), ("en", "zh-hans")):
        answer = diagnose(
            answers=Answers(role="publisher", stream_down=stream_down), attachments=[_att(name)]
        ).to_dict(language)
        texts = [answer["escalate"]["reason"]]
        texts += [finding["summary"] for finding in answer["findings"]]
        texts += [suggestion["reason"] for suggestion in answer["suggestions"]]
        assert not [text for text in texts if "None" in text]


def test_huge_and_control_character_input_does_not_raise():
    huge = "\x00\x1b[31m" * 300_000 + "PING x (1.2.3.4) 56(84) bytes of data.\n" * 1000
    _check(diagnose(description="\x00" * 10_000, attachments=[Attachment("huge.txt", huge)]))


def test_non_string_attachment_content_does_not_raise():
    _check(diagnose(attachments=[Attachment("none.txt", None)]))  # type: ignore[arg-type]


def test_a_paste_of_many_outputs_is_read_up_to_its_limit_and_says_so():
    one = (SAMPLES / "linux-ping-lossy.txt").read_text(encoding="utf-8")
    parsed = parse("many.txt", "\n".join([one] * (MAX_SECTIONS + 5)))
    assert len(parsed.results) == MAX_SECTIONS
    assert f"holds {MAX_SECTIONS + 5} tool outputs; the first {MAX_SECTIONS} were read" in \
        parsed.notes[0]


@pytest.mark.parametrize("description", [
    "Lowered the bitrate to 3000 kbps, but it didn't help",
    # macOS and iOS type the typographic apostrophe
    "Lowered the bitrate to 3000 kbps, but it didn’t help",
    "按文章把码率降了，还是不行",
])
def test_a_fix_that_did_not_help_is_escalated_to_support(description):
    escalate = diagnose(description=description).escalate
    assert (escalate.recommended, escalate.priority) == (True, "P3")


def test_full_width_letters_in_the_description_read_as_ascii():
    # A Chinese input method in full-width mode (全角) types ｃｏｎｎｅｃｔｉｏｎ.
    answer = diagnose(description="ＯＢＳ 推流报 ｃｏｎｎｅｃｔｉｏｎ ｒｅｆｕｓｅｄ")
    assert [s.problem for s in answer.suggestions][:1] == ["push.connect-refused"]
