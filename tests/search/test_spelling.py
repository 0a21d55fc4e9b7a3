import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.support.levenshtein import levenshtein as whoosh_levenshtein

from kb.search import store
from kb.search.backends import search_backend
from kb.search.spelling import (
    chinese_corrector_for,
    corrector_for,
    levenshtein,
    slip_likelihood,
)
from tests.factories import make_article

WORDS = st.text(alphabet="abcdeé推流拉x", max_size=12)


@given(a=WORDS, b=WORDS)
def test_distance_is_levenshteins(a, b):
    expected = whoosh_levenshtein(a, b) if a and b else len(a) + len(b)
    assert levenshtein(a, b) == expected


@pytest.mark.django_db
@pytest.mark.whoosh
class TestSuggestions:
    @pytest.fixture
    def searcher(self, kb_articles, build_index):
        build_index()  # one process: one segment, Whoosh's automaton corrector
        return store.get_searcher()

    def test_typos_get_the_suggestions_whoosh_gives(self, searcher):
        ours = corrector_for(searcher)
        theirs = searcher.corrector("vocab")
        for word, maxdist in [("conection", 2), ("bufering", 2), ("publshing", 2),
                              ("防盗连", 1), ("refusd", 2), ("fald", 1), ("zzzz", 1)]:
            assert ours.suggest(word, limit=2, maxdist=maxdist, prefix=1) == theirs.suggest(
                word, limit=2, maxdist=maxdist, prefix=1)
        assert ours.suggest("conection", limit=2, maxdist=2, prefix=1) == ["connection"]

    @settings(max_examples=60, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(word=st.text(alphabet="abcdefilnoprstuv防盗链推流", min_size=2, max_size=10),
           maxdist=st.integers(1, 2))
    def test_any_word_gets_the_suggestions_whoosh_gives(self, searcher, word, maxdist):
        ours = corrector_for(searcher).suggest(word, limit=3, maxdist=maxdist, prefix=1)
        assert ours == searcher.corrector("vocab").suggest(word, limit=3, maxdist=maxdist,
                                                           prefix=1)

    def test_one_corrector_per_index_generation(self, searcher):
        assert corrector_for(searcher) is corrector_for(searcher)


@pytest.mark.django_db
class TestChinese:
    """Input-method slips: a character that sounds the same, making a word the
    articles use; a run of ordinary words is never "corrected"."""

    @pytest.fixture
    def corrector(self, problems, build_index):
        make_article(language="zh-hans", title="丢包与关键帧间隔", summary="推流码错误时推流失败。",
                     symptoms=["防盗链", "音画不同步", "画面卡顿", "首屏慢", "延迟太高",
                               "今天推不上"])
        build_index()
        return chinese_corrector_for(search_backend().view())

    @pytest.mark.parametrize("typed, corrected", [
        ("防盗连", "防盗链"), ("丢保很严重", "丢包很严重"), ("关键真间隔", "关键帧间隔"),
        ("音话不同步", "音画不同步"), ("画面卡钝", "画面卡顿"), ("首评很慢", "首屏很慢"),
        ("延吃太高", "延迟太高"), ("推流吗错误", "推流码错误"),
    ])
    def test_a_slip_is_corrected_to_the_domain_word(self, corrector, typed, corrected):
        out = typed
        for correction in corrector.correct(typed):
            out = out.replace(correction.typed, correction.corrected, 1)
        assert out == corrected

    @pytest.mark.parametrize("run", ["今晚发布会推流", "同时最多能推多少路流", "能推流吗", "防盗链",
                                     "主播那边网不好", "带货直播", "花瓶"])
    def test_a_run_of_real_words_is_left_alone(self, corrector, run):
        assert corrector.correct(run) == []

    def test_only_a_character_that_sounds_alike_is_a_slip(self):
        assert slip_likelihood("留", "流") is not None  # liu, liu
        assert slip_likelihood("连", "链") is not None  # lian, lian
        assert slip_likelihood("晚", "天") is None
        assert slip_likelihood("弃", "包") is None
        assert slip_likelihood("生", "声") > slip_likelihood("森", "声")  # sh/s is rarer

    def test_one_corrector_per_index_generation(self, corrector):
        assert chinese_corrector_for(search_backend().view()) is corrector
