import datetime as dt

import pytest
import time_machine
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from kb.tickets.calendars import add_business_minutes, add_wall_minutes
from kb.tickets.durations import format_minutes, format_share
from kb.tickets.models import Organization, SlaPolicy, Team, Ticket
from kb.tickets.response_times import (
    nearest_rank,
    response_times_for,
    response_times_measure,
)
from kb.tickets.services import sla_policies_ensure, teams_load_fixture

# Wednesday 15 April 2026, 14:00 in Berlin: the 30-day window starts on
# 16 March, the 90-day one on 15 January.
NOW = dt.datetime(2026, 4, 15, 12, 0, tzinfo=dt.UTC)
URL = "/support/response-times/"
API = "/api/v1/sla/response-times"


@pytest.fixture
def organisation(db):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    return Organization.objects.create(name="Acme Live")


@pytest.fixture
def make_ticket(organisation, django_user_model):
    """Files a ticket with given stamps and the due times a real filing gets."""
    requester = django_user_model.objects.create_user("alice")
    organisation.members.add(requester)
    policies = {p.priority: p for p in SlaPolicy.objects.all()}
    teams = {team.code: team for team in Team.objects.all()}

    def make(*, priority="P3", region="eu", team=None, created, acknowledged=None,
             located=None, resolved=None, paused=None) -> Ticket:
        policy = policies[priority]
        team_obj = teams[team or {"latam": "na", "mea": "eu"}.get(region, region)]

        def due(minutes: int) -> dt.datetime:
            if policy.business_hours:
                return add_business_minutes(team_obj.calendar, created, minutes)
            return add_wall_minutes(created, minutes)

        return Ticket.objects.create(
            organization=organisation, requester=requester, subject="s", description="d",
            priority=priority, region=region, team=team_obj, created_at=created,
            acknowledge_due=due(policy.acknowledge_minutes),
            locate_due=due(policy.locate_minutes), resolve_due=due(policy.resolve_minutes),
            acknowledged_at=acknowledged, located_at=located, resolved_at=resolved,
            paused_at=paused, status=Ticket.Status.WAITING if paused else Ticket.Status.NEW,
        )

    return make


def measure(window: int = 30):
    return response_times_measure(window_days=window, now=NOW)


def stage(figures, priority: str, name: str, region: str | None = None):
    section = next(p for p in figures.priorities if p.priority == priority)
    group = section.overall if region is None else section.regions[region]
    return group.stages[name]


class TestNearestRank:
    def test_median_and_p90_of_ten_values(self):
        values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 30]
        assert nearest_rank(values, 50) == 5
        assert nearest_rank(values, 90) == 9

    def test_median_of_an_even_count_is_the_lower_middle_value(self):
        assert nearest_rank([10, 20, 30, 40], 50) == 20

    def test_single_value_and_no_values(self):
        assert nearest_rank([7], 90) == 7
        assert nearest_rank([], 50) is None

    @given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=200),
           st.integers(min_value=1, max_value=100))
    def test_result_is_the_smallest_value_with_p_percent_at_or_below_it(self, values, p):
        values = sorted(values)
        result = nearest_rank(values, p)
        assert result in values
        assert 100 * sum(v <= result for v in values) >= p * len(values)
        assert 100 * sum(v < result for v in values) < p * len(values)


