import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from kb.search import ranking, store
from kb.search.backends.whoosh import KeptCounts, WhooshView, filter_query_for
from kb.search.indexing import index_article
from kb.search.query import build_query, prepare, stem_word
from kb.search.services import search_articles
from kb.search.synonyms import synonym_table
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.whoosh]

QUERIES = [
    "viewers buffer but my preview is fine",
    "Already publishing",
    '"Failed to connect to server"',
    "Failed to connect to server\nConnection refused",
    "防盗链",
    "obs 推流 Failed to connect",
    "obs 推流失败 无法连接到服务器",
    "keyframe interval 2 seconds",
    "gop",
    "conection refused",
    "防盗连",
    "403 Forbidden",
    "encoder encoder encoder",
    "the player keeps spinning while the preview is fine and the encoder is healthy "
    "bufferStalledError edge capacity network",
]
KNOWN_WORDS = (
    "obs failed connect server refused 推流 连接 服务器 防盗链 403 forbidden keyframe "
    "interval buffering player spinning already publishing encoder proxy 拒绝 超时 "
    'edge "failed to connect" conection bufering 防盗连'.split())


def texts_sharing_words(words) -> st.SearchStrategy[tuple[str, str]]:
    """Two searches with words in common, as a search and its typo correction."""
    return st.builds(lambda shared, first, second: (" ".join(shared + first),
                                                    " ".join(shared + second)),
                     st.lists(st.sampled_from(words), max_size=8),
                     st.lists(st.sampled_from(words), min_size=1, max_size=3),
                     st.lists(st.sampled_from(words), min_size=1, max_size=3))


FILTERS = [None, {"lang": "en"}, {"lang": "zh-hans"}, {"area": "playback"},
           {"area": "push", "lang": "zh-hans"}]


def whoosh_and_direct(text, *, limit=20, filter_kwargs=None):
    searcher = store.get_searcher()
    built = build_query(prepare(text), reader=searcher.reader(),
                        corrector=searcher.corrector("vocab"), synonyms=synonym_table())
    if built.query is None:
        return [], []
    flt = filter_query_for(**{"area": None, "lang": None, **(filter_kwargs or {})})
    expected = searcher.search(built.query, limit=limit, filter=flt)
    got = ranking.rank(searcher, built.query, limit=limit, filter=flt)
    return ([(hit.docnum, hit.score) for hit in expected],
            [(hit.docnum, hit.score) for hit in got])


def assert_same_ranking(expected, got):
    assert [d for d, _ in got] == [d for d, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-9)


@pytest.fixture
def multi_segment_index(kb_articles, problems, build_index):
    """A rebuilt index, then an edit and a new article: more segments, and a
    deleted document in the first."""
    build_index()
    edited = kb_articles["buffering"]
    edited.symptoms = "bufferStalledError\nthe player keeps spinning\nencoder overloaded"
    edited.save()
    index_article(article_id=edited.pk)
    added = make_article(problems=[problems["push.connect-refused"]], slug="second-segment",
                         title="OBS Failed to connect to server behind a proxy",
                         symptoms=["Failed to connect to server", "proxy"],
                         body="Connection refused by the proxy. 推流 连接被拒绝。")
    index_article(article_id=added.pk)
    return kb_articles


class TestSameRankingAsWhoosh:
    @pytest.mark.parametrize("text", QUERIES)
    def test_every_query_shape_ranks_as_whoosh_ranks_it(self, multi_segment_index, text):
        for filter_kwargs in FILTERS:
            expected, got = whoosh_and_direct(text, filter_kwargs=filter_kwargs)
            assert_same_ranking(expected, got)

    def test_the_index_really_has_several_segments_and_a_deletion(self, multi_segment_index):
        searcher = store.get_searcher()
        readers = [s.reader() for s, _ in searcher.leaf_searchers()]
        assert len(readers) >= 2
        assert any(r.has_deletions() for r in readers)

    def test_a_short_limit_keeps_the_best_in_order(self, multi_segment_index):
        expected, got = whoosh_and_direct("Failed to connect to server", limit=2)
        assert len(got) == 2
        assert_same_ranking(expected, got)

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(words=st.lists(st.sampled_from(KNOWN_WORDS), min_size=1, max_size=14),
           newline=st.booleans())
    def test_any_mix_of_known_words_ranks_as_whoosh_ranks_it(self, multi_segment_index, words,
                                                             newline):
        text = ("\n" if newline else " ").join(words)
        expected, got = whoosh_and_direct(text)
        assert_same_ranking(expected, got)


def built_query(searcher, text):
    return build_query(prepare(text), reader=searcher.reader(),
                       corrector=searcher.corrector("vocab"), synonyms=synonym_table()).query


