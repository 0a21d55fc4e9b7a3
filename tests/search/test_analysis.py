import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.search.analysis import (
    analyze,
    bilingual_analyzer,
    filter_chain,
    surface_words,
    term_offsets,
)


class TestAnalyze:
    def test_english_is_stemmed_and_stop_words_dropped(self):
        assert analyze("Viewers are buffering on the player") == ["viewer", "buffer", "player"]

    def test_chinese_domain_words_stay_whole(self):
        terms = analyze("推流失败，防盗链和关键帧间隔怎么设置，首屏慢")
        for word in ("推流", "失败", "防盗链", "关键帧间隔", "首屏"):
            assert word in terms
        assert "怎么" not in terms  # a stop word

    def test_mixed_text_keeps_both_languages_in_order(self):
        assert analyze("OBS 推流 Failed to connect") == ["ob", "推流", "fail", "connect"]

    def test_every_form_of_an_english_word_is_one_term(self):
        # Whoosh's Porter kept a doubled consonant: "dropping" and "dropped"
        # were "dropp", never "drop" as "drops" is.
        for forms in (("drop", "drops", "dropped", "dropping"), ("lag", "lags", "lagging"),
                      ("stop", "stopped", "stopping"), ("skip", "skipped", "skipping"),
                      ("setting", "settings"), ("delay", "delayed", "delays")):
            assert len({tuple(analyze(form)) for form in forms}) == 1, forms

    def test_an_irregular_past_is_its_verbs_term(self):
        # "the picture froze" is the article's "the picture freezes".
        for forms in (("freeze", "freezes", "freezing", "froze", "frozen"),
                      ("hang", "hangs", "hung"), ("lose", "loses", "losing", "lost"),
                      ("break", "breaks", "broke", "broken")):
            assert len({tuple(analyze(form)) for form in forms}) == 1, forms
        assert analyze("Broken pipe") == analyze("break pipe")  # both sides alike

    def test_either_apostrophe_makes_the_same_word(self):
        # macOS and iOS type U+2019, and Apple's error messages print it.
        assert analyze("The operation couldn’t be completed. OBS’s log") == analyze(
            "The operation couldn't be completed. OBS's log")
        assert "couldn't" in analyze("couldn’t", stem_words=False)

    def test_surface_words_keep_the_typed_form(self):
        assert surface_words("Keyfame Interval") == [("Keyfame", "keyfame"),
                                                     ("Interval", "interval")]

    @given(st.text(max_size=400))
    def test_any_text_analyzes_without_error(self, text):
        terms = analyze(text)
        assert all(isinstance(term, str) and term for term in terms)


TEXTS = st.lists(st.sampled_from(
    list("abcXYZ's'’. 0123456789éÀİ-") + ["推流", "失败", "防盗链", "的", "Failed", "THE",
                                          "connection", "Viewer's", "it's", "OBS’s",
                                          "couldn’t", "\n", "，", "是"]
), max_size=60).map("".join) | st.text(max_size=200)


def tokens(analyzer, text, **options):
    return [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None),
             getattr(t, "endchar", None), t.stopped, getattr(t, "original", None))
            for t in analyzer(text, **options)]


class TestOnePassAnalyzer:
    @given(text=TEXTS, positions=st.booleans(), chars=st.booleans(),
           removestops=st.booleans(), keeporiginal=st.booleans(), stem_words=st.booleans(),
           start_pos=st.integers(0, 3), mode=st.sampled_from(["index", "query"]))
    def test_same_tokens_as_the_filter_chain(self, text, positions, chars, removestops,
                                              keeporiginal, stem_words, start_pos, mode):
        options = {"positions": positions, "chars": chars, "removestops": removestops,
                   "keeporiginal": keeporiginal, "start_pos": start_pos, "mode": mode}
        assert tokens(bilingual_analyzer(stem_words=stem_words), text, **options) == tokens(
            filter_chain(stem_words=stem_words), text, **options)

    def test_positions_skip_stop_words_as_whooshs_stop_filter_does(self):
        analyzer = bilingual_analyzer()
        found = [(t.text, t.pos) for t in analyzer("the stream is not found", positions=True)]
        assert found == [("stream", 1), ("not", 2), ("found", 3)]


