from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, diagnose, player
from kb.diagnostics.player import player_statuses
from kb.diagnostics.severity import finding_severity

# Lines as the players' sources print them: hls.js's playlist-loader
# (src/loader/playlist-loader.ts) and logger ("[warn] >"), flv.js and
# mpegts.js (src/io/io-controller.js, src/core/transmuxing-controller.js,
# src/utils/logger.js: "[TAG] > message"), video.js (src/js/player.js,
# lang/zh-CN.json); the browsers' lines as the playback articles quote them.
HLS_403 = "[warn] > [playlist-loader]: A network error (status 403) occurred while loading manifest"
FLV_403 = ("[IOController] > Loader error, code = 403, msg = Forbidden\n"
           "[TransmuxingController] > IOException: type = HttpStatusCodeInvalid, code = 403, "
           "msg = Forbidden")
FLV_HEVC = ("[TransmuxingController] > DemuxException: type = CodecUnsupported, "
            "info = Flv: Unsupported codec in video frame: 12")
CHROME_CORS = ("Access to XMLHttpRequest at 'https://play.example.com/live/s.m3u8' from origin "
               "'https://www.example.com' has been blocked by CORS policy: No "
               "'Access-Control-Allow-Origin' header is present on the requested resource.")
CHROME_MIXED = ("Mixed Content: The page at 'https://www.example.com/live' was loaded over HTTPS, "
                "but requested an insecure XMLHttpRequest endpoint "
                "'http://play.example.com/live/s.flv'. This request has been blocked; the "
                "content must be served over HTTPS.")
CHROME_AUTOPLAY = ("Uncaught (in promise) NotAllowedError: play() failed because the user didn't "
                   "interact with the document first. https://goo.gl/xX8pDD")


