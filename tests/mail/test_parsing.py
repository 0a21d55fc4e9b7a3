"""Reading e-mails as real clients write them (tests/fixtures/mail)."""

import base64

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kb.mail.parsing import header_decode, html_to_text, message_parse
from kb.mail.quoting import new_text
from kb.mail.triage import detected_language, suggested_priority
from tests.mail.conftest import EXPECTED, corpus_message


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_message_reads_as_its_client_wrote_it(name):
    expected = EXPECTED[name]
    parsed = message_parse(corpus_message(name, ticket_id=7))
    if "subject" in expected:
        assert parsed.subject == expected["subject"]
    if "shows" in expected:
        assert expected["shows"] in new_text(parsed.body)
    if "hides" in expected:
        assert expected["hides"] not in new_text(parsed.body)
    assert "\ufffd" not in parsed.body
    assert [a.name for a in parsed.attachments if a.is_text] == expected.get("attachments", [])
    assert bool(parsed.automatic) == (expected["outcome"] == "ignored")


def test_gbk_characters_labelled_gb2312_survive_in_body_subject_and_file_name():
    parsed = message_parse(corpus_message("foxmail-gbk-stream-down.eml"))
    assert "喆" in parsed.subject and "喆" in parsed.body
    assert parsed.sender_name == "张伟"
    [log] = parsed.attachments
    assert log.name == "ping结果.txt"
    assert "已发送 = 4" in log.content.decode("gb18030")


def test_html_only_mail_becomes_text_without_markup_or_script():
    parsed = message_parse(corpus_message("webmail-big5-html-only.eml"))
    assert parsed.from_html
    assert "<" not in parsed.body and "alert" not in parsed.body
    assert "font:12px" not in parsed.body
    assert "林志明\n台北直播科技" in parsed.body


def test_html_entities_are_text_not_markup():
    assert html_to_text("<p>a &lt;b&gt; &amp; c</p><script>x()</script>") == "a <b> & c"


def test_bounce_and_out_of_office_are_automatic():
    assert message_parse(corpus_message("postfix-bounce.eml")).automatic == "bounce"
    assert message_parse(corpus_message("outlook-out-of-office.eml")).automatic == \
        "auto_submitted"


@pytest.mark.parametrize(("header", "reason"), [
    ("Precedence: bulk", "precedence"),
    ("Precedence: junk", "precedence"),
    ("Precedence: list", "precedence"),
    ("X-Autoreply: yes", "autoreply"),
    ("Return-Path: <>", "empty_return_path"),
    ("List-Id: <ops.lists.example>", "mailing_list"),
    ("Auto-Submitted: auto-generated", "auto_submitted"),
    ("Auto-Submitted: no", ""),
])
def test_robots_headers_mark_a_message_automatic(header, reason):
    raw = (f"From: a@b.example\r\n{header}\r\nSubject: x\r\n\r\nbody\r\n").encode()
    assert message_parse(raw).automatic == reason


def test_gb2312_encoded_word_with_gbk_only_character():
    word = "=?gb2312?B?" + base64.b64encode("镕喆直播".encode("gbk")).decode() + "?="
    assert header_decode(word) == "镕喆直播"


def test_big5_and_iso_2022_jp_subjects():
    big5 = "=?big5?B?" + base64.b64encode("直播轉圈".encode("big5")).decode() + "?="
    jis = "=?iso-2022-jp?B?" + base64.b64encode("映像が止まる".encode("iso2022_jp")).decode() + "?="
    # RFC 2047: the space between two encoded words is not part of the text.
    assert header_decode(f"{big5} {jis}") == "直播轉圈映像が止まる"


def test_a_broken_encoded_word_leaves_the_sender_and_subject_read():
    raw = (b"From: =?UTF-8?B?5L2Q6Jemu?= <sato@studio.example.jp>\r\n"
           b"Subject: SRT stalls\r\n\r\nThe picture freezes.\r\n")
    parsed = message_parse(raw)
    assert (parsed.sender, parsed.subject) == ("sato@studio.example.jp", "SRT stalls")
    assert parsed.sender_name == "=?UTF-8?B?5L2Q6Jemu?="
    assert not parsed.defects


ENCODED_WORDS = st.builds(
    "=?{}?{}?{}?=".format,
    st.sampled_from(["utf-8", "gb2312", "gbk", "big5", "iso-2022-jp", "x-unknown", ""]),
    st.sampled_from(["B", "Q", "b", "q", "X"]),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_",
            max_size=24),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ENCODED_WORDS, min_size=1, max_size=3))
@example(["=?utf-8?B?QA4?="])  # decodes to "@" and a control character
def test_any_encoded_display_name_leaves_the_sender_address_read(words):
    raw = (f"From: {' '.join(words)} <sato@studio.example.jp>\r\n"
           "Subject: SRT stalls\r\n\r\nThe picture freezes.\r\n").encode()
    parsed = message_parse(raw)
    assert (parsed.sender, parsed.subject) == ("sato@studio.example.jp", "SRT stalls")


