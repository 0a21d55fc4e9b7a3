from hypothesis import given, settings
from hypothesis import strategies as st

from kb.search.analysis import surface_words
from kb.search.query import MAX_QUERY_CHARS, SynonymTable, prepare, suggestion_text, tried_words


class TestPrepare:
    def test_control_characters_are_removed_and_whitespace_collapsed(self):
        assert prepare("obs\x00  drops\x1b[31m frames\r\n\tnow").text == "obs drops[31m frames\nnow"

    def test_long_input_is_truncated_and_says_so(self):
        prepared = prepare("x" * 10_000)
        assert prepared.truncated is True
        assert len(prepared.text) == MAX_QUERY_CHARS

    def test_quoted_phrases_are_found_in_both_quote_styles(self):
        prepared = prepare('"Failed to connect" and “无法连接到服务器” and "unclosed')
        assert prepared.phrases == ["Failed to connect", "无法连接到服务器"]

    def test_full_width_letters_digits_and_spaces_are_read_as_ascii(self):
        # What a Chinese input method types in full-width mode (全角).
        prepared = prepare("ＯＢＳ　推流　ｃｏｎｎｅｃｔｉｏｎ ｒｅｆｕｓｅｄ，１９３５端口不通")
        assert prepared.text == "OBS 推流 connection refused，1935端口不通"

    @given(st.text(max_size=3000))
    def test_any_text_prepares_within_the_cap(self, text):
        prepared = prepare(text)
        assert len(prepared.text) <= MAX_QUERY_CHARS
        assert "\x00" not in prepared.text


class TestSynonymTable:
    def test_multiword_and_chinese_entries_match(self):
        table = SynonymTable([["keyframe interval", "gop", "关键帧间隔"]])
        found = table.expansions(["set", "keyfram", "interv"])
        assert found[0][0] == ("keyfram", "interv")
        assert ("gop",) in found[0][1] and ("关键帧间隔",) in found[0][1]
        assert table.expansions(["关键帧间隔"])[0][1] == [("keyfram", "interv"), ("gop",)]

    def test_a_group_of_one_word_is_ignored(self):
        assert SynonymTable([["only"]]).groups == []


def test_suggestion_replaces_only_the_corrected_words():
    assert suggestion_text("Conection refused", {"Conection": "connection"}) == (
        "connection refused"
    )
    assert suggestion_text("fine", {}) is None


@settings(max_examples=50)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5))
def test_any_synonym_list_builds_a_table_where_each_entry_finds_the_others(words):
    table = SynonymTable([words])
    assert len(table.groups) <= 1
    for group in table.groups:
        assert len(group) >= 2 and len(set(group)) == len(group)
        for entry in group:
            matched, others = table.expansions(list(entry))[0]
            assert matched == entry
            assert sorted(others) == sorted(e for e in group if e != entry)


class TestTriedWords:
    def test_the_words_of_a_fix_already_tried_are_told_apart_from_what_remains(self):
        tried = tried_words("switched x264 to NVENC so CPU is fine now, but OBS still reports "
                            "15% dropped frames (network)")
        assert {"x264", "nvenc", "cpu"} <= tried
        assert not {"obs", "dropped", "frames", "network"} & tried

    def test_a_chinese_clause_before_still_is_what_was_tried(self):
        assert tried_words("MTU 改成 1400 了还是会断,每次都是整 60 分钟断一次") == {
            "mtu", "1400", "改成"}

    def test_without_still_nothing_counts_as_tried(self):
        assert tried_words("switched to NVENC and now the stream is smooth") == set()

    def test_a_word_also_in_what_remains_keeps_its_weight(self):
        tried = tried_words("lowered the bitrate to 3000, still bitrate warnings in OBS")
        assert "bitrate" not in tried and "lowered" in tried

    @given(st.text(max_size=300))
    def test_tried_words_are_words_of_the_text(self, text):
        assert tried_words(text) <= {word for _, word in surface_words(text)}