# Real consoles (samples/SOURCES.md, "Web players and browser consoles"):
# what each one's findings are, and the fix that comes first.
SAMPLES_READ = {
    "chrome-autoplay-notallowed.txt": (["browser-autoplay-blocked"], "play.browser-policy"),
    "chrome-cors-legacy-xhr-cannot-load-404.txt": (["http-not-found"], "play.not-found-404"),
    "chrome-cors-preflight-404-m3u8.txt": (["browser-cors-blocked"], "play.browser-policy"),
    "chrome-cors-xhr-m3u8.txt": (["browser-cors-blocked"], "play.browser-policy"),
    "chrome-get-403-multiline-copy.txt": (["http-forbidden"], "play.forbidden-403"),
    "chrome-get-404-xhr-loader-stack.txt": (["http-not-found"], "play.not-found-404"),
    "chrome-mediaerror-demuxer-could-not-open.txt":
        (["player-source-unsupported"], "play.mobile-compat"),
    "chrome-mixed-content-blocked-m3u8.txt": (["browser-mixed-content"], "play.browser-policy"),
    "chrome-mixed-content-warning-m3u8.txt": ([], None),
    "dashjs-chunk-demuxer-append-failed.txt": (["player-source-unsupported"], "play.mobile-compat"),
    "exoplayer-403-eventlogger.txt": (["http-forbidden"], "play.forbidden-403"),
    "exoplayer-404-source-error.txt": (["http-not-found"], "play.not-found-404"),
    "firefox-autoplay-notallowed.txt": (["browser-autoplay-blocked"], "play.browser-policy"),
    "firefox-cors-m3u8-origin-mismatch.txt": (["browser-cors-blocked"], "play.browser-policy"),
    "firefox-cors-zh-cn.txt": (["browser-cors-blocked"], "play.browser-policy"),
    "flvjs-403-forbidden.txt": (["http-forbidden"], "play.forbidden-403"),
    "flvjs-502-firefox-and-fetch-failed-chrome.txt":
        (["player-load-failed"], "play.browser-policy"),
    "flvjs-early-eof-incomplete-chunked.txt": (["player-stream-cut"], "play.viewer-buffering"),
    "flvjs-fetch-failed-cors-chrome.txt": (["browser-cors-blocked"], "play.browser-policy"),
    "flvjs-firefox-cors-progressevent.txt": (["browser-cors-blocked"], "play.browser-policy"),
    "flvjs-unsupported-codec-12-hevc.txt": (["player-codec-unsupported"], "enc.codec-unsupported"),
    "flvjs-unsupported-codec-2-firefox.txt":
        (["player-codec-unsupported"], "enc.codec-unsupported"),
    "hlsjs-bufferaddcodecerror-hevc-chrome.txt":
        (["player-codec-unsupported"], "enc.codec-unsupported"),
    "hlsjs-bufferappendingerror-legacy-wrapper.txt": (["player-decode-error"], "play.black-screen"),
    "hlsjs-bufferstalled-json-pretty.txt": (["player-stalled"], "play.viewer-buffering"),
    "hlsjs-bufferstalled-v1.6-gap-controller.txt": (["player-stalled"], "play.viewer-buffering"),
    "hlsjs-demo-decoder-error-not-supported.txt":
        (["player-source-unsupported"], "play.mobile-compat"),
    "hlsjs-demo-page-manifest-status0.txt": (["player-load-failed"], "play.browser-policy"),
    "hlsjs-fragloaderror-event-v1.txt": (["player-load-failed"], "play.browser-policy"),
    "hlsjs-incompatible-codecs-warn.txt": (["player-codec-unsupported"], "enc.codec-unsupported"),
    "hlsjs-level-403-cors-old-chrome.txt": (["http-forbidden"], "play.forbidden-403"),
    "hlsjs-level-404-cors-status0.txt":
        (["http-not-found", "browser-cors-blocked"], "play.browser-policy"),
    "hlsjs-levelloadtimeout-timestamps.txt": (["player-load-timeout"], "play.viewer-buffering"),
    "mpegtsjs-unrecoverable-early-eof.txt": (["player-stream-cut"], "play.viewer-buffering"),
    "safari-autoplay-notallowed.txt": (["browser-autoplay-blocked"], "play.browser-policy"),
    "safari11-autoplay-notallowed-dom-exception-35.txt":
        (["browser-autoplay-blocked"], "play.browser-policy"),
    "shaka-pipeline-error-decode-audio.txt": (["player-decode-error"], "play.black-screen"),
    "videojs-code2-network.txt": (["player-stream-cut"], "play.viewer-buffering"),
    "videojs-code3-safari.txt": (["player-decode-error"], "play.black-screen"),
    "videojs-code4-chinese-custom-message-ie.txt":
        (["player-source-unsupported"], "play.mobile-compat"),
    "videojs-code4-chrome-mediaerror-stack.txt":
        (["player-source-unsupported"], "play.mobile-compat"),
    "videojs-code4-firefox-stack.txt": (["player-source-unsupported"], "play.mobile-compat"),
    "videojs-code4-no-compatible-source.txt": (["player-source-unsupported"], "play.mobile-compat"),
    "videojs-vhs-playlist-request-error-code2.txt": (["player-load-failed"], "play.browser-policy"),
    "videojs-warn-segment-403-failed-to-load.txt": (["http-forbidden"], "play.forbidden-403"),
}


def _answer(text: str, role: str | None = None, description: str = ""):
    return diagnose(description=description, answers=Answers(role=role),
                    attachments=[Attachment("console.txt", text)])


def _kinds(answer) -> list[str]:
    return [f.kind for f in answer.findings]


def _first(answer) -> str:
    return answer.suggestions[0].problem


