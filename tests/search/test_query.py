from hypothesis import given, settings
from hypothesis import strategies as st

from kb.search.query import MAX_QUERY_CHARS, SynonymTable, prepare, suggestion_text


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
