import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh.support.levenshtein import levenshtein as whoosh_levenshtein

from kb.search import store
from kb.search.spelling import corrector_for, levenshtein

WORDS = st.text(alphabet="abcdeé推流拉x", max_size=12)


@given(a=WORDS, b=WORDS)
def test_distance_is_levenshteins(a, b):
    expected = whoosh_levenshtein(a, b) if a and b else len(a) + len(b)
    assert levenshtein(a, b) == expected


@pytest.mark.django_db
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