@pytest.mark.parametrize(("text", "kind", "problem"), [
    (HLS_403, "http-forbidden", "play.forbidden-403"),
    ("[warn] > [playlist-loader]: A network error (status 404) occurred while loading level: 2 "
     "id: 0", "http-not-found", "play.not-found-404"),
    (FLV_403, "http-forbidden", "play.forbidden-403"),
    ("{type: 'networkError', details: 'manifestLoadError', fatal: true, url: "
     "'https://play.example.com/live/s.m3u8', response: {code: 404, text: 'Not Found'}}",
     "http-not-found", "play.not-found-404"),
    ('{"type":"networkError","details":"fragLoadError","fatal":false,"response":{"code":429,'
     '"text":""}}', "http-too-many", "ops.quota-exceeded"),
    ("networkError manifestLoadError true 403", "http-forbidden", "play.forbidden-403"),
    # The browser-playback article's own logging of mpegts.js errors
    ("NetworkError HttpStatusCodeInvalid {code: 403, msg: 'Forbidden'}", "http-forbidden",
     "play.forbidden-403"),
    ("hls.min.js:2 GET https://play.example.com/live/s.m3u8?txSecret=ab&txTime=6A1B 403 "
     "(Forbidden)", "http-forbidden", "play.forbidden-403"),
    ("GET https://play.example.com/live/s.flv net::ERR_ABORTED 404 (Not Found)",
     "http-not-found", "play.not-found-404"),
    ("GET https://play.example.com/live/s.m3u8 [HTTP/2 403 Forbidden 38ms]", "http-forbidden",
     "play.forbidden-403"),
    ("WebSocket connection to 'wss://play.example.com/live/s.flv' failed: Error during "
     "WebSocket handshake: Unexpected response code: 403", "http-forbidden",
     "play.forbidden-403"),
    # hls.js's loaders (src/utils/xhr-loader.ts): "${status} while loading ${url}"
    ("hls.js@1:1 [error] > 404 while loading https://play.example.com/live/s_720p.m3u8",
     "http-not-found", "play.not-found-404"),
    ("com.google.android.exoplayer2.upstream.HttpDataSource$InvalidResponseCodeException: "
     "Response code: 404", "http-not-found", "play.not-found-404"),
    # AVPlayer (iOS and macOS apps), with the apostrophe Apple prints
    ("The operation couldn’t be completed. (CoreMediaErrorDomain error -12660 - HTTP 403: "
     "Forbidden)", "http-forbidden", "play.forbidden-403"),
    ('Error Domain=CoreMediaErrorDomain Code=-12938 "(null)" (CoreMediaErrorDomain error '
     '-12938 - HTTP 404: File Not Found)', "http-not-found", "play.not-found-404"),
])
def test_the_status_a_player_was_answered_is_the_status_fix(text, kind, problem):
    answer = _answer(text)
    assert _kinds(answer) == [kind]
    assert _first(answer) == problem
    assert answer.attachments[0].detected == "unknown"
    assert "the lines the findings quote were read" in answer.attachments[0].notes[0]


@pytest.mark.parametrize(("name", "kinds", "first"), [
    (name, kinds, first) for name, (kinds, first) in SAMPLES_READ.items()])
def test_each_real_console_is_read_as_what_it_shows(name, kinds, first):
    answer = _answer((SAMPLES / f"console-{name}").read_text(encoding="utf-8"))
    assert _kinds(answer) == kinds
    assert (answer.suggestions[0].problem if answer.suggestions else None) == first
    assert answer.attachments[0].detected == "unknown"
    assert not answer.degraded


def test_three_digits_that_are_no_error_status_are_not_read_as_one():
    text = "\n".join([
        "networkError fragLoadError false 000",  # a load nobody answered
        "GET https://play.example.com/live/s.m3u8 000 (Unknown)",
        "Loader error, code = 600, msg = Unknown",
        "networkError manifestLoadError true 403",
    ])
    assert [status.code for status in player_statuses(text)] == ["403"]


def test_a_players_status_names_the_url_its_line_names():
    answer = _answer("GET https://play.example.com/live/s.m3u8 403 (Forbidden)")
    assert answer.findings[0].summary.startswith(
        "https://play.example.com/live/s.m3u8 answered HTTP 403")


