from hypothesis import given
from hypothesis import strategies as st

from kb.learning.phrases import MAX_PHRASE_CHARS, phrase_key, ticket_phrases

OBS_LOG = """12:01:33.123: [rtmp stream: 'adv_stream'] Connecting to RTMP URL rtmp://push.example.com/live...
12:01:33.456: [rtmp stream: 'adv_stream'] Connection to rtmp://push.example.com/live failed: -2
64 bytes from 203.0.113.7: icmp_seq=1 ttl=54 time=23.1 ms
[tcp @ 0x55d1c0a2b340] Connection to tcp://203.0.113.7:1935 failed: Connection refused"""


class TestTicketPhrases:
    def test_error_lines_of_a_log_lose_their_timestamps_and_pointers(self):
        found = ticket_phrases(subject="Cannot go live", description="", attachments=[OBS_LOG])
        errors = [text for kind, text in found if kind == "error"]
        assert "Connection to rtmp://push.example.com/live failed: -2" in errors
        assert "Connection to tcp://203.0.113.7:1935 failed: Connection refused" in errors
        assert not any("icmp_seq" in text for text in errors)

    def test_quoted_error_strings_and_short_sentences_in_both_languages(self):
        found = ticket_phrases(
            subject="OBS says “Failed to connect to server”",
            description="推流一直失败，提示连接被拒绝。We tried restarting the encoder.",
            attachments=[])
        assert ("error", "Failed to connect to server") in found
        assert ("wording", "推流一直失败，提示连接被拒绝") in found

    def test_an_apple_error_with_its_typographic_apostrophe_is_an_error(self):
        log = ("2026-12-01 12:00:01 AVPlayer: The operation couldn’t be completed. "
               "(CoreMediaErrorDomain -12660)")
        found = ticket_phrases(subject="iOS app", description="", attachments=[log])
        assert ("error", "AVPlayer: The operation couldn’t be completed. "
                "(CoreMediaErrorDomain -12660)") in found

    def test_a_host_name_is_not_split_into_sentences(self):
        found = ticket_phrases(subject="x", description="Pushing to push.example.com fails "
                               "every evening", attachments=[])
        assert ("wording", "Pushing to push.example.com fails every evening") in found

    def test_an_error_quoted_in_the_subject_and_the_description_is_one_phrase(self):
        found = ticket_phrases(subject='OBS says "Failed to connect to server"',
                               description='Since 9:00 OBS says "Failed to connect to server".',
                               attachments=[])
        assert [text for kind, text in found if kind == "error"] == [
            "Failed to connect to server"]

    def test_stream_ids_and_times_do_not_make_a_new_phrase(self):
        assert phrase_key("Stream live-12345 fails at 12:30") == \
            phrase_key("stream  LIVE-987 fails at 09:05")


@given(st.text(max_size=3000), st.text(max_size=300), st.lists(st.text(max_size=2000),
                                                                  max_size=3))
def test_any_ticket_gives_short_distinct_phrases(description, subject, attachments):
    found = ticket_phrases(subject=subject, description=description, attachments=attachments)
    keys = [phrase_key(text) for _, text in found]
    assert len(keys) == len(set(keys))
    assert all(kind in {"error", "wording"} for kind, _ in found)
    assert all(0 < len(text) <= MAX_PHRASE_CHARS for _, text in found)