class TestTermOffsets:
    @given(TEXTS)
    def test_offsets_are_the_analyzers_tokens_with_stop_words(self, text):
        expected = [(t.text, t.startchar, t.endchar)
                    for t in filter_chain()(text, chars=True, mode="query", removestops=False)]
        assert term_offsets(text) == expected

    def test_offsets_point_at_the_typed_words(self):
        text = "OBS 推流 Failed to connect"
        assert [(term, text[a:b]) for term, a, b in term_offsets(text)] == [
            ("ob", "OBS"), ("推流", "推流"), ("fail", "Failed"), ("to", "to"),
            ("connect", "connect")]


class TestQuantities:
    """Resolutions, frame rates and bitrates read the same however they are written."""

    @pytest.mark.parametrize("text, terms", [
        ("720p60", ["720p", "60", "fps"]),
        ("4K30", ["4k", "30", "fps"]),
        ("1080p 6000k", ["1080p", "6000", "kbps"]),
        ("1920x1080, 30 fps, 6000 kbps", ["1080p", "30", "fps", "6000", "kbps"]),
        ("3840x2160", ["4k"]),
        ("2160p", ["4k"]),
        ("30帧", ["30", "fps"]),
        ("30帧率", ["30", "帧率"]),
        ("推流码率6M", ["推流", "码率", "6000", "kbps"]),
        ("上行4兆", ["上行", "4000", "kbps"]),
    ])
    def test_they_keep_their_meaning(self, text, terms):
        assert analyze(text) == terms

    def test_the_ways_of_writing_a_bitrate_meet(self):
        assert analyze("6000k") == analyze("6000 kbps") == analyze("6 Mbps") == analyze("6M") \
            == analyze("6mbps")

    def test_other_numbers_stay_as_typed(self):
        assert analyze("port 1935, v1.2.3, 0.5 s") == ["port", "1935", "v1.2.3", "0.5", "s"]

    def test_offsets_cover_the_typed_quantity(self):
        text = "obs 720p60 6 Mbps"
        assert [(term, text[a:b]) for term, a, b in term_offsets(text)] == [
            ("ob", "obs"), ("720p", "720p60"), ("60", "720p60"), ("fps", "720p60"),
            ("6000", "6 Mbps"), ("kbps", "6 Mbps")]


def test_greetings_and_degree_words_tell_nothing():
    assert analyze("老师好，麻烦看看，丢包很严重") == ["丢包", "严重"]
    # "constantly" is no "constant offset" (the sync fix's words).
    assert analyze("viewers buffering constantly, very choppy") == ["viewer", "buffer", "choppi"]


def test_live_streaming_itself_tells_nothing_but_its_compounds_do():
    assert analyze("直播延迟") == ["延迟"]
    assert analyze("腾讯快直播") == ["腾讯", "快直播"]
    assert analyze("直播间打不开") == ["直播间", "打不开"]


def test_the_streamer_is_a_word_after_a_comparison_too():
    # jieba's dictionary gives 主播 no weight, so 比主播 was one unknown word.
    assert analyze("观众看到的画面比主播慢 20 秒") == [
        "观众", "看到", "画面", "比", "主播", "慢", "20", "秒"]


def test_the_renditions_names_are_words_side_by_side():
    # jieba read 标清高清 as 标 + 清高 ("aloof") + 清.
    assert analyze("观众那边没有标清高清可以切换") == [
        "观众", "没有", "标清", "高清", "可以", "切换"]
    assert "超清" in analyze("只剩超清和原画")


class TestDegreeWordsFusedByTheSegmenter:
    """jieba's model for words outside its dictionary fuses a degree word
    with a one-character word after it (很卡, 好高): a word no article has."""

    @pytest.mark.parametrize("text, terms", [
        ("直播很卡", ["卡"]),
        ("画面巨卡", ["画面", "卡"]),
        ("推流延迟好高", ["推流", "延迟", "高"]),
        ("码率太高", ["码率", "高"]),
        ("加载好慢", ["加载", "慢"]),
    ])
    def test_the_word_after_the_degree_word_is_the_term(self, text, terms):
        assert analyze(text) == terms

    @pytest.mark.parametrize("word", ["超时", "真实", "超高"])
    def test_a_dictionary_word_stays_whole(self, word):
        assert analyze(f"连接{word}") == ["连接", word]

    def test_each_part_is_found_at_its_own_offset(self):
        text = "直播很卡"
        assert [(term, text[a:b]) for term, a, b in term_offsets(text)] == [
            ("直播", "直播"), ("很", "很"), ("卡", "卡")]