def test_a_failed_request_that_is_not_for_the_stream_is_not_read():
    text = ("GET https://www.example.com/api/config.json 404 (Not Found)\n"
            "favicon.ico:1  Failed to load resource: the server responded with a status of 404 ()\n"
            "https://www.example.com/logo.png:1 Failed to load resource: the server responded "
            "with a status of 403 ()\n"
            "{type: 'networkError', details: 'keyLoadError', url: 'https://drm.example.com/key', "
            "response: {code: 403}}\n"
            "GET https://stats.example.com/collect net::ERR_CONNECTION_RESET\n"
            "Access to fetch at 'https://api.example.com/v1/me' from origin "
            "'https://www.example.com' has been blocked by CORS policy: No "
            "'Access-Control-Allow-Origin' header is present on the requested resource.")
    assert _answer(text).findings == []


def test_a_cut_stream_logged_as_200_is_a_cut_not_a_url_that_works():
    text = ("GET https://play.example.com/live/s.flv net::ERR_INCOMPLETE_CHUNKED_ENCODING "
            "200 (OK)")
    answer = _answer(text)
    assert _kinds(answer) == ["player-stream-cut"]
    assert player_statuses(text) == []


@pytest.mark.parametrize(("text", "kind"), [
    (CHROME_CORS, "browser-cors-blocked"),
    ("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource "
     "at https://cdn.example.com/hls/s.m3u8. (Reason: CORS header "
     "‘Access-Control-Allow-Origin’ missing). Status code: 200.", "browser-cors-blocked"),
    ("XMLHttpRequest cannot load https://play.example.com/live/s.m3u8 due to access control "
     "checks.", "browser-cors-blocked"),
    (CHROME_MIXED, "browser-mixed-content"),
    ("Blocked loading mixed active content “http://play.example.com/live/s.flv”",
     "browser-mixed-content"),
    (CHROME_AUTOPLAY, "browser-autoplay-blocked"),
    ("NotAllowedError: The play method is not allowed by the user agent or the platform in the "
     "current context, possibly because the user denied permission.", "browser-autoplay-blocked"),
    ("Unhandled Promise Rejection: NotAllowedError: The request is not allowed by the user agent "
     "or the platform in the current context, possibly because the user denied permission.",
     "browser-autoplay-blocked"),
])
def test_what_the_browser_blocked_is_the_browser_policy_fix(text, kind):
    answer = _answer(text)
    assert _kinds(answer) == [kind]
    assert _first(answer) == "play.browser-policy"
    assert answer.suggestions[0].evidence


def test_hevc_in_flv_names_the_codec_and_the_fix():
    answer = _answer(FLV_HEVC)
    assert _kinds(answer) == ["player-codec-unsupported"]
    assert _first(answer) == "enc.codec-unsupported"
    assert "FLV codec 12 is H.265 (HEVC)" in answer.findings[0].summary
    assert "H.265（HEVC）" in answer.findings[0].text("zh-hans")