class TestMeasuredTimes:
    def test_median_p90_and_share_within_target_of_a_known_set(self, make_ticket):
        # P1 acknowledges after these minutes; the target is 5 wall minutes.
        for minutes in (30, 3, 9, 1, 5, 7, 2, 8, 4, 6):
            created = NOW - dt.timedelta(days=3, minutes=minutes)
            make_ticket(priority="P1", created=created,
                        acknowledged=created + dt.timedelta(minutes=minutes))
        ack = stage(measure(), "P1", "acknowledge")
        assert (ack.tickets, ack.reached, ack.open) == (10, 10, 0)
        assert (ack.median_minutes, ack.p90_minutes) == (5, 9)
        # 1..5 were in time (5 exactly at the due time counts); 6, 7, 8, 9, 30 late.
        assert (ack.met, ack.missed, ack.share_met) == (5, 5, 0.5)
        assert ack.target_minutes == 5 and not ack.business

    def test_business_hours_skip_the_easter_weekend(self, make_ticket):
        # Thursday 2 April 17:00 in Berlin; Good Friday, the weekend and
        # Easter Monday are not working days; acknowledged Tuesday 10:00.
        created = dt.datetime(2026, 4, 2, 15, 0, tzinfo=dt.UTC)
        make_ticket(priority="P3", region="eu", created=created,
                    acknowledged=dt.datetime(2026, 4, 7, 8, 0, tzinfo=dt.UTC))
        ack = stage(measure(), "P3", "acknowledge")
        assert ack.median_minutes == 120  # 17:00-18:00 Thursday + 09:00-10:00 Tuesday
        assert ack.business and ack.target_minutes == 240
        assert ack.met == 1 and ack.share_met == 1.0

    def test_same_hours_in_china_count_the_chinese_calendar(self, make_ticket):
        # Friday 3 April is a working day in Shanghai (Qingming is 4-6 April).
        created = dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC)  # Thursday 17:00 local
        make_ticket(priority="P3", region="cn", created=created,
                    acknowledged=dt.datetime(2026, 4, 7, 2, 0, tzinfo=dt.UTC))
        ack = stage(measure(), "P3", "acknowledge", region="cn")
        # Thursday 17:00-18:00, all of Friday, nothing on Saturday to Monday
        # (Qingming), Tuesday 09:00-10:00 in Shanghai.
        assert ack.median_minutes == 60 + 540 + 60

    def test_p1_counts_wall_minutes_outside_working_hours(self, make_ticket):
        created = dt.datetime(2026, 4, 11, 2, 0, tzinfo=dt.UTC)  # Saturday night
        make_ticket(priority="P1", region="eu", created=created,
                    acknowledged=created + dt.timedelta(minutes=4, seconds=50),
                    located=created + dt.timedelta(minutes=25),
                    resolved=created + dt.timedelta(hours=5))
        figures = measure()
        assert stage(figures, "P1", "acknowledge").median_minutes == 4  # partial minute dropped
        assert stage(figures, "P1", "locate").median_minutes == 25
        resolve = stage(figures, "P1", "resolve")
        assert resolve.median_minutes == 300 and resolve.missed == 1 and resolve.met == 0

    def test_overdue_open_tickets_count_as_missed(self, make_ticket):
        # P2, Tuesday 10:00 in Berlin: due 10:30, still not acknowledged.
        make_ticket(priority="P2", created=dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC))
        # Filed five minutes ago: open but not yet due, so not judged yet.
        make_ticket(priority="P2", created=NOW - dt.timedelta(minutes=5))
        # Answered in time.
        created = dt.datetime(2026, 4, 13, 8, 0, tzinfo=dt.UTC)
        make_ticket(priority="P2", created=created,
                    acknowledged=created + dt.timedelta(minutes=10))
        ack = stage(measure(), "P2", "acknowledge")
        assert (ack.tickets, ack.reached, ack.open, ack.open_overdue) == (3, 1, 2, 1)
        assert (ack.met, ack.missed) == (1, 1)
        assert ack.share_met == 0.5
        assert ack.median_minutes == 10  # only reached stages are in the percentiles

    def test_a_ticket_waiting_on_the_customer_is_not_overdue_while_paused(self, make_ticket):
        created = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
        make_ticket(priority="P2", created=created,
                    acknowledged=created + dt.timedelta(minutes=5),
                    paused=created + dt.timedelta(minutes=20))
        locate = stage(measure(), "P2", "locate")
        assert (locate.open, locate.open_overdue, locate.missed) == (1, 0, 0)
        assert locate.share_met is None

    def test_resolved_without_a_locate_step_counts_as_located_then(self, make_ticket):
        created = dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC)
        make_ticket(priority="P2", created=created,
                    acknowledged=created + dt.timedelta(minutes=5),
                    resolved=created + dt.timedelta(hours=2))
        locate = stage(measure(), "P2", "locate")
        assert (locate.reached, locate.open, locate.median_minutes) == (1, 0, 120)

    def test_regions_are_measured_apart_and_latam_goes_to_north_america(self, make_ticket):
        created = NOW - dt.timedelta(days=2)
        make_ticket(priority="P1", region="eu", created=created,
                    acknowledged=created + dt.timedelta(minutes=2))
        make_ticket(priority="P1", region="latam", created=created,
                    acknowledged=created + dt.timedelta(minutes=12))
        figures = measure()
        assert stage(figures, "P1", "acknowledge", "eu").median_minutes == 2
        assert stage(figures, "P1", "acknowledge", "latam").median_minutes == 12
        assert stage(figures, "P1", "acknowledge", "latam").share_met == 0.0
        assert stage(figures, "P1", "acknowledge", "cn").tickets == 0
        assert stage(figures, "P1", "acknowledge").tickets == 2

    def test_the_90_day_window_includes_older_tickets_than_the_30_day_one(self, make_ticket):
        for days in (5, 45, 100):
            created = NOW - dt.timedelta(days=days)
            make_ticket(priority="P1", created=created,
                        acknowledged=created + dt.timedelta(minutes=days // 5))
        thirty, ninety = measure(30), measure(90)
        assert (thirty.tickets, ninety.tickets) == (1, 2)
        assert stage(thirty, "P1", "acknowledge").median_minutes == 1
        assert stage(ninety, "P1", "acknowledge").p90_minutes == 9
        assert ninety.since == NOW - dt.timedelta(days=90)

    def test_no_tickets_gives_empty_figures_not_zeros(self, organisation):
        figures = measure()
        assert figures.tickets == 0
        ack = stage(figures, "P3", "acknowledge")
        assert ack.median_minutes is None and ack.p90_minutes is None
        assert ack.share_met is None and ack.tickets == 0

    def test_an_unknown_window_is_refused(self, organisation):
        with pytest.raises(ValueError):
            response_times_measure(window_days=7, now=NOW)

    def test_measuring_takes_the_same_three_queries_for_any_number_of_tickets(
            self, make_ticket, django_assert_num_queries):
        for hours in range(1, 40):
            created = NOW - dt.timedelta(hours=hours * 7)
            make_ticket(priority=f"P{hours % 4 + 1}", region=("eu", "cn", "na")[hours % 3],
                        created=created, acknowledged=created + dt.timedelta(minutes=hours))
        with django_assert_num_queries(3):
            figures = measure()
        assert figures.tickets == 39

    def test_figures_are_cached_per_window(self, make_ticket, django_assert_num_queries):
        with time_machine.travel(NOW, tick=False):
            first = response_times_for(window_days=30)
            make_ticket(priority="P1", created=NOW - dt.timedelta(days=1))
            with django_assert_num_queries(0):
                again = response_times_for(window_days=30)
            ninety = response_times_for(window_days=90)
        assert first.tickets == again.tickets == 0
        assert ninety.tickets == 1


class TestDurationsAsPeopleSayThem:
    @pytest.mark.parametrize("minutes, business, text", [
        (5, False, "5 min"),
        (240, False, "4 hours"),
        (90, False, "1 h 30 min"),
        (2880, False, "2 days"),
        (30, True, "30 business minutes"),
        (240, True, "4 business hours"),
        (75, True, "1 h 15 min in business hours"),
        (540, True, "1 business day"),
        (1080, True, "2 business days"),
        (700, True, "1.3 business days"),
        (None, True, "—"),
    ])
    def test_english(self, minutes, business, text):
        assert format_minutes(minutes, business=business) == text

    def test_share_is_rounded_down_so_100_percent_means_all(self):
        assert format_share(0.999) == "99%"
        assert format_share(0.29) == "29%"
        assert format_share(1.0) == "100%"
        assert format_share(None) == "—"


@pytest.fixture
def known_set(make_ticket):
    for minutes in (1, 2, 3, 4, 5, 6, 7, 8, 9, 30):
        created = NOW - dt.timedelta(days=3, minutes=minutes)
        make_ticket(priority="P1", region="eu" if minutes % 2 else "sea", created=created,
                    acknowledged=created + dt.timedelta(minutes=minutes))
    make_ticket(priority="P2", created=dt.datetime(2026, 4, 14, 8, 0, tzinfo=dt.UTC))


def get(client, url, **kwargs):
    with time_machine.travel(NOW, tick=False):
        return client.get(url, **kwargs)


class TestResponseTimesPage:
    def test_page_shows_targets_medians_shares_and_charts(self, client, known_set):
        response = get(client, URL)
        html = response.content.decode()
        assert response.status_code == 200
        p1 = next(s for s in response.context["sections"] if s["priority"] == "P1")
        ack = p1["stages"][0]
        assert (ack["target"], ack["median"], ack["p90"], ack["share"]) == (
            "5 min", "5 min", "9 min", "50%")
        assert "4 hours" in html  # P1 resolve target
        p3 = next(s for s in response.context["sections"] if s["priority"] == "P3")
        assert [row["target"] for row in p3["stages"]] == [
            "4 business hours", "2 business days", "5 business days"]
        assert '<svg xmlns="http://www.w3.org/2000/svg" id="timing-p1"' in html
        assert '<title id="timing-p1-title">' in html and "<desc" in html
        assert 'id="share-p1"' in html
        assert "1 open" in html and "(1 open overdue)" in html
        assert "How we measure" in html and "nearest-rank" in html

    def test_page_in_chinese(self, client, known_set):
        html = get(client, URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert '<html lang="zh-hans">' in html
        assert "支持响应时间" in html
        assert "5 分钟" in html and "4 个工作小时" in html and "中位数" in html
        assert "Median" not in html and "How we measure" not in html

    def test_window_switch_shows_90_days(self, client, known_set, make_ticket):
        created = NOW - dt.timedelta(days=60)
        make_ticket(priority="P4", created=created)
        thirty = get(client, URL)
        ninety = get(client, URL + "?window=90")
        assert ninety.status_code == 200 and ninety.context["window"] == 90
        assert ninety.context["figures"].tickets == thirty.context["figures"].tickets + 1
        assert 'href="?window=90" class="current" aria-current="page"' in (
            ninety.content.decode())

    @pytest.mark.parametrize("window", ["7", "abc", "30days", "-30", "9" * 500])
    def test_bad_window_is_400_with_a_notice_and_the_30_day_figures(self, client,
                                                                    organisation, window):
        response = get(client, URL + f"?window={window}")
        assert response.status_code == 400
        assert response.context["window"] == 30
        html = response.content.decode()
        assert "The time window must be 30 or 90 days; showing the last 30 days" in html
        # The language switch keeps the valid window, not what was typed.
        assert 'name="next" type="hidden" value="/support/response-times/?window=30"' in html

    def test_empty_window_says_so_instead_of_zeros(self, client, organisation):
        html = get(client, URL).content.decode()
        assert "No tickets in this window" in html
        assert "0%" not in html and "<svg" not in html

    def test_a_priority_without_policy_says_so_and_is_measured_in_wall_minutes(
            self, client, make_ticket):
        created = dt.datetime(2026, 4, 10, 15, 0, tzinfo=dt.UTC)  # Friday 17:00 Berlin
        make_ticket(priority="P4", created=created,
                    acknowledged=created + dt.timedelta(days=3))
        SlaPolicy.objects.filter(priority="P4").delete()
        response = get(client, URL)
        p4 = next(s for s in response.context["sections"] if s["priority"] == "P4")
        assert p4["stages"][0]["target"] == "—"
        assert p4["stages"][0]["median"] == "3 days"
        assert "No target is configured for this priority." in response.content.decode()

    def test_linked_from_the_footer_and_the_home_page(self, client, organisation):
        html = client.get("/").content.decode()
        assert html.count(f'href="{URL}"') == 2

    def test_page_is_public_and_needs_few_queries(self, client, known_set,
                                                  django_assert_max_num_queries):
        with django_assert_max_num_queries(5):
            assert get(client, URL).status_code == 200


class TestResponseTimesApi:
    def test_same_figures_as_json_with_minutes_as_numbers(self, known_set):
        with time_machine.travel(NOW, tick=False):
            data = APIClient().get(API, {"window": 30}).json()
        assert data["window_days"] == 30
        assert data["until"] == "2026-04-15T12:00:00Z"
        assert data["tickets"] == 11
        p1 = next(p for p in data["priorities"] if p["priority"] == "P1")
        assert p1["business"] is False
        ack = p1["overall"]["stages"]["acknowledge"]
        assert ack == {"target_minutes": 5, "business": False, "tickets": 10, "reached": 10,
                       "open": 0, "open_overdue": 0, "met": 5, "missed": 5,
                       "median_minutes": 5, "p90_minutes": 9, "share_met": 0.5}
        regions = {r["region"]: r for r in p1["regions"]}
        assert set(regions) == {"na", "eu", "sea", "cn", "latam", "mea"}
        assert regions["eu"]["tickets"] == 5 and regions["cn"]["tickets"] == 0
        p2 = next(p for p in data["priorities"] if p["priority"] == "P2")
        assert p2["overall"]["stages"]["acknowledge"]["open_overdue"] == 1

    def test_defaults_to_30_days_and_empty_is_null_not_zero(self, organisation):
        data = APIClient().get(API).json()
        assert data["window_days"] == 30 and data["tickets"] == 0
        ack = data["priorities"][0]["overall"]["stages"]["acknowledge"]
        assert ack["median_minutes"] is None and ack["share_met"] is None

    @pytest.mark.parametrize("window", ["7", "abc", "90.0", "3" * 1000])
    def test_bad_window_is_400_with_a_message(self, organisation, window):
        response = APIClient().get(API, {"window": window})
        assert response.status_code == 400
        assert response.json()["window"] == ["The window must be 30 or 90 (days)."]

    def test_is_in_the_schema(self, db):
        paths = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()[
            "paths"]
        response = paths["/api/v1/sla/response-times"]["get"]["responses"]["200"]
        schema = response["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ResponseTimes"}