class TestSeveralQueriesAtOnce:
    """A search and its typo correction are ranked together, the words they
    share scored once: each is ranked as Whoosh ranks it alone."""

    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(texts=texts_sharing_words(KNOWN_WORDS), filters=st.sampled_from(FILTERS))
    def test_each_query_ranks_as_whoosh_ranks_it_alone(self, multi_segment_index, texts,
                                                        filters):
        searcher = store.get_searcher()
        queries = [q for q in (built_query(searcher, text) for text in texts) if q]
        flt = filter_query_for(**{"area": None, "lang": None, **(filters or {})})
        together = ranking.rank_many(searcher, queries, limit=20, filter=flt)
        assert len(together) == len(queries)
        for query, got in zip(queries, together, strict=True):
            expected = searcher.search(query, limit=20, filter=flt)
            assert_same_ranking([(hit.docnum, hit.score) for hit in expected],
                                [(hit.docnum, hit.score) for hit in got])

    def test_a_clause_the_direct_scorer_does_not_know_ranks_every_query_by_whoosh(
        self, multi_segment_index
    ):
        searcher = store.get_searcher()
        plain = wq.Or([wq.Term("head", "fail"), wq.Term("body", "obs")])
        scaled = wq.Or([wq.Term("head", "fail"), wq.Term("body", "obs")], scale=0.9)
        found = WhooshView(searcher).rank_many([plain, scaled], limit=10, area=None, lang=None)
        assert [[h.docnum for h in hits] for hits in found] == [
            [h.docnum for h in searcher.search(q, limit=10)] for q in (plain, scaled)]


class TestOtherQueries:
    def test_a_clause_the_direct_scorer_does_not_know_is_ranked_by_whoosh(
        self, multi_segment_index
    ):
        searcher = store.get_searcher()
        q = wq.Or([wq.Term("head", "fail"), wq.Term("body", "obs")], scale=0.9)
        with pytest.raises(ranking.Unsupported):
            ranking.rank(searcher, q, limit=10)
        found = WhooshView(searcher).rank(q, limit=10, area=None, lang=None)
        assert [h.docnum for h in found] == [h.docnum for h in searcher.search(q, limit=10)]

    def test_hits_read_like_whoosh_hits(self, multi_segment_index):
        searcher = store.get_searcher()
        hit = ranking.rank(searcher, wq.Term("head", "proxi"), limit=1)[0]
        assert hit["slug"] == "second-segment"
        assert hit.get("missing", "default") == "default"
        assert hit.score > 0

    def test_hits_read_their_stored_fields_only_when_asked(self, multi_segment_index,
                                                          monkeypatch):
        # A typo's corrected search is ranked for its scores alone.
        searcher = store.get_searcher()
        read = []
        real = ranking._stored_fields
        monkeypatch.setattr("kb.search.ranking._stored_fields",
                            lambda cache, docnum: read.append(docnum) or real(cache, docnum))
        q = wq.Or([wq.Term("head", "proxi"), wq.Term("body", "connect")])
        found = ranking.rank(searcher, q, limit=5)
        assert len(found) > 1 and read == []
        assert found[0]["slug"] == "second-segment" and found[0].get("lang")
        assert read == [found[0].docnum]
        assert [hit.fields for hit in found] == \
            [hit.fields() for hit in searcher.search(q, limit=5)]

    def test_an_empty_index_ranks_nothing_without_error(self, problems, build_index):
        build_index()
        assert ranking.rank(store.get_searcher(), wq.Term("head", "obs"), limit=10) == []


def test_the_term_cache_keeps_within_its_postings_bound(multi_segment_index, monkeypatch):
    monkeypatch.setattr("kb.search.ranking.TERM_CACHE_POSTINGS", 3)
    searcher = store.get_searcher()
    for word in ("obs", "connect", "server", "fail", "push", "推流"):
        ranking.rank(searcher, wq.Or([wq.Term("head", word), wq.Term("body", word)]), limit=5)
        cache = ranking.searcher_cache(searcher)
        assert cache.cached_postings <= 3
        assert cache.cached_postings == sum(
            len(p.docnums) for parts in cache.terms.values() for p in parts)
    expected, got = whoosh_and_direct("obs failed to connect to server")
    assert_same_ranking(expected, got)


def test_the_caches_leave_their_postings_to_reference_counting(multi_segment_index):
    # A collection walks every list it tracks, item by item: cached postings
    # in lists made each request pay for the last ones' new entries.
    searcher = store.get_searcher()
    query = wq.Or([wq.Term("body", "connect"), wq.Phrase("head", ["failed", "connect"]),
                   wq.Term("head", "推流")])
    ranking.rank(searcher, query, limit=5)
    gc.collect()
    cache = ranking.searcher_cache(searcher)
    sequences = [seq for parts in cache.terms.values() for part in parts
                 for seq in (part.docnums, part.global_docnums, part.scores, part.values)
                 if seq is not None]
    sequences += [seq for raw in ranking._segment_cache.values() if raw is not None
                  for seq in getattr(raw, "__dict__", {}).values() if isinstance(seq, tuple)]
    sequences += list(cache.norms.values())
    assert sequences and any(cache.terms) and any(part.values for parts in cache.terms.values()
                                                  for part in parts)
    assert [seq for seq in sequences if gc.is_tracked(seq)] == []


