from __future__ import annotations

import pytest
from conftest import SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.diagnostics import Answers, Attachment, diagnose
from kb.diagnostics.responses import http_answers


def _answer(text: str, role: str | None = "viewer", name: str = "curl.txt"):
    return diagnose(answers=Answers(role=role), attachments=[Attachment(name, text)])


def _kinds(answer) -> list[str]:
    return [f.kind for f in answer.findings]


def test_a_playlist_that_answers_404_beside_one_that_answers_200_is_the_404_fix():
    name = "curl-i-hls-not-found-then-ok.txt"
    answer = _answer((SAMPLES / name).read_text(encoding="utf-8"), name=name)
    assert _kinds(answer) == ["http-not-found", "http-ok"]
    missing, ok = answer.findings
    assert missing.facts["urls"] == ["https://localhost:4443/sp/h264_master.m3u8"]
    assert missing.evidence == ["HTTP/1.0 404 File not found"]
    assert ok.facts["urls"] == ["https://localhost:4443/sp/h264_master2.m3u8"]
    assert answer.suggestions[0].problem == "play.not-found-404"
    assert not answer.escalate.recommended


def test_an_api_that_answers_403_is_not_read_as_playback():
    name = "curl-v-api-forbidden-not-playback.txt"
    answer = _answer((SAMPLES / name).read_text(encoding="utf-8"), name=name)
    assert answer.findings == []


def test_commands_pasted_before_their_outputs_answer_in_turn():
    # As the playback 404 article shows them: three commands, then three lines.
    text = ("curl -sI https://play.example.com/live/Event_2026.flv | head -1\n"
            "curl -sI https://play.example.com/live/Event_2026.m3u8 | head -1\n"
            "curl -sI https://play.example.com/live/Event_2026_720p.m3u8 | head -1\n"
            "HTTP/2 200\nHTTP/2 200\nHTTP/2 404\n")
    assert [(a.url, a.code) for a in http_answers(text)] == [
        ("https://play.example.com/live/Event_2026.flv", "200"),
        ("https://play.example.com/live/Event_2026.m3u8", "200"),
        ("https://play.example.com/live/Event_2026_720p.m3u8", "404"),
    ]
    missing = _answer(text).findings[0]
    assert missing.summary.startswith(
        "https://play.example.com/live/Event_2026_720p.m3u8 answered HTTP 404")


def test_a_refused_signed_url_is_the_403_fix_and_names_the_rules():
    text = ("$ curl -sI 'https://play.example.com/live/s.m3u8?auth_key=1795161600-0-0-8f14e4'\n"
            "HTTP/2 403 \nserver: nginx\ncontent-length: 0\n")
    answer = _answer(text)
    assert _kinds(answer) == ["http-forbidden"]
    assert "the Referer allowlist, the signed URL's token" in answer.findings[0].summary
    assert [s.problem for s in answer.suggestions][:2] == [
        "play.forbidden-403", "play.geo-restricted"]


def test_a_redirect_followed_answers_with_its_last_status():
    text = ("$ curl -sIL https://play.example.com/live/s.m3u8\nHTTP/1.1 302 Found\n"
            "Location: https://edge.example.com/live/s.m3u8\n\nHTTP/2 404\n")
    assert [(a.url, a.code) for a in http_answers(text)] == [
        ("https://play.example.com/live/s.m3u8", "302"),
        ("https://play.example.com/live/s.m3u8", "404"),
    ]
    assert _kinds(_answer(text)) == ["http-not-found"]


@pytest.mark.parametrize(("text", "kind"), [
    ("Invoke-WebRequest : The remote server returned an error: (403) Forbidden.\n",
     "http-forbidden"),
    ("Invoke-WebRequest: Response status code does not indicate success: 404 (Not Found).\n",
     "http-not-found"),
    ("Invoke-WebRequest : 远程服务器返回错误: (403) 已禁止。\n", "http-forbidden"),
    ("* Connected to play.example.com (203.0.113.45) port 443 (#0)\n< HTTP/2 403\n",
     "http-forbidden"),
])
def test_each_tools_status_is_read(text, kind):
    answer = _answer(text)
    assert _kinds(answer) == [kind]
    assert answer.findings[0].summary.startswith("The server answered HTTP")
    assert answer.findings[0].text("zh-hans").startswith("服务器 返回 HTTP")


def test_a_refusal_for_too_many_requests_is_the_quota_fix():
    answer = _answer("$ curl -sI https://play.example.com/live/s.m3u8\nHTTP/2 429\n")
    assert _kinds(answer) == ["http-too-many"]
    assert answer.findings[0].summary.startswith(
        "https://play.example.com/live/s.m3u8 answered HTTP 429: the playback domain refused")
    assert answer.suggestions[0].problem == "ops.quota-exceeded"


def test_a_url_that_answers_200_alone_points_at_no_fault():
    text = "$ curl -I https://play.example.com/live/s.m3u8\nHTTP/2 200\n"
    answer = _answer(text, role=None)
    assert _kinds(answer) == ["http-ok"]
    assert answer.to_dict()["escalate"]["reason"].startswith("The pasted outputs look healthy")
    # A viewer's answers still suggest where to look, but no evidence backs a fault.
    assert not any(s.evidence for s in _answer(text).suggestions)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from([
    "$ curl -sI https://play.example.com/live/s.m3u8",
    "curl -v https://api.example.com/v1",
    "HTTP/2 404", "HTTP/1.1 403 Forbidden", "< HTTP/2 200", "HTTP/1.1 302 Found",
    "The remote server returned an error: (451) Unavailable For Legal Reasons.",
]), st.text(max_size=30)), max_size=20))
def test_any_mix_of_status_lines_reads_as_answers_from_the_text(lines):
    text = "\n".join(lines)
    for answer in http_answers(text):
        assert answer.code.isdigit() and answer.line in text
        assert answer.url is None or answer.url in text
    assert not _answer(text).degraded
