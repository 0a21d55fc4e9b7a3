"""What the API answers to nonsense, hostile or oversized input: a 4xx with a
message a client can act on, in JSON, never a 500."""

import datetime as dt
import json

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from kb.core.fields import UtcDateTimeField
from kb.core.pagination import MAX_LIMIT, MAX_OFFSET
from kb.core.parsers import MAX_JSON_DEPTH
from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775808"  # 2**63: one past SQLite's largest integer


@pytest.fixture
def api() -> APIClient:
    # A 500 must show up as a status to assert on, not as an exception.
    return APIClient(raise_request_exception=False)


@pytest.fixture
def organisation(db):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()


@pytest.fixture
def member(django_user_model, organisation):
    org = Organization.objects.create(name="Acme Live")
    user = django_user_model.objects.create_user("alice", password="pw-alice")
    org.members.add(user)
    return user


@pytest.fixture
def articles(db):
    return [make_article(slug=f"fix-{n}") for n in range(3)]


class TestPaging:
    @pytest.mark.parametrize("query, field", [
        ({"limit": HUGE}, "limit"), ({"offset": HUGE}, "offset"),
        ({"limit": str(MAX_LIMIT + 1)}, "limit"), ({"offset": str(MAX_OFFSET + 1)}, "offset"),
        ({"limit": "0"}, "limit"), ({"limit": "-1"}, "limit"), ({"offset": "-1"}, "offset"),
        ({"limit": "ten"}, "limit"), ({"offset": "1e3"}, "offset"),
        ({"limit": "5.0"}, "limit"), ({"offset": "0.0"}, "offset"), ({"limit": "²"}, "limit"),
    ])
    def test_a_page_outside_the_documented_range_is_refused_with_the_range(
            self, api, articles, query, field):
        response = api.get("/api/v1/articles/", query)
        assert response.status_code == 400
        assert list(response.json()) == [field]
        assert response.json()[field][0]

    def test_the_largest_page_is_served(self, api, articles):
        response = api.get("/api/v1/articles/", {"limit": MAX_LIMIT, "offset": 1})
        assert response.status_code == 200
        assert [row["slug"] for row in response.json()["results"]] == ["fix-1", "fix-2"]

    def test_a_page_past_the_end_is_empty(self, api, articles):
        response = api.get("/api/v1/articles/", {"offset": MAX_OFFSET})
        assert response.status_code == 200
        assert response.json()["results"] == [] and response.json()["count"] == 3

    @pytest.mark.parametrize("query", [{}, {"limit": "", "offset": ""}])
    def test_without_parameters_the_default_page_is_served(self, api, articles, query):
        data = api.get("/api/v1/articles/", query).json()
        assert data["count"] == 3 and len(data["results"]) == 3

    @pytest.mark.parametrize("query", [
        {"q": "obs", "limit": HUGE}, {"q": "obs", "offset": HUGE},
        {"q": "obs", "limit": "51"}, {"q": "obs", "offset": "1001"},
        {"q": "obs", "limit": "0"}, {"q": "obs", "offset": "-1"},
        {"q": "obs", "limit": "5.0"}, {"q": "obs", "offset": "0.0"},
    ])
    def test_search_refuses_a_page_outside_its_range(self, api, query):
        response = api.get("/api/v1/search", query)
        assert response.status_code == 400
        assert set(response.json()) <= {"limit", "offset"}

    @pytest.mark.parametrize("path", [
        "/api/v1/problems/", "/api/v1/articles/", "/api/v1/teams/", "/api/v1/tickets/",
        "/api/v1/tickets/queue/", "/api/v1/sla/response-times",
    ])
    def test_no_list_answers_a_huge_page_with_a_500(self, api, articles, member, path):
        api.force_authenticate(member)
        response = api.get(path, {"limit": HUGE, "offset": HUGE})
        assert response.status_code < 500
        assert response["Content-Type"] == "application/json"