@pytest.mark.parametrize(("text", "kind", "problem"), [
    ("{type: 'mediaError', details: 'manifestIncompatibleCodecsError', fatal: true}",
     "player-codec-unsupported", "enc.codec-unsupported"),
    ("VIDEOJS: ERROR: (CODE:3 MEDIA_ERR_DECODE) The media playback was aborted due to a "
     "corruption problem or because the media used features your browser did not support.",
     "player-decode-error", "play.black-screen"),
    ("VIDEOJS: ERROR: (CODE:3 MEDIA_ERR_DECODE) "
     "由于视频文件损坏或是该视频使用了你的浏览器不支持的功能，播放终止。",
     "player-decode-error", "play.black-screen"),
    ("VIDEOJS: ERROR: (CODE:4 MEDIA_ERR_SRC_NOT_SUPPORTED) The media could not be loaded, either "
     "because the server or network failed or because the format is not supported.",
     "player-source-unsupported", "play.mobile-compat"),
    ("VIDEOJS: ERROR: (CODE:4 MEDIA_ERR_SRC_NOT_SUPPORTED) "
     "视频因格式不支持或者服务器或网络的问题无法加载。",
     "player-source-unsupported", "play.mobile-compat"),
    ("[warn] > [playlist-loader]: A network timeout occurred while loading manifest",
     "player-load-timeout", "play.viewer-buffering"),
    ("[IOController] > Connection lost, trying reconnect...", "player-stream-cut",
     "play.viewer-buffering"),
    ("[IOController] > Loader error, code = undefined, msg = Fetch stream meet Early-EOF",
     "player-stream-cut", "play.viewer-buffering"),
    ("VIDEOJS: ERROR: (CODE:2 MEDIA_ERR_NETWORK) A network error caused the media download to "
     "fail part-way.", "player-stream-cut", "play.viewer-buffering"),
    ("GET https://play.example.com/live/s.flv net::ERR_NAME_NOT_RESOLVED",
     "player-name-not-resolved", "push.dns-resolution"),
    ("GET https://play.example.com/live/s.m3u8 net::ERR_CONNECTION_RESET",
     "player-connection-failed", "net.cross-border-interference"),
    ("hls.js:1 GET https://play.example.com/live/s.m3u8 net::ERR_CERT_DATE_INVALID",
     "player-certificate-invalid", "play.browser-policy"),
    ("GET https://play.example.com/live/s.flv net::ERR_CERT_COMMON_NAME_INVALID",
     "player-certificate-invalid", "play.browser-policy"),
    ("[warn] > [playlist-loader]: A network error (status 0) occurred while loading manifest",
     "player-load-failed", "play.browser-policy"),
    ("[TransmuxingController] > IOException: type = Exception, code = -1, msg = Failed to fetch",
     "player-load-failed", "play.browser-policy"),
    ("NetworkError Exception {code: -1, msg: 'Failed to fetch'}", "player-load-failed",
     "play.browser-policy"),
    ("logger.js:39 [warn] > 0 while loading http://play.example.com/live/s.m3u8, retrying in "
     "4000...", "player-load-failed", "play.browser-policy"),
    ("xhr-loader.ts:237 [warn] > timeout while loading https://play.example.com/live/s.m3u8",
     "player-load-timeout", "play.viewer-buffering"),
    # HTTP-FLV over WebSocket (flv.js's and mpegts.js's WebSocketLoader)
    ("WebSocket connection to 'wss://play.example.com/live/s.flv' failed: ",
     "player-load-failed", "play.browser-policy"),
    ("Mixed Content: The page at 'https://www.example.com/' was loaded over HTTPS, but attempted "
     "to connect to the insecure WebSocket endpoint 'ws://play.example.com/live/s.flv'. This "
     "request has been blocked; this endpoint must be available over WSS.",
     "browser-mixed-content", "play.browser-policy"),
    # hls.js answered with a page, not a playlist; a rendition with no segments
    ("{type: 'networkError', details: 'manifestParsingError', fatal: true, reason: 'no EXTM3U "
     "delimiter'}", "player-not-a-playlist", "play.not-found-404"),
    ("mediaError levelEmptyError true", "player-rendition-empty", "ops.transcode-failure"),
    ("{type: 'mediaError', details: 'fragParsingError', fatal: true}",
     "player-codec-unsupported", "enc.codec-unsupported"),
    ("mediaError bufferSeekOverHole false", "player-stalled", "play.viewer-buffering"),
    ("mediaError bufferNudgeOnStall false", "player-stalled", "play.viewer-buffering"),
    # the browser's Media Source quota full; an encrypted segment its key does not open
    ("{type: 'mediaError', details: 'bufferFullError', fatal: false}", "player-buffer-full",
     "play.viewer-buffering"),
    ("[warn] > [stream-controller]: Reduce max buffer length to 300s\n"
     "mediaError bufferFullError false", "player-buffer-full", "play.viewer-buffering"),
    ("{type: 'mediaError', details: 'fragDecryptError', fatal: true, reason: 'The operation "
     "failed for an operation-specific reason'}", "player-decrypt-failed", "play.forbidden-403"),
    # An Android app's ExoPlayer (Media3), from logcat
    ("E ExoPlayerImplInternal: Playback error\n"
     "  androidx.media3.exoplayer.ExoPlaybackException: Source error\n"
     "  Caused by: androidx.media3.exoplayer.source.BehindLiveWindowException",
     "player-behind-live-window", "play.viewer-buffering"),
    ("onPlayerError: ERROR_CODE_BEHIND_LIVE_WINDOW", "player-behind-live-window",
     "play.viewer-buffering"),
    ("Caused by: androidx.media3.datasource.HttpDataSource$CleartextNotPermittedException: "
     "Cleartext HTTP traffic not permitted. See "
     "https://developer.android.com/guide/topics/media/issues/cleartext-not-permitted",
     "player-cleartext-blocked", "play.mobile-compat"),
    ("java.io.IOException: Cleartext HTTP traffic to play.example.com not permitted",
     "player-cleartext-blocked", "play.mobile-compat"),
    ("java.net.UnknownServiceException: CLEARTEXT communication to play.example.com not "
     "permitted by network security policy", "player-cleartext-blocked", "play.mobile-compat"),
])
def test_each_player_error_points_at_its_fix(text, kind, problem):
    answer = _answer(text)
    assert _kinds(answer) == [kind]
    assert _first(answer) == problem
    for language in ("en", "zh-hans"):
        assert "None" not in answer.findings[0].text(language)
        assert "{" not in answer.findings[0].text(language)