@pytest.mark.parametrize("name", ["sato@studio", "Zhang, Wei", "<ops@other.example>"])
def test_a_display_name_that_decodes_to_address_syntax_is_only_a_name(name):
    word = "=?utf-8?B?" + base64.b64encode(name.encode()).decode() + "?="
    parsed = message_parse(f"From: {word} <sato@studio.example.jp>\r\nSubject: x\r\n\r\nok\r\n"
                           .encode())
    assert (parsed.sender, parsed.sender_name) == ("sato@studio.example.jp", name)


def test_unknown_charset_falls_back_to_what_decodes():
    raw = (b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=x-klingon\r\n"
           b"\r\n") + "断流了".encode("gbk")
    assert message_parse(raw).body.strip() == "断流了"


def test_malformed_mime_is_kept_as_text_with_a_note():
    raw = (b"From: a@b.example\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"never-closed\"\r\n\r\n"
           b"stream is down since 10:00\r\n")
    parsed = message_parse(raw)
    assert "stream is down" in parsed.body
    assert parsed.defects


@pytest.mark.parametrize("body, expected", [
    ("Fixed now.\n\nOn Wed, 25 Mar 2026 at 11:58, Support <s@x.example> wrote:\n> old",
     "Fixed now."),
    ("好的，已经恢复。\n\n------------------ 原始邮件 ------------------\n发件人: support\n"
     "发送时间: 2026年3月25日\n主题: 工单", "好的，已经恢复。"),
    ("Still broken.\n\n________________________________\nFrom: Support\nSent: Wednesday\n"
     "To: Alice\nSubject: x", "Still broken."),
    ("Thanks\n-- \nAlice\nAcme", "Thanks"),
    ("收到\n\n发自我的iPhone", "收到"),
    ("> only quoted\n> text", "> only quoted\n> text"),
])
def test_quoted_history_and_signature_are_trimmed(body, expected):
    assert new_text(body) == expected


@pytest.mark.parametrize("subject, text, priority", [
    ("紧急：上海直播间断流", "", "P1"),
    ("Stream is down!", "", "P1"),
    ("Question", "our live stream went down at 10:00 and is still offline", "P1"),
    ("推流推不上", "", "P1"),
    ("Invoice question", "How do I download last month's invoice?", "P3"),
])
def test_stream_down_phrases_suggest_p1(subject, text, priority):
    assert suggested_priority(subject=subject, text=text) == priority


def test_language_from_the_text():
    assert detected_language("推流到新加坡 ingest 一直断，OBS 报 Connection reset") == "zh-hans"
    assert detected_language("The RTMP push keeps failing, 谢谢") == "en"
    assert detected_language("東京から SRT で配信していますが") == "en"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_no_bytes_make_the_parser_raise(raw):
    _storable(message_parse(raw))


def _storable(parsed):
    """Every text read can be stored (no lone surrogates, no NUL)."""
    for text in [parsed.subject, parsed.body, parsed.sender, parsed.sender_name,
                 parsed.message_id, *(a.name for a in parsed.attachments)]:
        text.encode("utf-8")
        assert "\x00" not in text


MIME_PIECES = st.sampled_from([
    b"From: =?gb2312?B?1cXOsA==?= <a@b.example>\r\n", b"Subject: =?utf-8?q?x=ZZ?=\r\n",
    b"Content-Type: multipart/mixed; boundary=b\r\n", b"--b\r\n", b"--b--\r\n",
    b"Content-Type: text/html; charset=big5\r\n", b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n", b"Content-Disposition: attachment; "
    b"filename*=gb2312''%D5%C5.txt\r\n", b"\r\n", b"=E4=B8=AD=\r\n", b"<p>x</p><script>",
    b"Received: x; Wed, 99 Foo 2026 99:99:99 +9999\r\n", b"Date: not a date\r\n",
    b"Content-Type: message/rfc822\r\n", b"In-Reply-To: <<<>>>\r\n", b"\xff\xfe\x00",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MIME_PIECES, st.binary(max_size=40)), max_size=40))
def test_no_mime_shaped_bytes_make_the_parser_raise(pieces):
    parsed = message_parse(b"".join(pieces))
    _storable(parsed)
    new_text(parsed.body)


def test_raw_8bit_headers_are_read_in_their_charset():
    raw = ("From: 张伟 <z@huaxin.example.cn>\r\nSubject: 回复：工单\r\n\r\nok\r\n").encode()
    gbk = ("From: z@huaxin.example.cn\r\nSubject: 回复：工单\r\n\r\nok\r\n").encode("gbk")
    assert message_parse(raw).subject == "回复：工单"
    assert message_parse(raw).sender_name == "张伟"
    assert message_parse(gbk).subject == "回复：工单"
