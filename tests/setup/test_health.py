"""/healthz and /readyz, as a load balancer reads them."""

import pytest
from django.conf import settings
from django.db import connection

from tests.waiting import wait_for

pytestmark = pytest.mark.django_db


def test_the_process_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


# The checks run on their own connections: a PostgreSQL search index is rows
# they must see, so there the test commits its data. (Only there: the suite
# runs committing tests last, after the browser tests, whose event loop keeps
# the test client from calling this async view.)
@pytest.mark.django_db(transaction=settings.KB_SEARCH_BACKEND == "postgres")
def test_ready_when_database_cache_broker_and_index_answer(client, kb_articles, build_index,
                                                          tmp_path):
    build_index()
    sessions_before = _database_sessions()
    response = client.get("/readyz", {"format": "json"})
    assert response.status_code == 200, response.content
    assert set(response.json()) >= {"Database(alias='default')", "Cache(alias='default')",
                                    "Broker()", "SearchIndex()"}
    # A load balancer asks every few seconds: no probe leaves a session open
    # (a closed session leaves the server's list a moment after the client
    # hangs up).
    assert wait_for(lambda: _database_sessions() == sessions_before, timeout=1,
                    interval=0.05), "a readiness probe left a database session open"


def _database_sessions() -> int | None:
    if connection.vendor != "postgresql":
        return None  # SQLite has no sessions to count
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def test_not_ready_names_the_part_that_fails(client, kb_articles):
    # No index has been built in this test's index folder.
    response = client.get("/readyz", {"format": "json"})
    assert response.status_code == 503
    failing = {name: text for name, text in response.json().items() if text != "OK"}
    assert list(failing) == ["SearchIndex()"]
    assert "search index" in failing["SearchIndex()"]
