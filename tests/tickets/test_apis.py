import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


class TestTeamsApi:
    def test_lists_default_teams_in_the_documented_shape(self, api, organisation):
        teams = {t["code"]: t for t in api.get("/api/v1/teams/").json()}
        assert set(teams) == {"na", "eu", "sea", "cn"}
        eu = teams["eu"]
        assert eu["name"] == "Europe"
        assert eu["timezone"] == "Europe/Berlin"
        assert eu["working_days"] == [0, 1, 2, 3, 4]
        assert eu["hours"] == {"start": "09:00", "end": "18:00"}
        assert "2026-12-25" in eu["holidays"]
        assert "2026-02-14" in teams["cn"]["extra_working_days"]  # a make-up Saturday

    def test_teams_are_public(self, api, organisation):
        assert api.get("/api/v1/teams/").status_code == 200


class TestSlaPreviewApi:
    def test_design_example_p3_europe_across_the_dst_weekend(self, api, organisation):
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P3", "region": "eu", "at": "2026-03-27T16:30:00Z"}).json()
        assert data["team"] == "eu"
        assert data["on_duty"] is True
        assert data["at"] == "2026-03-27T16:30:00Z"
        assert data["targets"]["acknowledge"] == {
            "minutes": 240, "business": True, "due": "2026-03-30T10:30:00Z"}
        assert data["targets"]["locate"]["minutes"] == 1080
        assert data["targets"]["resolve"]["minutes"] == 2700

    def test_p1_counts_wall_clock_minutes(self, api, organisation):
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P1", "region": "cn", "at": "2026-10-03T02:00:00+08:00"}
                       ).json()
        assert data["targets"]["acknowledge"] == {
            "minutes": 5, "business": False, "due": "2026-10-02T18:05:00Z"}
        assert data["targets"]["resolve"]["due"] == "2026-10-02T22:00:00Z"

    def test_off_duty_region_follows_the_sun(self, api, organisation):
        # 02:00 UTC on a Tuesday: Europe is asleep, China and Singapore work.
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P2", "region": "eu", "at": "2026-01-13T02:00:00Z"}).json()
        assert data["team"] in {"cn", "sea"}
        assert data["on_duty"] is True

    def test_latam_is_served_by_north_america(self, api, organisation):
        data = api.get("/api/v1/sla/preview",
                       {"priority": "P4", "region": "latam", "at": "2026-01-13T18:00:00Z"}
                       ).json()
        assert data["team"] == "na"

    @pytest.mark.parametrize("params, field", [
        ({"region": "eu"}, "priority"), ({"priority": "P9", "region": "eu"}, "priority"),
        ({"priority": "P1", "region": "moon"}, "region"),
        ({"priority": "P1", "region": "eu", "at": "yesterday"}, "at"),
    ])
    def test_invalid_parameters_are_400_with_field_errors(self, api, organisation, params,
                                                          field):
        response = api.get("/api/v1/sla/preview", params)
        assert response.status_code == 400
        assert field in response.json()

    def test_time_without_offset_is_read_as_utc(self, api, organisation):
        naive = api.get("/api/v1/sla/preview",
                        {"priority": "P3", "region": "eu", "at": "2026-03-27T16:30:00"}).json()
        assert naive["at"] == "2026-03-27T16:30:00Z"
        assert naive["targets"]["acknowledge"]["due"] == "2026-03-30T10:30:00Z"

    def test_without_configured_teams_it_says_so(self, api, db):
        response = api.get("/api/v1/sla/preview", {"priority": "P1", "region": "eu"})
        assert response.status_code == 404
        assert "No SLA policy or team" in response.json()["detail"]

    def test_endpoints_are_in_the_schema(self, api, db):
        paths = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
        assert "/api/v1/teams/" in paths and "/api/v1/sla/preview" in paths
