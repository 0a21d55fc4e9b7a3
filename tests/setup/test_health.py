"""/healthz and /readyz, as a load balancer reads them."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_process_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_ready_when_database_cache_broker_and_index_answer(client, transactional_db,
                                                          kb_articles, build_index, settings,
                                                          tmp_path):
    # Committed: the checks run on their own connections (a PostgreSQL search
    # index is rows they must see).
    build_index()
    response = client.get("/readyz", {"format": "json"})
    assert response.status_code == 200, response.content
    assert set(response.json()) >= {"Database(alias='default')", "Cache(alias='default')",
                                    "Broker()", "SearchIndex()"}


def test_not_ready_names_the_part_that_fails(client, kb_articles):
    # No index has been built in this test's index folder.
    response = client.get("/readyz", {"format": "json"})
    assert response.status_code == 503
    failing = {name: text for name, text in response.json().items() if text != "OK"}
    assert list(failing) == ["SearchIndex()"]
    assert "search index" in failing["SearchIndex()"]