class TestKeptCounts:
    def test_a_word_no_article_had_is_counted_once_an_edit_adds_it(self, multi_segment_index):
        term = stem_word("walrus")
        view = WhooshView(store.get_searcher())
        assert view.reader().doc_frequency("body", term) == 0
        assert search_articles(text="walrus", language="en", record=False).hits == []
        article = multi_segment_index["buffering"]
        article.body += "\n\nA walrus on the line."
        article.save()
        index_article(article_id=article.pk)
        assert WhooshView(store.get_searcher()).reader().doc_frequency("body", term) == 1
        found = search_articles(text="walrus", language="en", record=False)
        assert [hit.slug for hit in found.hits] == [article.slug]

    def test_counts_are_the_readers_and_stay_within_their_limit(self, multi_segment_index,
                                                                 monkeypatch):
        monkeypatch.setattr(KeptCounts, "LIMIT", 3)
        searcher = store.get_searcher()
        counts = KeptCounts(searcher.reader())
        words = ["obs", "connect", "server", "proxi", "推流", "walrus", "obs", "connect"]
        for word in words:
            assert counts.doc_frequency("body", word) == \
                searcher.reader().doc_frequency("body", word)
            assert counts.frequency("vocab", word) == searcher.reader().frequency("vocab", word)
            assert len(counts._counts) <= 3
        assert counts.doc_count_all() == searcher.doc_count_all()


class TestAfterAnEdit:
    def edit(self, articles, symptoms):
        article = articles["buffering"]
        article.symptoms = symptoms
        article.save()
        index_article(article_id=article.pk)

    def test_a_new_searcher_ranks_as_whoosh_with_the_old_segments_postings_kept(
        self, multi_segment_index
    ):
        for text in QUERIES:
            whoosh_and_direct(text)  # every term read and kept
        self.edit(multi_segment_index, "keyframe interval too long\nproxy refused 推流")
        for text in QUERIES:
            expected, got = whoosh_and_direct(text)
            assert_same_ranking(expected, got)

    def test_an_edit_reads_only_the_segment_it_wrote(self, multi_segment_index, monkeypatch):
        text = "obs failed to connect to server proxy 推流"
        whoosh_and_direct(text)
        before = {s.reader().segment().segment_id()
                  for s, _ in store.get_searcher().leaf_searchers()}
        read = []
        real = ranking._raw_postings

        def counting(reader, *args, **kwargs):
            read.append(reader.segment().segment_id())
            return real(reader, *args, **kwargs)

        monkeypatch.setattr("kb.search.ranking._raw_postings", counting)
        self.edit(multi_segment_index, "obs failed to connect to server behind a proxy")
        expected, got = whoosh_and_direct(text)
        assert_same_ranking(expected, got)
        assert read, "the edit's new segment is read"
        assert not before.intersection(read)

    def test_without_the_segment_cache_every_segment_is_read_again(
        self, multi_segment_index, monkeypatch
    ):
        monkeypatch.setattr("kb.search.ranking.SEGMENT_CACHE_POSTINGS", 0)
        ranking.segment_cache_clear()
        text = "obs failed to connect to server proxy 推流"
        whoosh_and_direct(text)
        read = []
        real = ranking._raw_postings
        monkeypatch.setattr("kb.search.ranking._raw_postings",
                            lambda reader, *a, **kw: read.append(1) or real(reader, *a, **kw))
        self.edit(multi_segment_index, "obs failed to connect to server behind a proxy")
        expected, got = whoosh_and_direct(text)
        assert_same_ranking(expected, got)
        assert len(read) > 3

    def test_a_phrase_is_matched_once_per_segment_and_after_an_edit_only_in_the_new_one(
        self, multi_segment_index, monkeypatch
    ):
        text = '"Failed to connect to server"'
        matched = []
        real = ranking._phrase_matches
        monkeypatch.setattr("kb.search.ranking._phrase_matches",
                            lambda parts, decode: matched.append(parts[0].segment)
                            or real(parts, decode))
        expected, got = whoosh_and_direct(text)
        assert_same_ranking(expected, got)
        assert matched, "the phrase is in the index"
        assert len(store.get_searcher().leaf_searchers()) >= 2
        matched.clear()
        assert whoosh_and_direct(text)[1] == got
        assert matched == []
        self.edit(multi_segment_index, "Failed to connect to server\nthe proxy refused it")
        expected, got = whoosh_and_direct(text)
        assert_same_ranking(expected, got)
        # Only the edit's own segment, the last, is matched again.
        assert matched and set(matched) == {len(store.get_searcher().leaf_searchers()) - 1}

    def test_the_searcher_after_an_edit_starts_with_the_last_ones_terms_scored(
        self, multi_segment_index, monkeypatch
    ):
        # Time enough for every term on a loaded machine: the budget is not
        # what this test is about.
        monkeypatch.setattr("kb.search.ranking.WARM_SECONDS", 30.0)
        text = "obs failed to connect to server proxy 推流"
        whoosh_and_direct(text)
        used = set(ranking.searcher_cache(store.get_searcher()).terms)
        self.edit(multi_segment_index, "obs failed to connect to server behind a proxy")
        searcher = store.get_searcher()
        assert used <= set(ranking.searcher_cache(searcher).terms)
        expected, got = whoosh_and_direct(text)
        assert_same_ranking(expected, got)
