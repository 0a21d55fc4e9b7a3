from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Attachment, diagnose

RTMP2SINK = "ERROR: from element /GstPipeline:pipeline0/GstRtmp2Sink:rtmp2sink0: "
SRTSINK = "WARNING: from element /GstPipeline:pipeline0/GstSRTSink:srtsink0: "


def _answer(text: str, name: str = "pipeline.txt"):
    return diagnose(attachments=[Attachment(name, text)])


def _gst_launch(error_line: str) -> str:
    """gst-launch-1.0's whole output around one element error."""
    return "\n".join([
        "Setting pipeline to PAUSED ...",
        "Pipeline is live and does not need PREROLL ...",
        "Setting pipeline to PLAYING ...",
        "New clock: GstSystemClock",
        error_line,
        "Additional debug info:",
        "../gst/rtmp2/gstrtmp2sink.c(1152): send_connect_error (): "
        "/GstPipeline:pipeline0/GstRtmp2Sink:rtmp2sink0",
        "Execution ended after 0:00:00.041633917",
        "Setting pipeline to NULL ...",
        "Freeing pipeline ...",
    ])


@pytest.mark.parametrize(("message", "kind", "first"), [
    ("Connection refused: Could not connect to push.example.com: Connection refused",
     "error-connection_refused", "push.connect-refused"),
    ("Failed to connect: Could not connect to push.example.com: Socket I/O timed out",
     "error-timeout", "push.connect-refused"),
    ("Failed to connect: Error resolving \u201cpush.example.com\u201d: Name or service not known",
     "error-dns_failure", "push.dns-resolution"),
    ("Not authorized to connect: publish denied: Object { 'level': String \"error\", "
     "'code': String \"NetStream.Publish.Denied\" }", "error-forbidden", "push.auth-failed"),
    ("Failed to connect: publish denied; stream already exists: Object { 'code': String "
     "\"NetStream.Publish.BadName\" }", "error-already_publishing", "push.duplicate-publisher"),
    ("Failed to connect: Unacceptable TLS certificate", "error-tls_error", "push.tls-handshake"),
    ("Failed to connect: connection closed remotely", "push-closed-by-server", "push.auth-failed"),
    ("Connection error: connection closed remotely", "push-dropped-reset",
     "push.periodic-disconnect"),
    ("Connection error: Error sending data: Broken pipe", "push-dropped-reset",
     "push.periodic-disconnect"),
    ("Connection error: Error sending data: Connection timed out", "push-dropped-timeout",
     "push.periodic-disconnect"),
])
def test_an_rtmp2sink_error_from_gst_launch_names_its_fix(message, kind, first):
    line = RTMP2SINK + message
    answer = _answer(_gst_launch(line))
    assert [f.kind for f in answer.findings] == [kind]
    assert answer.findings[0].evidence == [line]
    assert answer.suggestions[0].problem == first


@pytest.mark.parametrize(("message", "kind", "first"), [
    ("Failed to authenticate: Incorrect passphrase (10). Trying to reconnect",
     "srt-rejected-passphrase", "push.tls-handshake"),
    ("Failed to authenticate: Password required or unexpected (11). Trying to reconnect",
     "srt-rejected-passphrase", "push.tls-handshake"),
    ("Error on SRT socket: Application-defined rejection reason (1403). Trying to reconnect",
     "srt-rejected-streamid", "push.auth-failed"),
    ("Error on SRT socket: Peer rejected connection (2). Trying to reconnect",
     "srt-rejected-peer", "push.auth-failed"),
    ("Error on SRT socket: Connection timeout (16). Trying to reconnect",
     "srt-connect-timeout", "net.udp-blocked"),
    ("Socket is broken or closed. Trying to reconnect", "srt-connection-broken",
     "push.periodic-disconnect"),
])
def test_an_srtsink_warning_names_its_fix(message, kind, first):
    answer = _answer(SRTSINK + message)
    assert [f.kind for f in answer.findings] == [kind]
    assert answer.suggestions[0].problem == first


def test_an_application_log_of_the_same_message_is_read_too():
    # An application prints the element's name and message with its own prefix.
    line = ("gst: srtout-7: Failed to write to SRT socket: Error on SRT socket: "
            "Connection timeout (16)")
    answer = _answer(f"{line}\n    (gstsrtsink.c(240): gst_srt_sink_render ())\n")
    assert [f.kind for f in answer.findings] == ["srt-connect-timeout"]
    assert answer.findings[0].evidence == [line]


def test_a_reconnecting_sink_is_one_finding_with_three_lines_of_evidence():
    lines = [f"0:00:0{i}.5 {SRTSINK}Error on SRT socket: Connection timeout (16). "
             "Trying to reconnect" for i in range(6)]
    answer = _answer("\n".join(lines))
    assert [f.kind for f in answer.findings] == ["srt-connect-timeout"]
    assert answer.findings[0].evidence == lines[:3]


def test_the_finding_says_which_element_reported_it_in_both_languages():
    answer = _answer(RTMP2SINK + "Connection refused: Could not connect to push.example.com: "
                     "Connection refused")
    assert "GStreamer (rtmp2sink)" in answer.findings[0].text("en")
    assert "GStreamer (rtmp2sink)" in answer.findings[0].text("zh-hans")


def test_a_pipeline_that_plays_is_not_read_as_a_push():
    answer = _answer("ERROR: from element /GstPipeline:pipeline0/GstSRTSrc:srtsrc0: "
                     "Failed to authenticate: Incorrect passphrase (10)")
    assert answer.findings == []


