"""Relevance on the real launch content, with the evaluation set."""

from pathlib import Path

import pytest
from django.conf import settings

from kb.articles.fixture_files import articles_load_fixtures
from kb.articles.models import Article
from kb.problems.models import Problem
from kb.problems.services import problems_load_fixture
from kb.search.evaluation import evaluate, load_queries, rank_with_search, rank_with_substring
from kb.search.indexing import index_rebuild
from kb.search.models import Synonym
from kb.search.synonyms import synonyms_load_fixture, synonyms_reload

# The module's index is built once, on the test database (a test outside a
# database test would find no tables when this file runs alone).
pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.KB_FIXTURES_DIR)
QUERIES = load_queries(Path(settings.BASE_DIR) / "tests" / "search_eval" / "queries.toml")


@pytest.fixture(scope="module")
def launch_index(django_db_setup, django_db_blocker, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("launch-index")
    with django_db_blocker.unblock():
        problems_load_fixture(path=FIXTURES / "problems.json")
        articles_load_fixtures(root=FIXTURES / "articles")
        synonyms_load_fixture(path=FIXTURES / "synonyms.toml")
        from django.test import override_settings

        with override_settings(KB_INDEX_DIR=index_dir):
            index_rebuild()
        yield index_dir
        Article.objects.all().delete()
        Problem.objects.all().delete()
        Synonym.objects.all().delete()


@pytest.fixture(scope="module")
def scores(launch_index, django_db_blocker):
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(KB_INDEX_DIR=launch_index):
        synonyms_reload()
        return evaluate(QUERIES, rank_with_search), evaluate(QUERIES, rank_with_substring)


def test_evaluation_set_is_broad():
    assert len(QUERIES) >= 120
    assert {q.lang for q in QUERIES} == {"en", "zh-hans", "mixed"}
    assert {q.kind for q in QUERIES} == {"symptom", "error", "keyword", "typo", "question"}


def test_right_fix_is_in_the_top_three_in_each_language(scores):
    search, _ = scores
    for key in ("lang:en", "lang:zh-hans", "lang:mixed"):
        assert search[key].row()["hit@3"] >= 0.9, (key, search["all"].misses)


def test_search_is_well_above_the_substring_baseline(scores):
    search, baseline = scores
    assert search["all"].row()["hit@3"] >= baseline["all"].row()["hit@3"] + 0.4
    assert search["all"].row()["mrr"] >= 0.8