def test_a_playlist_video_js_could_not_load_is_a_failed_load_not_a_cut_stream():
    text = ("VIDEOJS: ERROR: (CODE:2 MEDIA_ERR_NETWORK) HLS playlist request error at URL: "
            "https://play.example.com/live/s.m3u8.")
    answer = _answer(text)
    assert _kinds(answer) == ["player-load-failed"]
    assert "https://play.example.com/live/s.m3u8" in answer.findings[0].summary


def test_a_failed_load_is_explained_by_the_browser_line_beside_it():
    # Chrome logs the CORS refusal, then the player its load error (status 0).
    text = CHROME_CORS + "\n" + (
        "[warn] > [playlist-loader]: A network error (status 0) occurred while loading manifest")
    assert _kinds(_answer(text)) == ["browser-cors-blocked"]
    # A status elsewhere in the console explains it too.
    text = ("hls.js:1 GET https://play.example.com/live/s.m3u8 403 (Forbidden)\n"
            "{type: 'networkError', details: 'manifestLoadError', fatal: true, url: "
            "'https://play.example.com/live/s.m3u8', loader: t, …}")
    assert _kinds(_answer(text)) == ["http-forbidden"]


def test_stalls_are_counted_and_the_viewer_role_is_inferred():
    text = "\n".join(["[warn] > Playback stalling at @41.2 due to low buffer ({len: 0})",
                      "hls error: mediaError bufferStalledError false"] * 3)
    answer = _answer(text, description="卡顿")
    assert _kinds(answer) == ["player-stalled"]
    assert answer.findings[0].facts["lines"] == 6
    assert "6 lines report a stall" in answer.findings[0].summary
    assert _first(answer) == "play.viewer-buffering"
    # The console makes the description a viewer's: "卡顿" counts for the
    # viewers' buffering, which it does not for a role nobody named.
    assert "卡顿" in answer.suggestions[0].reason
    words_alone = diagnose(description="卡顿").suggestions
    assert "play.viewer-buffering" not in [s.problem for s in words_alone]
    # A stall is a symptom to explain, not a fault by itself.
    assert finding_severity("player-stalled") == "warning"


