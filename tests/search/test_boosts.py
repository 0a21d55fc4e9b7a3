"""Search ranks with its own tables: learning writes them, search never reads learning's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kb.search.backends import search_backend
from kb.search.boosts import (
    UNJUDGED_RATE,
    article_boosts_set,
    article_phrases_for,
    article_phrases_set,
    article_success_rates,
)
from kb.search.services import search_articles
from tests.clock import EU_WORKING_HOURS

pytestmark = pytest.mark.django_db


def test_a_search_reads_no_table_of_the_learning_loop(kb_articles, build_index):
    build_index()
    article_boosts_set(rates={(kb_articles["duplicate"].pk, ""): 0.9})
    with CaptureQueriesContext(connection) as queries:
        results = search_articles(text="already publishing", language="en")
    assert results.hits[0].slug == "push-already-publishing"
    assert not [q["sql"] for q in queries if "learning_" in q["sql"]]


def test_rates_are_stored_per_problem_code_and_unjudged_articles_sit_in_the_middle(
    kb_articles
):
    judged, unjudged = kb_articles["duplicate"], kb_articles["keyframe"]
    article_boosts_set(rates={(judged.pk, ""): 0.8, (judged.pk, "push.duplicate-publisher"): 0.9})
    article_boosts_set(rates={(judged.pk, ""): 0.7})  # a later figure replaces the first
    assert article_success_rates([judged.pk, unjudged.pk]) == {judged.pk: 0.7,
                                                               unjudged.pk: UNJUDGED_RATE}
    assert article_success_rates([judged.pk], problem_code="push.duplicate-publisher") == {
        judged.pk: 0.9}


def test_phrases_replace_the_articles_phrases_and_reindex_only_what_changed(
    kb_articles, build_index, django_capture_on_commit_callbacks
):
    build_index()
    article = kb_articles["duplicate"]
    # The Whoosh index follows after the commit; PostgreSQL's in the transaction.
    queued = 0 if search_backend().writes_in_transaction else 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert article_phrases_set(phrases={article.pk: ["capybara handshake refused"]}) == 1
    assert len(callbacks) == queued
    hits = search_articles(text="capybara handshake", language="en", record=False).hits
    assert [hit.slug for hit in hits] == ["push-already-publishing"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert article_phrases_set(phrases={article.pk: ["capybara handshake refused"]}) == 0
    assert callbacks == []
    with django_capture_on_commit_callbacks(execute=True):
        article_phrases_set(phrases={article.pk: []})
    assert article_phrases_for([article.pk]) == {}
    assert search_articles(text="capybara handshake", language="en", record=False).hits == []


def test_a_search_reads_the_rates_once_until_the_learning_loop_writes_new_ones(
    kb_articles, build_index
):
    build_index()
    duplicate = kb_articles["duplicate"].pk
    article_boosts_set(rates={(duplicate, ""): 0.9})
    search_articles(text="already publishing", language="en", record=False)
    with CaptureQueriesContext(connection) as queries:
        search_articles(text="already publishing obs", language="en", record=False)
    assert not [q["sql"] for q in queries if "search_articleboost" in q["sql"]]
    article_boosts_set(rates={(duplicate, ""): 0.2})
    assert article_success_rates([duplicate]) == {duplicate: 0.2}


def test_rates_another_process_wrote_are_read_within_a_second_of_the_version_changing(
        kb_articles, time_machine):
    from django.core.cache import cache

    from kb.search import boosts
    from kb.search.models import ArticleBoost

    time_machine.move_to(EU_WORKING_HOURS, tick=False)
    duplicate = kb_articles["duplicate"].pk
    assert article_success_rates([duplicate]) == {duplicate: UNJUDGED_RATE}
    # Another process's write: the rows, then the version its commit sets.
    ArticleBoost.objects.create(article_id=duplicate, problem_code="", success_rate=0.95)
    time_machine.shift(5)
    assert article_success_rates([duplicate]) == {duplicate: UNJUDGED_RATE}
    cache.set(boosts.RATES_VERSION_KEY, "written elsewhere", timeout=None)
    time_machine.shift(0.5)
    # The version was looked at half a second ago: not again yet.
    assert article_success_rates([duplicate]) == {duplicate: UNJUDGED_RATE}
    time_machine.shift(0.6)
    assert article_success_rates([duplicate]) == {duplicate: 0.95}


def test_rates_are_read_from_the_database_while_the_shared_cache_is_down(
        kb_articles, take_the_cache_down):
    duplicate = kb_articles["duplicate"].pk
    take_the_cache_down()
    article_boosts_set(rates={(duplicate, ""): 0.85})
    assert article_success_rates([duplicate]) == {duplicate: 0.85}
