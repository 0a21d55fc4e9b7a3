from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Attachment, diagnose


def _answer(text: str, name: str = "encoder.txt"):
    return diagnose(attachments=[Attachment(name, text)])


@pytest.mark.parametrize(("line", "kind"), [
    ("RTMP_Connect0, failed to connect socket. 10061 (Unknown error)", "error-connection_refused"),
    ("RTMP_Connect0, failed to connect socket. 111 (Connection refused)",
     "error-connection_refused"),
    ("RTMP_Connect0, failed to connect socket. 10060 (Unknown error)", "error-timeout"),
    ("RTMP_Connect0, failed to connect socket: No connection could be made because the target "
     "machine actively refused it. (10061)", "error-connection_refused"),
])
def test_a_librtmp_connect_failure_outside_an_encoder_log_is_read_by_its_number(line, kind):
    answer = _answer(f"ERROR: {line}\nERROR: RTMP_Connect failed\n")
    assert [f.kind for f in answer.findings] == [kind]
    assert answer.findings[0].evidence == [f"ERROR: {line}"]
    assert answer.suggestions[0].problem == "push.connect-refused"


def test_a_socket_error_it_does_not_know_is_not_guessed():
    answer = _answer("RTMP_Connect0, failed to connect socket. 10049 (Unknown error)\n")
    assert answer.findings == []


def test_an_obs_log_is_read_once_by_the_obs_parser():
    answer = _answer((SAMPLES / "obs-classic-connection-failed.txt").read_text(),
                     name="obs-classic-connection-failed.txt")
    assert answer.attachments[0].detected == "obs-log"
    refused = [f for f in answer.findings if f.kind == "error-connection_refused"]
    assert len(refused) == 1
    assert "librtmp" not in refused[0].text("en")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        "RTMP_Connect0, failed to connect socket. 10061 (Unknown error)",
        "failed to connect socket: x (10060)",
        "failed to connect socket. (",
        "FAILED TO CONNECT SOCKET. 61 (",
    ]),
), max_size=12))
def test_any_text_with_librtmp_lines_is_read_without_failing(lines):
    text = "\n".join(lines)
    answer = _answer(text)
    assert not answer.degraded
    for finding in answer.findings:
        assert all(line in answer.attachments[0].text for line in finding.evidence)
