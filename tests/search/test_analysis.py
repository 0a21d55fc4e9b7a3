from hypothesis import given
from hypothesis import strategies as st

from kb.search.analysis import analyze, surface_words


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

    def test_surface_words_keep_the_typed_form(self):
        assert surface_words("Keyfame Interval") == [("Keyfame", "keyfame"),
                                                     ("Interval", "interval")]

    @given(st.text(max_size=400))
    def test_any_text_analyzes_without_error(self, text):
        terms = analyze(text)
        assert all(isinstance(term, str) and term for term in terms)
