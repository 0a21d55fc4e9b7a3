"""The monitoring API as DESIGN.md states it (kb/monitoring/apis.py)."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kb.monitoring.models import Incident, IncidentUpdate, Line, Sample
from tests.clock import EU_WORKING_HOURS
from tests.monitoring.conftest import make_line

pytestmark = pytest.mark.django_db

NOW = EU_WORKING_HOURS  # Wednesday 25 March 2026, 11:00 UTC


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def alice(acme):
    return client_for(acme[1])


@pytest.fixture
def staff(django_user_model):
    return client_for(django_user_model.objects.create_user("ops", is_staff=True))


def a_sample(of, **overrides) -> dict:
    payload = {"line": of.pk, "at": "2026-03-25T10:41:00Z", "source": "encoder-1",
               "sent": 20, "received": 19, "rtt_min_ms": 71.2, "rtt_avg_ms": 74.9,
               "rtt_max_ms": 90.3, "jitter_ms": 3.1}
    payload.update(overrides)
    return payload


class TestLines:
    def test_a_customer_lists_its_organizations_lines_with_their_state(self, alice, acme,
                                                                       globex):
        line = make_line(acme[0])
        make_line(globex[0], name="Globex line")
        incident = Incident.objects.create(line=line, severity="degraded", title="x",
                                           opened_at=NOW)
        Line.objects.filter(pk=line.pk).update(state="degraded", state_since=NOW)
        response = alice.get("/api/v1/monitoring/lines/")
        assert response.status_code == 200
        assert response.json() == [{
            "id": line.pk, "name": "Shanghai studio -> Singapore ingest", "from_region": "cn",
            "to_region": "sea", "kind": "dedicated", "state": "degraded",
            "since": "2026-03-25T11:00:00Z", "open_incident": incident.pk}]

    def test_staff_see_every_line_and_anonymous_callers_none(self, staff, acme, globex):
        make_line(acme[0])
        make_line(globex[0], name="Globex line")
        assert len(staff.get("/api/v1/monitoring/lines/").json()) == 2
        assert APIClient().get("/api/v1/monitoring/lines/").status_code == 401

    def test_a_customer_adds_a_line_to_its_organization(self, alice, acme):
        response = alice.post("/api/v1/monitoring/lines/", {
            "name": "Shanghai studio -> Singapore ingest", "from_region": "cn",
            "to_region": "sea", "kind": "dedicated", "host": "push.sea.example.com",
            "port": 1935, "protocol": "rtmp"}, format="json")
        assert response.status_code == 201, response.json()
        line = Line.objects.get()
        assert line.organization == acme[0] and line.host == "push.sea.example.com"
        assert response.json() == {
            "id": line.pk, "name": "Shanghai studio -> Singapore ingest", "from_region": "cn",
            "to_region": "sea", "kind": "dedicated", "state": "no_data",
            "since": "2026-03-25T11:00:00Z", "open_incident": None}
        # The design's defaults, for staff to tune.
        assert (line.down_minutes, line.degraded_minutes, line.degraded_window,
                line.loss_pct_threshold, line.jitter_ms_threshold, line.rtt_factor_threshold,
                line.recovery_minutes, line.no_data_minutes) == (3, 3, 5, 2.0, 30.0, 1.5, 10, 5)

    @pytest.mark.parametrize("field, value", [
        ("host", "rtmp://push.example.com/live"), ("port", 0), ("port", "1935"),
        ("protocol", "hls"), ("kind", "satellite"), ("from_region", "moon"),
    ])
    def test_a_line_with_a_wrong_field_is_refused_with_the_field(self, alice, field, value):
        payload = {"name": "x", "from_region": "cn", "to_region": "sea", "kind": "internet",
                   "host": "push.example.com", "port": 1935, "protocol": "rtmp", field: value}
        response = alice.post("/api/v1/monitoring/lines/", payload, format="json")
        assert response.status_code == 400 and field in response.json()
        assert not Line.objects.exists()

    def test_staff_name_the_organization_and_customers_cannot_name_another(self, staff, alice,
                                                                          globex):
        payload = {"name": "x", "from_region": "cn", "to_region": "sea", "kind": "internet",
                   "host": "203.0.113.10", "port": 1935, "protocol": "srt"}
        assert staff.post("/api/v1/monitoring/lines/", payload,
                          format="json").status_code == 400
        response = staff.post("/api/v1/monitoring/lines/",
                              {**payload, "organization": globex[0].pk}, format="json")
        assert response.status_code == 201
        response = alice.post("/api/v1/monitoring/lines/",
                              {**payload, "organization": globex[0].pk}, format="json")
        assert response.status_code == 400 and "organization" in response.json()

    def test_an_account_without_organization_is_told_why(self, django_user_model):
        loner = client_for(django_user_model.objects.create_user("loner"))
        response = loner.post("/api/v1/monitoring/lines/", {
            "name": "x", "from_region": "cn", "to_region": "sea", "kind": "internet",
            "host": "push.example.com", "port": 1935, "protocol": "rtmp"}, format="json")
        assert response.status_code == 403 and "organization" in response.json()["detail"]


class TestSamples:
    def test_samples_are_accepted_and_the_same_minute_again_is_a_duplicate(self, alice, line):
        response = alice.post("/api/v1/monitoring/samples", {"samples": [
            a_sample(line), a_sample(line, at="2026-03-25T10:42:30Z")]}, format="json")
        assert response.status_code == 202
        assert response.json() == {"accepted": 2, "duplicates": 0}
        response = alice.post("/api/v1/monitoring/samples", {"samples": [
            a_sample(line, at="2026-03-25T10:42:00Z"),
            a_sample(line, at="2026-03-25T10:43:00Z", received=0, rtt_min_ms=None,
                     rtt_avg_ms=None, rtt_max_ms=None, jitter_ms=None)]}, format="json")
        assert response.json() == {"accepted": 1, "duplicates": 1}
        stored = Sample.objects.get(at=dt.datetime(2026, 3, 25, 10, 41, tzinfo=dt.UTC))
        assert (stored.sent, stored.received, stored.rtt_min_ms, stored.rtt_avg_ms,
                stored.rtt_max_ms, stored.jitter_ms) == (20, 19, 71.2, 74.9, 90.3, 3.1)

    @pytest.mark.parametrize("overrides, field", [
        ({"sent": -1}, "sent"),
        ({"received": -3}, "received"),
        ({"received": 21}, "received"),
        ({"at": "2026-03-25T11:30:00Z"}, "at"),  # the far future
        ({"at": "2026-03-18T10:59:00Z"}, "at"),  # more than 7 days back
        ({"at": "yesterday"}, "at"),
        ({"line": 999_999}, "line"),
        ({"received": 0}, "rtt_avg_ms"),  # nothing came back, yet RTTs
        ({"rtt_min_ms": 95.0}, "rtt_avg_ms"),
        ({"sent": "20"}, "sent"),
        ({"source": "site"}, "source"),
        ({"source": ""}, "source"),
        ({"jitter_ms": float("1e300")}, "jitter_ms"),
    ])
    def test_one_invalid_sample_refuses_the_whole_request(self, alice, line, overrides, field):
        response = alice.post("/api/v1/monitoring/samples", {"samples": [
            a_sample(line, at="2026-03-25T10:40:00Z"), a_sample(line, **overrides)]},
            format="json")
        assert response.status_code == 400
        errors = response.json()["samples"]
        assert list(errors) == ["1"] and field in errors["1"]
        assert not Sample.objects.exists()

    def test_another_organizations_line_is_refused_like_an_unknown_one(self, alice, line,
                                                                       globex):
        foreign = make_line(globex[0], name="Globex line")
        response = alice.post("/api/v1/monitoring/samples", {"samples": [
            a_sample(line), a_sample(foreign)]}, format="json")
        assert response.status_code == 400
        assert response.json()["samples"] == {"1": {"line": ["No such line of yours."]}}
        assert not Sample.objects.exists()

    def test_staff_send_samples_for_any_line(self, staff, line):
        response = staff.post("/api/v1/monitoring/samples", {"samples": [a_sample(line)]},
                              format="json")
        assert response.status_code == 202

    def test_at_most_1000_samples_at_a_time(self, alice, line):
        base = NOW - dt.timedelta(days=1)
        samples = [a_sample(line, at=(base + dt.timedelta(minutes=n)).isoformat())
                   for n in range(1001)]
        response = alice.post("/api/v1/monitoring/samples", {"samples": samples},
                              format="json")
        assert response.status_code == 400 and "samples" in response.json()
        response = alice.post("/api/v1/monitoring/samples", {"samples": samples[:1000]},
                              format="json")
        assert response.json() == {"accepted": 1000, "duplicates": 0}

    def test_an_empty_batch_or_no_token_is_refused(self, alice, line):
        assert alice.post("/api/v1/monitoring/samples", {"samples": []},
                          format="json").status_code == 400
        assert APIClient().post("/api/v1/monitoring/samples", {"samples": [a_sample(line)]},
                                format="json").status_code == 401

    def test_each_token_is_rate_limited_with_429(self, alice, acme, line, settings,
                                                 django_user_model):
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            **rates, "monitoring_samples": "2/minute"}}
        for _ in range(2):
            assert alice.post("/api/v1/monitoring/samples", {"samples": [a_sample(line)]},
                              format="json").status_code == 202
        response = alice.post("/api/v1/monitoring/samples", {"samples": [a_sample(line)]},
                              format="json")
        assert response.status_code == 429 and response.json()["retry_after_seconds"] > 0
        colleague = django_user_model.objects.create_user("carol")
        acme[0].members.add(colleague)
        assert client_for(colleague).post("/api/v1/monitoring/samples", {
            "samples": [a_sample(line)]}, format="json").status_code == 202


class TestIncidents:
    def test_a_lines_incidents_newest_first_with_ticket_and_priority(self, alice, line):
        old = Incident.objects.create(
            line=line, severity="degraded", state="resolved", title="x",
            opened_at=NOW - dt.timedelta(days=2),
            resolved_at=NOW - dt.timedelta(days=2) + dt.timedelta(minutes=40))
        new = Incident.objects.create(line=line, severity="down", title="y", opened_at=NOW,
                                      down_at=NOW)
        response = alice.get(f"/api/v1/monitoring/lines/{line.pk}/incidents/")
        assert response.json() == [
            {"id": new.pk, "state": "open", "severity": "down",
             "opened_at": "2026-03-25T11:00:00Z", "resolved_at": None, "ticket": None,
             "priority": "P1"},
            {"id": old.pk, "state": "resolved", "severity": "degraded",
             "opened_at": "2026-03-23T11:00:00Z", "resolved_at": "2026-03-23T11:40:00Z",
             "ticket": None, "priority": "P2"}]

    def test_another_organizations_line_is_not_found(self, alice, globex):
        foreign = make_line(globex[0], name="Globex line")
        assert alice.get(f"/api/v1/monitoring/lines/{foreign.pk}/incidents/"
                         ).status_code == 404


class TestStatus:
    def test_the_public_status_shows_public_lines_and_their_incidents_only(self, acme, line,
                                                                           time_machine):
        time_machine.move_to(NOW - dt.timedelta(days=3), tick=False)
        ingest = make_line(acme[0], name="Singapore ingest", from_region="sea",
                           to_region="sea", kind="internet", public=True)
        route = make_line(acme[0], name="China - Southeast Asia route", kind="dedicated",
                          public=True)
        time_machine.move_to(NOW, tick=False)
        Line.objects.filter(pk=route.pk).update(state="degraded")
        incident = Incident.objects.create(line=route, severity="degraded", title="Route slow",
                                           public=True, opened_at=NOW - dt.timedelta(hours=2))
        IncidentUpdate.objects.create(incident=incident, status="investigating",
                                      body="We are **on it**.", body_html="<p>We are "
                                      "<strong>on it</strong>.</p>", created_at=NOW)
        Incident.objects.create(line=line, severity="down", title="Private", opened_at=NOW)
        response = APIClient().get("/api/v1/status/")
        assert response.status_code == 200
        body = response.json()
        assert body["state"] == "degraded"
        assert [r["region"] for r in body["regions"]] == ["sea"]
        assert [r["id"] for r in body["routes"]] == [route.pk]
        assert ingest.pk not in [r["id"] for r in body["routes"]]
        assert len(body["routes"][0]["days"]) == 90
        assert body["routes"][0]["days"][-1] == {"date": "2026-03-25", "uptime_pct": 100.0,
                                                  "state": "degraded"}
        assert [i["title"] for i in body["incidents"]] == ["Route slow"]
        assert body["incidents"][0]["updates"][0]["html"] == (
            "<p>We are <strong>on it</strong>.</p>")
        assert body["incidents"][0]["route"] == route.pk


class TestQuickValidation:
    """The quick path of sample validation accepts only what the serializer
    accepts, with the same values (kb.monitoring.apis._sample_quickly)."""

    @staticmethod
    def _serializer_says(item):
        from kb.monitoring.apis import SampleIngestApi

        serializer = SampleIngestApi.InputSerializer.SampleSerializer(data=item)
        return serializer.validated_data if serializer.is_valid() else None

    def test_quick_answers_agree_with_the_serializer(self):
        from hypothesis import HealthCheck, example, given, settings
        from hypothesis import strategies as st

        from kb.monitoring.apis import _sample_quickly

        number = st.one_of(st.none(), st.integers(-5, 700_000), st.floats(-1, 700_000),
                           st.booleans(), st.text(max_size=3))
        items = st.fixed_dictionaries({
            "line": st.one_of(st.integers(-1, 10), st.booleans(), st.just("3")),
            "at": st.one_of(st.sampled_from([
                "2026-03-25T10:41:00Z", "2026-03-25T10:41:59.5+08:00", "2026-03-25T10:41",
                "2026-03-18T10:00:00Z", "2026-03-25T11:06:00Z", "2026-13-45T10:00:00Z",
                "tomorrow", ""]), st.integers()),
            "source": st.one_of(st.sampled_from(["encoder-1", "site", "", "a b", "é"]),
                                st.text(max_size=70)),
            "sent": st.one_of(st.integers(-1, 100_001), st.just(20.0)),
            "received": st.integers(-1, 25),
            "rtt_min_ms": number, "rtt_avg_ms": number, "rtt_max_ms": number,
            "jitter_ms": number,
        })

        accepted = []

        @settings(max_examples=400, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture])
        @given(items)
        @example(dict(a_sample(Line(pk=3)), rtt_min_ms=70, jitter_ms=0))
        def check(item):
            quick = _sample_quickly(item, NOW)
            if quick is not None:
                assert quick == dict(self._serializer_says(item))
                accepted.append(item)

        check()
        assert accepted, "no valid sample was generated: the test proves nothing"
