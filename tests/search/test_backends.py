"""The PostgreSQL backend against the Whoosh one on the same articles: the
same queries built, the same documents in the same order with the same
scores, the same suggestions; and its rows follow the article's transaction."""

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.articles import services as article_services
from kb.articles.models import Article
from kb.search.backends.postgres import PostgresBackend, phrase_tsquery
from kb.search.backends.whoosh import WhooshBackend
from kb.search.models import SearchTerm
from kb.search.query import build_query, prepare
from kb.search.services import search_articles
from kb.search.spelling import chinese_corrector_for, corrector_for
from kb.search.synonyms import synonym_table, synonyms_reload
from tests.factories import make_article
from tests.search.test_ranking import FILTERS, QUERIES, texts_sharing_words

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the PostgreSQL search backend needs DATABASE_URL=postgres://..."),
]

WORDS = ("obs failed connect server refused 推流 连接 服务器 防盗链 403 forbidden keyframe "
         "interval buffering player spinning already publishing encoder proxy 拒绝 超时 edge "
         '"failed to connect" conection bufering 防盗连 gop 关键真间隔').split()


@pytest.fixture
def both(kb_articles, problems):
    """Both backends built from the same articles (one more, with a phrase)."""
    make_article(problems=[problems["push.connect-refused"]], slug="behind-a-proxy",
                 title="OBS Failed to connect to server behind a proxy",
                 symptoms=["Failed to connect to server", "proxy"],
                 body="Connection refused by the proxy. 推流 连接被拒绝。")
    synonyms_reload()
    whoosh, postgres = WhooshBackend(), PostgresBackend()
    whoosh.rebuild()
    postgres.rebuild()
    return whoosh.view(), postgres.view()


def built_query(view, text: str):
    view.prefetch(text)
    return build_query(prepare(text), reader=view.reader(), corrector=corrector_for(view),
                       synonyms=synonym_table(), chinese=chinese_corrector_for(view))


def ranked(view, text: str, *, limit: int = 20, area=None, lang=None):
    built = built_query(view, text)
    if built.query is None:
        return None, []
    found = view.rank(built.query, limit=limit, area=area, lang=lang)
    return built, [(int(hit["id"]), hit.score) for hit in found]


def assert_same(whoosh_view, postgres_view, text, **kwargs):
    built_w, expected = ranked(whoosh_view, text, **kwargs)
    built_p, got = ranked(postgres_view, text, **kwargs)
    assert repr(built_p and built_p.query) == repr(built_w and built_w.query)
    assert_same_hits(expected, got)


def assert_same_hits(expected, got):
    # Equal scores may come in either order: compare by score, then id.
    got_sorted = sorted(got, key=lambda h: (-round(h[1], 9), h[0]))
    expected_sorted = sorted(expected, key=lambda h: (-round(h[1], 9), h[0]))
    assert [d for d, _ in got_sorted] == [d for d, _ in expected_sorted]
    assert [s for _, s in got_sorted] == pytest.approx([s for _, s in expected_sorted],
                                                       rel=1e-9)
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