def test_another_tools_connection_error_is_not_taken_for_gstreamers():
    answer = _answer("2026-12-06 10:00:01 uploader: Connection error: connection closed remotely\n"
                     "Failed to connect: Could not connect to push.example.com: Connection "
                     "refused\n")
    assert answer.findings == []


def test_a_push_error_makes_the_reader_a_publisher():
    # error-forbidden has a fix per role: a GStreamer sink is always pushing.
    answer = _answer(RTMP2SINK + "Not authorized to connect: authentication failed; wrong "
                     "credentials?: [ AccessManager.Reject ] : [ code=403 need auth; "
                     "authmod=adobe ]")
    assert [s.problem for s in answer.suggestions][:1] == ["push.auth-failed"]
    assert "play.forbidden-403" not in [s.problem for s in answer.suggestions]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        RTMP2SINK + "Connection refused: Could not connect to x: Connection refused",
        RTMP2SINK + "Failed to connect: ",
        RTMP2SINK + "Connection error: ",
        SRTSINK + "Error on SRT socket:  (",
        SRTSINK + "Failed to authenticate: Incorrect passphrase (10)",
        "from element : ",
        "Error on SRT socket: Connection timeout (16)",
        "GstSRTSrc:srtsrc0: Socket is broken or closed",
        RTMP2SINK + "Could not connect",
        SRTSINK + "Error on SRT socket. Trying to reconnect.",
        "Additional debug info:",
        "../gst/rtmp2/gstrtmp2sink.c(1114): send_connect_error (): /GstPipeline:p0/x:",
        "libsrt reported reject reason code 99999999999999999999",
        "libsrt reported: ",
    ]),
), max_size=12))
def test_any_text_with_gstreamer_lines_is_read_without_failing(lines):
    text = "\n".join(lines)
    answer = _answer(text)
    assert not answer.degraded
    for finding in answer.findings:
        assert all(line in answer.attachments[0].text for line in finding.evidence)


def _gst_1_20(first_line: str, source: str, cause: str | None) -> str:
    """gst-launch-1.0's output of GStreamer 1.20: the cause in the debug info."""
    return "\n".join([
        "Setting pipeline to PLAYING ...",
        first_line,
        "Additional debug info:",
        source + (":" if cause is not None else ""),
        *([cause] if cause is not None else []),
        "Execution ended after 0:00:05.004144516",
        "Setting pipeline to NULL ...",
    ])


@pytest.mark.parametrize(("message", "cause", "kind"), [
    ("Could not connect", "Could not connect to push.example.com: Connection refused",
     "error-connection_refused"),
    ("Failed to connect", "error g-io-error-quark:24: Could not connect to push.example.com: "
     "Socket I/O timed out", "error-timeout"),
    ("Failed to connect", "error g-resolver-error-quark:0: Error resolving "
     "\u201cpush.example.com\u201d: Name or service not known", "error-dns_failure"),
    ("Not authorized to connect", "publish denied: Object { 'code': String "
     "\"NetStream.Publish.Denied\" }", "error-forbidden"),
    ("Failed to connect", "error g-io-error-quark:2: publish denied; stream already exists: "
     "Object { }", "error-already_publishing"),
    ("Connection error", None, "push-dropped-reset"),
])
def test_gstreamer_1_20_puts_the_cause_under_the_debug_info_and_it_is_read_there(
        message, cause, kind):
    first = RTMP2SINK + message
    source = ("../gst/rtmp2/gstrtmp2sink.c(1114): send_connect_error (): "
              "/GstPipeline:pipeline0/GstRtmp2Sink:rtmp2sink0")
    answer = _answer(_gst_1_20(first, source, cause))
    assert [f.kind for f in answer.findings] == [kind]
    assert answer.findings[0].evidence == [first, *([cause] if cause else [])]


@pytest.mark.parametrize(("cause", "kind"), [
    ("libsrt reported: Incorrect passphrase", "srt-rejected-passphrase"),
    ("libsrt reported: Connection timeout", "srt-connect-timeout"),
    ("libsrt reported reject reason code 10", "srt-rejected-passphrase"),
    ("libsrt reported reject reason code 1403", "srt-rejected-streamid"),
])
def test_srtsink_1_20_names_libsrts_reason_in_the_debug_info(cause, kind):
    source = ("../ext/srt/gstsrtobject.c(1790): gst_srt_object_write_one (): "
              "/GstPipeline:pipeline0/GstSRTSink:srtsink0")
    answer = _answer(_gst_1_20(SRTSINK + "Error on SRT socket. Trying to reconnect.", source,
                               cause))
    assert [f.kind for f in answer.findings] == [kind]


def test_a_first_line_without_its_cause_is_not_guessed():
    answer = _answer(_gst_1_20(RTMP2SINK + "Failed to connect",
                               "../gst/rtmp2/gstrtmp2sink.c(1095): send_connect_error (): "
                               "/GstPipeline:pipeline0/GstRtmp2Sink:rtmp2sink0", None))
    assert answer.findings == []


def test_a_line_of_gstreamers_own_debug_log_is_read():
    # GST_DEBUG=2 or more prints the element's own error line before the message.
    line = ("0:00:16.012345678 39991 0x7f5c2c001b70 ERROR rtmp2sink "
            "gstrtmp2sink.c:1145:send_connect_error:<rtmp2sink0> Failed to connect: "
            "g-io-error-quark 39 Could not connect to push.example.com: Connection refused")
    answer = _answer(f"{line}\n")
    assert [f.kind for f in answer.findings] == ["error-connection_refused"]
