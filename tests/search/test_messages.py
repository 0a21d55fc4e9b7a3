"""The messages the articles quote, found wherever a customer typed them."""

from hypothesis import given
from hypothesis import strategies as st

from kb.search.messages import MAX_QUOTING_FIXES, MIN_WORDS, KnownMessages, normalized

LINES = [
    ("connection-refused", "Failed to connect to server"),
    ("already-publishing", "Server error: Already publishing"),
    ("tls", "The RTMP server sent an invalid SSL certificate."),
    ("no-audio", "只有画面没有声音"),
    ("buffering", "bufferStalledError"),
    ("already-publishing", "Operation not permitted"),
]


def test_a_message_is_found_with_the_customers_words_on_either_side():
    messages = KnownMessages(LINES)
    assert messages.found_in("Failed to connect to server obs hotel guest wifi") == [
        "failed to connect to server"]
    assert messages.found_in("ffmpeg 推流报错 [rtmp @ 0x55d8] Server error:  Already publishing"
                             " 昨天还好好的") == ["server error: already publishing"]
    assert messages.found_in("OBS一直弹Failed to connect to server推不上去") == [
        "failed to connect to server"]
    # Its closing full stop is no part of it.
    assert messages.found_in("OBS: The RTMP server sent an invalid SSL certificate, again") == [
        "the rtmp server sent an invalid ssl certificate"]


def test_a_message_is_found_only_as_whole_words():
    messages = KnownMessages(LINES)
    assert messages.found_in("Failed to connect to servers in our rack") == []
    assert messages.found_in("failed to connect to serverless functions") == []


def test_chinese_lines_and_short_lines_are_no_messages():
    # jieba segments a Chinese line the same in both; a keyword is matched as
    # a word, and a bare errno ends the messages of many tools.
    assert len("Operation not permitted".split()) < MIN_WORDS
    messages = KnownMessages(LINES)
    assert messages.found_in("只有画面没有声音 bufferStalledError") == []
    assert messages.found_in("Could not write header: Operation not permitted") == []


def test_a_message_more_fixes_quote_than_the_bound_is_not_looked_for():
    many = [(f"fix-{i}", "av_interleaved_write_frame(): Broken pipe")
            for i in range(MAX_QUOTING_FIXES + 1)]
    few = [(f"fix-{i}", "Failed to connect to server") for i in range(MAX_QUOTING_FIXES)]
    messages = KnownMessages(many + few)
    text = "av_interleaved_write_frame(): Broken pipe, then Failed to connect to server"
    assert messages.found_in(text) == ["failed to connect to server"]


def test_no_lines_find_nothing():
    assert KnownMessages([]).found_in("Failed to connect to server") == []


@given(st.text(max_size=300))
def test_any_text_is_searched_and_what_is_found_is_in_it(text):
    messages = KnownMessages(LINES)
    for found in messages.found_in(text):
        assert found in normalized(text)
