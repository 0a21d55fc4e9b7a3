import json
from wsgiref.util import setup_testing_defaults

import pytest
from rest_framework.test import APIClient

from kb.search.models import SearchQuery

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


class TestSearchApi:
    def test_response_has_the_documented_shape(self, api, kb_articles, build_index):
        build_index()
        response = api.get("/api/v1/search", {"q": "conection refused", "lang": "en"})
        assert response.status_code == 200
        data = response.json()
        assert set(data) >= {"query", "suggestion", "results"}
        assert data["query"] == "conection refused"
        assert data["suggestion"] == "connection refused"
        first = data["results"][0]
        assert set(first) == {"slug", "title", "lang", "url", "problems", "snippet", "score"}
        assert first["slug"] == "push-connection-refused"
        assert first["url"] == "/kb/en/push-connection-refused/"
        assert first["problems"] == ["push.connect-refused"]
        assert isinstance(first["score"], float)
        assert data["weak"] is False and data["account_question"] is False
        assert data["feature_question"] is False
        assert SearchQuery.objects.get().source == "api"

    def test_a_question_the_articles_do_not_cover_is_marked_weak(self, api, kb_articles,
                                                                 build_index):
        build_index()
        data = api.get("/api/v1/search", {"q": "encoder on a boat at sea", "lang": "en"}).json()
        assert data["weak"] is True and data["account_question"] is False

    def test_an_account_question_is_named_so(self, api, kb_articles, build_index):
        build_index()
        data = api.get("/api/v1/search", {"q": "invoice for the encoder", "lang": "en"}).json()
        assert data["account_question"] is True and data["weak"] is True
        # The fixes that share its words are still listed.
        assert data["results"][0]["slug"] == "push-connection-refused"

    def test_a_question_about_using_a_feature_is_named_so(self, api, kb_articles, build_index):
        build_index()
        data = api.get("/api/v1/search", {"q": "do you support DRM for the encoder",
                                          "lang": "en"}).json()
        assert data["feature_question"] is True and data["weak"] is True
        assert data["account_question"] is False

    def test_limit_and_chinese_reader(self, api, kb_articles, build_index):
        build_index()
        data = api.get("/api/v1/search", {"q": "Failed to connect to server",
                                          "lang": "zh-hans", "limit": 1}).json()
        assert len(data["results"]) == 1
        assert data["results"][0]["lang"] == "zh-hans"

    @pytest.mark.parametrize("params, field", [
        ({"q": "x", "limit": 0}, "limit"), ({"q": "x", "limit": 500}, "limit"),
        ({"q": "x", "lang": "fr"}, "lang"), ({}, "q"), ({"q": "x", "area": "moon"}, "area"),
    ])
    def test_invalid_parameters_are_400_with_field_errors(self, api, db, params, field):
        response = api.get("/api/v1/search", params)
        assert response.status_code == 400
        assert field in response.json()

    def test_huge_query_is_answered_and_marked_truncated(self, api, kb_articles, build_index):
        build_index()
        response = api.get("/api/v1/search", {"q": "Already publishing " * 1000})
        assert response.status_code == 200
        assert response.json()["truncated"] is True

    def test_query_over_the_hard_cap_is_refused(self, api, db):
        response = api.get("/api/v1/search", {"q": "x" * 20_001})
        assert response.status_code == 400

    def test_search_is_in_the_openapi_schema(self, api, db):
        paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
        assert "/api/v1/search" in paths


@pytest.mark.parametrize("text", ["conection refused", "防盗链", "", "nothing matches qqqq"])
def test_payload_is_what_the_documented_serializer_gives(kb_articles, build_index, text):
    from kb.search.apis import SearchApi, search_payload
    from kb.search.services import search_articles

    build_index()
    results = search_articles(text=text, language="zh-hans", record=False)
    direct = search_payload(results)
    documented = SearchApi.OutputSerializer(results).data
    assert direct == documented
    assert list(direct) == list(documented)
    assert [list(r) for r in direct["results"]] == [list(r) for r in documented["results"]]


def _served(path: str, query: str):
    """Call the site as a WSGI server does: the response first, close() after sending."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    # As the test client does: keep the test's database connection open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, lambda status, headers: None)
        body = b"".join(response)
        logged_before_close = SearchQuery.objects.count()
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return body, logged_before_close


def test_an_api_search_is_logged_after_its_answer_is_sent(kb_articles, build_index):
    build_index()
    body, logged_before_close = _served("/api/v1/search", "q=connection+refused&lang=en")
    assert b"push-connection-refused" in body
    assert logged_before_close == 0
    logged = SearchQuery.objects.get()
    assert (logged.query, logged.source, logged.result_count) == (
        "connection refused", "api", json.loads(body)["total"])


def test_a_blank_api_search_is_not_logged(api, db):
    assert api.get("/api/v1/search", {"q": "   "}).status_code == 200
    assert not SearchQuery.objects.exists()