@pytest.mark.parametrize(("description", "problem"), [
    ("hls.js gives manifestLoadError 403 for some viewers", "play.forbidden-403"),
    ("播放器报 HttpStatusCodeInvalid 404", "play.not-found-404"),
    ("the player shows bufferStalledError every minute", "play.viewer-buffering"),
    ("flv.js: Unsupported codec in video frame: 12", "enc.codec-unsupported"),
    ("VIDEOJS: ERROR: (CODE:3 MEDIA_ERR_DECODE)", "play.black-screen"),
    ("视频因格式不支持或者服务器或网络的问题无法加载", "play.mobile-compat"),
    ("chrome says net::ERR_NAME_NOT_RESOLVED for the m3u8", "push.dns-resolution"),
    ("hls.js bufferFullError on our TV app", "play.viewer-buffering"),
    ("fragDecryptError after we turned on encryption", "play.forbidden-403"),
    ("keyLoadError on every segment", "play.forbidden-403"),
    ("DEMUXER_ERROR_NO_SUPPORTED_STREAMS: FFmpegDemuxer: no supported streams",
     "enc.codec-unsupported"),
])
def test_a_players_error_quoted_in_the_description_points_at_its_fix(description, problem):
    # Typed into the description rather than pasted: the viewer's words.
    answer = diagnose(description=description)
    assert answer.suggestions[0].problem == problem
    assert not answer.suggestions[0].evidence


def test_a_403_quoted_from_a_player_is_a_playback_403_not_a_refused_push():
    answer = diagnose(description="hls.js manifestLoadError, response code 403")
    assert "push.auth-failed" not in [s.problem for s in answer.suggestions]
    assert answer.suggestions[0].problem == "play.forbidden-403"


def test_a_console_pasted_by_a_publisher_still_points_at_each_fix():
    text = CHROME_MIXED + "\n" + FLV_HEVC
    answer = _answer(text, role="publisher")
    assert _kinds(answer) == ["browser-mixed-content", "player-codec-unsupported"]
    assert {s.problem for s in answer.suggestions[:2]} == {
        "play.browser-policy", "enc.codec-unsupported"}


_LINES = st.sampled_from([
    HLS_403, FLV_403, FLV_HEVC, CHROME_CORS, CHROME_MIXED, CHROME_AUTOPLAY,
    "GET https://play.example.com/live/s.m3u8 404 (Not Found)",
    "GET https://play.example.com/live/s.flv net::ERR_CONNECTION_TIMED_OUT",
    "networkError fragLoadError false 0", "bufferStalledError", "(CODE:2",
    "networkError manifestParsingError true", "no EXTM3U delimiter", "levelEmptyError",
    "bufferSeekOverHole", "fragParsingError", "bufferFullError", "fragDecryptError",
    "HttpStatusCodeInvalid, code = ", "LoadError code: 40", "GET http", "net::ERR_",
    "(CoreMediaErrorDomain error -12660 - HTTP 403: Forbidden)", "CoreMediaErrorDomain error -1",
    "BehindLiveWindowException", "ERROR_CODE_BEHIND_LIVE_WINDOW",
    "Cleartext HTTP traffic not permitted", "Cleartext HTTP traffic to ",
    "CLEARTEXT communication to play.example.com not permitted",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=20),
       st.sampled_from(["\n", " ", ""]))
@example(["networkError fragLoadError false 0", "00"], "")
def test_any_mix_of_player_lines_is_read_from_the_text_without_failing(lines, joint):
    text = joint.join(lines)
    for status in player_statuses(text):
        assert status.code.isdigit() and status.code[0] in "45"
        assert status.line in text
        assert status.url is None or status.url in text
    answer = _answer(text)
    assert not answer.degraded
    read = answer.attachments[0].text  # the paste, control characters taken out
    for finding in answer.findings:
        assert all(line in read for line in finding.evidence)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_LINES, st.text(max_size=40)), max_size=12))
def test_the_whole_text_search_finds_every_line_a_pattern_reads(lines):
    # The phrases only spare the patterns the lines that cannot match: with
    # every line a candidate, the reading is the same.
    text = "\n".join(lines)
    gated = [(f.kind, f.evidence, f.facts) for f in _answer(text).findings]
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(player, "_PHRASES", ("",))
        player._candidate_lines.cache_clear()
        every_line = [(f.kind, f.evidence, f.facts) for f in _answer(text).findings]
    player._candidate_lines.cache_clear()
    assert gated == every_line