class TestTimes:
    @pytest.mark.parametrize("at", [
        "9999-12-31T20:00:00Z", "0001-01-01T00:00:00Z", "1999-12-31T23:59:59Z",
        "2101-01-01T00:00:00Z", "2100-12-31T23:00:00-02:00",
    ])
    def test_an_sla_preview_outside_2000_to_2100_is_refused_with_the_range(
            self, api, organisation, at):
        response = api.get("/api/v1/sla/preview", {"priority": "P3", "region": "eu", "at": at})
        assert response.status_code == 400
        message = response.json()["at"][0]
        assert "2000-01-01" in message and "2100-12-31" in message

    @pytest.mark.parametrize("at, written", [
        ("2000-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
        ("2100-12-31T23:59:59+00:00", "2100-12-31T23:59:59Z"),
        ("2026-03-27T17:30:00+01:00", "2026-03-27T16:30:00Z"),
    ])
    def test_the_edges_of_the_range_are_previewed(self, api, organisation, at, written):
        response = api.get("/api/v1/sla/preview", {"priority": "P2", "region": "eu", "at": at})
        assert response.status_code == 200
        data = response.json()
        assert data["at"] == written
        assert all(t["due"].endswith("Z") for t in data["targets"].values())

    @pytest.mark.parametrize("value, written", [
        (dt.datetime(13, 12, 21, 8, 5, tzinfo=dt.UTC), "0013-12-21T08:05:00Z"),
        (dt.datetime(999, 1, 2, tzinfo=dt.UTC), "0999-01-02T00:00:00Z"),
        (dt.datetime(2026, 3, 27, 17, 30, 12, 999_999, tzinfo=dt.timezone(dt.timedelta(hours=1))),
         "2026-03-27T16:30:12Z"),
    ])
    def test_times_are_written_with_a_four_digit_year_and_z(self, value, written):
        assert UtcDateTimeField().to_representation(value) == written

    def test_article_times_are_utc_whatever_the_viewers_zone(self, api, articles):
        api.cookies["tz"] = "Asia/Shanghai"
        row = api.get("/api/v1/articles/").json()["results"][0]
        assert row["updated_at"].endswith("Z")
        detail = api.get(row["url"].replace("/kb/", "/api/v1/articles/")).json()
        assert detail["updated_at"] == row["updated_at"]


def nested_list(depth: int) -> str:
    return "[" * depth + "]" * depth


def nested_object(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


class TestNesting:
    @pytest.mark.parametrize("body", [nested_list(1000), nested_object(1000),
                                      nested_list(MAX_JSON_DEPTH + 1),
                                      nested_object(MAX_JSON_DEPTH + 1)],
                             ids=["list-1000", "object-1000", "list-33", "object-33"])
    @pytest.mark.parametrize("path", [
        "/api/v1/diagnose", "/api/v1/tickets/", "/api/v1/articles/en/fix-0/feedback/",
    ])
    def test_deeply_nested_json_is_refused_with_the_depth(self, api, member, articles,
                                                           path, body):
        api.force_authenticate(member)
        response = api.post(path, body, content_type="application/json")
        assert response.status_code == 400
        assert f"{MAX_JSON_DEPTH} levels" in response.json()["detail"]

    def test_json_at_the_limit_reaches_the_validation(self, api):
        # Depth 32 parses: the answer is about the fields, not the nesting.
        body = {"description": "x", "attachments": json.loads(nested_list(MAX_JSON_DEPTH - 1))}
        response = api.post("/api/v1/diagnose", body, format="json")
        assert response.status_code == 400
        assert "attachments" in response.json()

    def test_a_deep_string_is_not_nesting(self, api):
        text = "[[[{" * 500
        response = api.post("/api/v1/diagnose", {"description": text}, format="json")
        assert response.status_code == 200

    def test_every_api_reads_json_through_the_depth_limit(self):
        parsers = settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]
        assert parsers[0] == "kb.core.parsers.JSONParser"
        assert not any(p.endswith("rest_framework.parsers.JSONParser") for p in parsers)


class TestBodySize:
    def test_a_50_mb_body_is_refused_with_413_and_the_limit_in_json(self, api, member):
        api.force_authenticate(member)
        body = b'{"description": "' + b"x" * (50 * 1024 * 1024) + b'"}'
        for path in ("/api/v1/diagnose", "/api/v1/tickets/"):
            response = api.generic("POST", path, body, content_type="application/json")
            assert response.status_code == 413
            assert response["Content-Type"] == "application/json"
            data = response.json()
            assert data["limit_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            assert "12 MB" in data["detail"]

    def test_a_body_at_the_limit_is_read(self, api):
        body = json.dumps({"description": "x"}).encode()
        body += b" " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - len(body))
        response = api.generic("POST", "/api/v1/diagnose", body,
                               content_type="application/json")
        assert response.status_code == 200

    def test_pages_keep_their_html_error(self, client, member):
        client.force_login(member)
        response = client.generic("POST", "/support/tickets/new/", b"x" * (13 * 1024 * 1024),
                                  content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")

    def test_too_many_query_parameters_are_a_json_400(self, api, articles):
        query = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
        response = api.get(f"/api/v1/articles/?{query}")
        assert response.status_code == 400
        assert "fields" in response.json()["detail"]


class TestBodiesAreJson:
    @pytest.mark.parametrize("content_type, body", [
        ("application/x-www-form-urlencoded", "description=obs"),
        ("multipart/form-data; boundary=b",
         '--b\r\nContent-Disposition: form-data; name="description"\r\n\r\nobs\r\n--b--\r\n'),
        ("text/plain", "obs"),
    ])
    def test_another_body_is_refused_with_415(self, api, content_type, body):
        # Form fields cannot carry nested input such as attachments; DRF
        # used to drop them silently and answer as if none were sent.
        response = api.generic("POST", "/api/v1/diagnose", body, content_type=content_type)
        assert response.status_code == 415
        assert "Unsupported media type" in response.json()["detail"]

    def test_a_body_that_is_not_json_is_a_400(self, api):
        response = api.generic("POST", "/api/v1/diagnose", "{not json",
                               content_type="application/json")
        assert response.status_code == 400
        assert "JSON parse error" in response.json()["detail"]


class TestUnknownApiPaths:
    @pytest.mark.parametrize("path", ["/api/v1/tickets/-1/", "/api/v1/nothing-here",
                                      "/api/v1/articles/en/not a slug/"])
    def test_are_a_json_404(self, api, path):
        response = api.get(path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"detail": "No API operation has this path."}

    def test_a_post_without_the_trailing_slash_names_the_path(self, api):
        # Django cannot redirect a POST without losing its body (in DEBUG it
        # raises instead: a 500).
        response = api.post("/api/v1/tickets", {}, format="json")
        assert response.status_code == 404
        assert response.json()["detail"].endswith("Did you mean /api/v1/tickets/?")

    def test_a_get_without_the_trailing_slash_is_redirected(self, api, db):
        response = api.get("/api/v1/articles")
        assert response.status_code == 301
        assert response["Location"] == "/api/v1/articles/"

    def test_pages_keep_their_html_404(self, client, db):
        response = client.get("/support/nothing-here/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


class TestJsonTypes:
    """A field takes its own JSON type only: no 0 for false, no 5 for "5"."""

    @pytest.mark.parametrize("body, field, message", [
        ({"stream_down": 0}, "stream_down", "Must be true or false."),
        ({"stream_down": "yes"}, "stream_down", "Must be true or false."),
        ({"description": 5}, "description", "Must be a string."),
        ({"role": 1}, "role", "Must be a string."),
        ({"attachments": {"name": "x"}}, "attachments", "Must be a list."),
    ])
    def test_diagnose_refuses_another_type_by_field(self, api, body, field, message):
        response = api.post("/api/v1/diagnose", body, format="json")
        assert response.status_code == 400
        assert response.json() == {field: [message]}

    def test_nested_fields_are_checked_too(self, api):
        response = api.post("/api/v1/diagnose", {"attachments": [{"name": 7, "content": "x"}]},
                            format="json")
        assert response.status_code == 400
        assert response.json() == {"attachments": {"0": {"name": ["Must be a string."]}}}

    def test_null_is_left_to_the_field(self, api):
        assert api.post("/api/v1/diagnose", {"stream_down": None},
                        format="json").status_code == 200
        response = api.post("/api/v1/diagnose", {"description": None}, format="json")
        assert response.json() == {"description": ["This field may not be null."]}

    def test_a_null_list_is_refused_as_null(self, api, member):
        api.force_authenticate(member)
        response = api.post("/api/v1/monitoring/samples", {"samples": None}, format="json")
        assert response.status_code == 400
        assert response.json() == {"samples": ["This field may not be null."]}

    def test_feedback_takes_a_real_boolean(self, api, articles):
        url = "/api/v1/articles/en/fix-0/feedback/"
        assert api.post(url, {"helpful": "true"}, format="json").json() == {
            "helpful": ["Must be true or false."]}
        assert api.post(url, {"helpful": True}, format="json").status_code == 201

    @pytest.mark.parametrize("body, field, message", [
        ({"subject": 12}, "subject", "Must be a string."),
        ({"priority": 3}, "priority", "Must be a string."),
    ])
    def test_filing_a_ticket_refuses_another_type(self, api, member, body, field, message):
        api.force_authenticate(member)
        ticket = {"subject": "Push refused", "description": "OBS", "priority": "P3",
                  "region": "eu"}
        response = api.post("/api/v1/tickets/", {**ticket, **body}, format="json")
        assert response.status_code == 400
        assert response.json() == {field: [message]}

    def test_list_items_are_checked(self, api, member, django_user_model, groups):
        from kb.tickets.models import Ticket
        from kb.tickets.services import ticket_create

        ticket = ticket_create(requester=member, organization=member.organizations.get(),
                               subject="Push refused", description="OBS", priority="P3",
                               region="eu")
        engineer = django_user_model.objects.create_user("engineer", is_staff=True)
        engineer.groups.add(groups["Support engineers"])
        api.force_authenticate(engineer)
        url = f"/api/v1/tickets/{ticket.pk}/"
        response = api.post(url + "locate/", {"problems": [1]}, format="json")
        assert response.json() == {"problems": ["Item 1: Must be a string."]}
        response = api.post(url + "comment/", {"text": "On it", "public": "false"},
                            format="json")
        assert response.json() == {"public": ["Must be true or false."]}
        assert Ticket.objects.get().events.count() == 1