class TestSameAsWhoosh:
    @pytest.mark.parametrize("text", QUERIES)
    def test_every_query_shape_is_built_and_ranked_alike(self, both, text):
        for filters in FILTERS:
            assert_same(*both, text, **(filters or {}))

    @settings(max_examples=40, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=14),
           newline=st.booleans())
    def test_any_mix_of_words_is_ranked_alike(self, both, words, newline):
        assert_same(*both, ("\n" if newline else " ").join(words))

    @settings(max_examples=30, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(texts=texts_sharing_words(WORDS), filters=st.sampled_from(FILTERS))
    def test_queries_ranked_at_once_rank_as_each_alone(self, both, texts, filters):
        """A search and its typo correction share a statement, and the
        postings of the words they share."""
        whoosh_view, postgres_view = both
        filters = filters or {}
        built = [(text, built_query(postgres_view, text).query) for text in texts]
        built = [(text, query) for text, query in built if query is not None]
        together = postgres_view.rank_many([query for _, query in built], limit=20,
                                           area=filters.get("area"), lang=filters.get("lang"))
        assert len(together) == len(built)
        alone = [ranked(whoosh_view, text, **filters)[1] for text, _ in built]
        for expected, got in zip(alone, together, strict=True):
            assert_same_hits(expected, [(int(hit["id"]), hit.score) for hit in got])

    def test_a_short_limit_keeps_the_best(self, both):
        assert_same(*both, "Failed to connect to server", limit=2)

    def test_typo_suggestions_and_chinese_corrections_are_the_same(self, both):
        whoosh_view, postgres_view = both
        for word, maxdist in [("conection", 2), ("bufering", 2), ("publshing", 2),
                              ("refusd", 2), ("fald", 1), ("zzzz", 1), ("proxi", 1)]:
            assert corrector_for(postgres_view).suggest(word, limit=2, maxdist=maxdist,
                                                        prefix=1) == \
                corrector_for(whoosh_view).suggest(word, limit=2, maxdist=maxdist, prefix=1)
        for run in ("防盗连", "推留失败", "今晚发布会推流"):
            assert chinese_corrector_for(postgres_view).correct(run) == \
                chinese_corrector_for(whoosh_view).correct(run)

    def test_what_a_word_can_score_is_the_same(self, both):
        whoosh_view, postgres_view = both
        for field in ("head", "meta", "body"):
            for term in ("obs", "connect", "推流", "proxi", "absent"):
                assert postgres_view.term_ceiling(field, term) == pytest.approx(
                    whoosh_view.term_ceiling(field, term), rel=1e-9)
            assert postgres_view.unseen_term_ceiling(field) == pytest.approx(
                whoosh_view.unseen_term_ceiling(field), rel=1e-12)


def vocabulary() -> set[tuple[int, str, int]]:
    return set(SearchTerm.objects.filter(documents__gt=0).values_list(
        "field", "term", "documents"))


class TestWritesFollowTheArticle:
    @pytest.fixture(autouse=True)
    def _postgres(self, settings):
        settings.KB_SEARCH_BACKEND = "postgres"

    def test_an_edit_is_found_before_anything_runs_after_the_commit(
        self, problems, reviewer, curator, build_index, django_capture_on_commit_callbacks
    ):
        build_index()
        article = make_article(status=Article.Status.IN_REVIEW, title="Quokka stream fix")
        with django_capture_on_commit_callbacks(execute=False):
            article_services.article_publish(article=article, reviewer=reviewer)
            assert [h.slug for h in search_articles(text="quokka", language="en",
                                                    record=False).hits] == [article.slug]
            article_services.article_update(article=article, editor=curator,
                                            expected_version=1, title="Wombat stream fix")
            assert search_articles(text="quokka", language="en", record=False).hits == []
            assert search_articles(text="wombat", language="en", record=False).hits

    def test_an_edit_that_rolls_back_leaves_the_index_as_it_was(self, kb_articles, curator,
                                                                build_index):
        build_index()
        before = vocabulary()
        article = kb_articles["duplicate"]
        with pytest.raises(RuntimeError), transaction.atomic():
            article_services.article_update(article=article, editor=curator,
                                            expected_version=article.version,
                                            title="Numbat handshake")
            raise RuntimeError("the request failed after the save")
        assert vocabulary() == before
        assert search_articles(text="numbat", language="en", record=False).hits == []
        assert search_articles(text="already publishing", language="en",
                               record=False).hits[0].slug == "push-already-publishing"

    def test_counts_after_edits_are_a_rebuilds_counts(self, kb_articles, curator, reviewer,
                                                      build_index):
        build_index()
        article = kb_articles["duplicate"]
        article_services.article_update(article=article, editor=curator,
                                        expected_version=article.version,
                                        title="Push rejected: a second encoder holds the key",
                                        symptoms="Already publishing\nStream key in use")
        article_services.article_archive(article=Article.objects.get(pk=kb_articles["keyframe"].pk),
                                         actor=curator)
        after_edits = vocabulary()
        build_index()
        assert vocabulary() == after_edits

    def test_no_index_yet_is_said_and_the_search_answers_from_the_database(self, kb_articles):
        healthy, reason = PostgresBackend().health()
        assert healthy is False and "no PostgreSQL search index" in reason
        results = search_articles(text="publishing", language="en", record=False)
        # The queued check (in process here) built the index.
        assert results.fallback is True
        assert PostgresBackend().health() == (True, "ok")


# Workers made free, and pages too: workers share the reading of rows, not of
# pages, and a table full of the dead rows of earlier tests (statistics of
# 265 live rows in 547 pages, once in CI) is otherwise cheaper to scan alone.
PARALLEL_MADE_FREE = ("parallel_setup_cost", "parallel_tuple_cost",
                      "min_parallel_table_scan_size", "min_parallel_index_scan_size",
                      "seq_page_cost")


class TestNoParallelWorkers:
    """A search reads a few thousand rows: workers cost more than they save."""

    @staticmethod
    def ranking_plan(text: str) -> str:
        """The plan of the ranking statement of a search for ``text``."""
        plans = []

        def explain(execute, sql, params, many, context):
            if "phrase_match" in sql:
                raw = context["cursor"].cursor  # past the wrappers
                raw.execute("EXPLAIN " + sql, params)
                plans.append("\n".join(row[0] for row in raw.fetchall()))
            return execute(sql, params, many, context)

        # The backend itself, past the recent-results cache.
        with connection.execute_wrapper(explain):
            _built, hits = ranked(PostgresBackend().view(), text)
        assert hits, f"nothing found for {text!r}"
        assert len(plans) == 1
        return plans[0]

    @staticmethod
    def counting_plan() -> str:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN SELECT count(*) FROM search_searchposting")
            return "\n".join(row[0] for row in cursor.fetchall())

    def test_a_search_plans_none_even_when_the_planner_would_like_some(
        self, kb_articles, build_index, settings
    ):
        settings.KB_SEARCH_BACKEND = "postgres"
        build_index()
        with connection.cursor() as cursor:
            for setting in PARALLEL_MADE_FREE:
                cursor.execute(f"SET LOCAL {setting} = 0")
        assert "Gather" not in self.ranking_plan("obs failed to connect")
        assert "Gather" not in self.counting_plan()
        # Without the tables' setting (the test's transaction rolls this
        # back), the planner takes workers for the same tables.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER with checks pending
            for table in ("search_searchposting", "search_searchdocument"):
                cursor.execute(f"ALTER TABLE {table} RESET (parallel_workers)")
        assert "Gather" in self.counting_plan()


@settings(max_examples=200, deadline=None)
@given(term=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
                    max_size=20).filter(lambda t: t.strip() == t and " " not in t))
@pytest.mark.django_db
def test_any_term_survives_the_tsvector_and_tsquery_literals(term):
    """A term written into a tsvector comes back as itself, and matches itself."""
    from kb.search.backends.postgres import _quoted

    with connection.cursor() as cursor:
        cursor.execute("SELECT (unnest(%s::tsvector)).lexeme, %s::tsvector @@ %s::tsquery",
                       [f"{_quoted(term)}:1A", f"{_quoted(term)}:1A",
                        phrase_tsquery([term], "head")])
        lexeme, matched = cursor.fetchone()
    assert (lexeme, matched) == (term, True)
