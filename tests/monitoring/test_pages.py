"""The customer's monitoring pages: their lines, each line's charts and CSV."""

import csv
import datetime as dt
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.monitoring.charts import bucketed
from kb.monitoring.models import Incident, Rollup
from kb.monitoring.series import Point
from kb.monitoring.services import maintenance_create
from tests.monitoring.conftest import make_line, minutes, record, sample

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def measured(clock, line):
    """The last 24 hours: 60 good minutes, a 5-minute outage at 100 % loss,
    60 more; nothing before (missing, not lossy). One incident, one maintenance."""
    start = NOW - dt.timedelta(minutes=125)
    record(sample(line, at) for at in minutes(start, 60))
    record(sample(line, at, received=0) for at in minutes(start + dt.timedelta(minutes=60), 5))
    record(sample(line, at, rtt=90.0, spread=30.0, jitter=12.0, received=19)
           for at in minutes(start + dt.timedelta(minutes=65), 60))
    Incident.objects.create(line=line, severity="down", title="Line down: no reply",
                            opened_at=start + dt.timedelta(minutes=62),
                            resolved_at=start + dt.timedelta(minutes=80))
    maintenance_create(title="Ingest upgrade in Singapore", regions=["sea"],
                       starts_at=NOW - dt.timedelta(hours=20),
                       ends_at=NOW - dt.timedelta(hours=19))
    return line


def signed_in(client, user):
    client.force_login(user)
    return client


class TestLineList:
    def test_customer_sees_their_lines_with_state_and_route(self, client, clock, acme, line,
                                                           globex):
        make_line(globex[0], name="Globex backup path")
        page = signed_in(client, acme[1]).get("/monitoring/").content.decode()
        assert "Shanghai studio -&gt; Singapore ingest" in page
        assert "No data" in page  # never evaluated yet
        assert "China → Southeast Asia" in page or "→" in page
        assert "push.sea.example.com:1935" in page
        assert "Globex backup path" not in page

    def test_staff_see_every_organization(self, client, clock, line, globex,
                                          django_user_model):
        make_line(globex[0], name="Globex backup path")
        staff = django_user_model.objects.create_user("sam", is_staff=True)
        page = signed_in(client, staff).get("/monitoring/").content.decode()
        assert "Globex backup path" in page and "Acme Live" in page

    def test_signed_out_visitors_are_sent_to_sign_in(self, client, line):
        response = client.get("/monitoring/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_customer_without_lines_is_told_how_to_add_one(self, client, clock, acme):
        page = signed_in(client, acme[1]).get("/monitoring/").content.decode()
        assert "No line is monitored for your organization yet." in page


class TestLinePage:
    def test_24_hours_of_minutes_drawn_with_band_incident_and_table(self, client, acme,
                                                                    measured):
        response = signed_in(client, acme[1]).get(f"/monitoring/lines/{measured.pk}/")
        page = response.content.decode()
        assert response.status_code == 200
        for chart in ("rtt", "loss", "jitter"):
            assert f'id="{chart}-{measured.pk}"' in page
        assert "Round-trip time over the last 24 hours" in page
        assert 'class="band"' in page
        assert "Incident (down): Line down: no reply" in page
        assert "Maintenance: Ingest upgrade in Singapore" in page
        # The charts' own styles and scripts would break the page's policy.
        assert "<style" not in page and "<script type=\"text/javascript\">" not in page
        assert ' style="' not in page
        # 1,440 minutes in 180 points of 8 minutes; the table lists the measured ones.
        assert "one row per 8 minutes" in page
        table = page.split('class="chart-table"')[1]
        assert 15 <= table.count("<tr><th scope=\"row\">") <= 17

    def test_a_point_keeps_the_worst_minute_it_merges(self, client, acme, measured):
        response = signed_in(client, acme[1]).get(f"/monitoring/lines/{measured.pk}/")
        points = [p for p in response.context["charts"].points if p.measured]
        assert max(p.loss_pct for p in points) == 100.0
        assert max(p.rtt_max_ms for p in points) == 120.0
        assert min(p.rtt_min_ms for p in points) == 60.0

    def test_30_days_read_hourly_rollups(self, client, acme, clock, line):
        for hours_back in (3, 4, 200):
            Rollup.objects.create(line=line, hour=NOW.replace(minute=0) - dt.timedelta(
                hours=hours_back), minutes=60, sent=1200, received=1188, loss_pct=1.0,
                rtt_min_ms=60, rtt_avg_ms=70, rtt_max_ms=150, jitter_ms=3)
        response = signed_in(client, acme[1]).get(f"/monitoring/lines/{line.pk}/?range=30d")
        assert response.status_code == 200
        series = response.context["series"]
        assert series.hourly and len(series.points) == 720
        assert len(series.measured) == 3
        assert "Packet loss over the last 30 days" in response.content.decode()

    def test_another_organizations_line_is_not_found(self, client, clock, line, globex):
        assert signed_in(client, globex[1]).get(f"/monitoring/lines/{line.pk}/").status_code \
            == 404

    def test_unknown_range_is_400_with_the_choices(self, client, acme, clock, line):
        response = signed_in(client, acme[1]).get(f"/monitoring/lines/{line.pk}/?range=1y")
        assert response.status_code == 400
        assert response.content.decode() == "range must be one of 24h, 7d, 30d."

    def test_chinese_page(self, client, acme, measured):
        page = signed_in(client, acme[1]).get(
            f"/monitoring/lines/{measured.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert '<html lang="zh-hans">' in page
        assert "往返时延" in page and "丢包" in page
        assert "Round-trip time" not in page


class TestExport:
    def test_every_minute_in_utc_with_gaps_left_empty(self, client, acme, measured):
        response = signed_in(client, acme[1]).get(
            f"/monitoring/lines/{measured.pk}/export.csv?range=24h")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0][:3] == ["at_utc", "period", "sent"]
        assert len(rows) == 1 + 1440
        assert rows[1] == ["2026-12-01T10:31:00Z", "minute_ending", "", "", "", "", "", "", ""]
        down = [row for row in rows[1:] if row[4] == "100.0"]
        assert len(down) == 5 and down[0][5:8] == ["", "", ""]
        assert rows[-1][0] == "2026-12-02T10:30:00Z"

    def test_another_organizations_line_cannot_be_exported(self, client, clock, line, globex):
        response = signed_in(client, globex[1]).get(
            f"/monitoring/lines/{line.pk}/export.csv")
        assert response.status_code == 404


points = st.lists(st.one_of(st.none(), st.tuples(
    st.floats(1, 500), st.floats(0, 100), st.floats(0, 50))), min_size=1, max_size=2000)


@given(points)
def test_bucketing_never_hides_the_extremes(raw):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    series = [Point(at=start + dt.timedelta(minutes=n)) if value is None else Point(
        at=start + dt.timedelta(minutes=n), sent=20, received=20, loss_pct=value[1],
        rtt_min_ms=value[0], rtt_avg_ms=value[0] + 1, rtt_max_ms=value[0] + value[2],
        jitter_ms=value[2]) for n, value in enumerate(raw)]
    merged = bucketed(series, 180)
    assert len(merged) <= 180
    measured = [p for p in series if p.measured]
    kept = [p for p in merged if p.measured]
    assert bool(measured) == bool(kept)
    if measured:
        assert min(p.rtt_min_ms for p in kept) == min(p.rtt_min_ms for p in measured)
        assert max(p.rtt_max_ms for p in kept) == max(p.rtt_max_ms for p in measured)
        assert max(p.loss_pct for p in kept) == max(p.loss_pct for p in measured)


class TestQueries:
    def test_the_list_reads_in_a_fixed_number_of_queries(self, client, acme, clock,
                                                         django_assert_max_num_queries):
        for number in range(12):
            make_line(acme[0], name=f"Studio {number} -> Singapore ingest")
        signed_in(client, acme[1])
        with django_assert_max_num_queries(6):
            assert client.get("/monitoring/").status_code == 200

    def test_a_line_page_reads_in_a_fixed_number_of_queries(self, client, acme, measured,
                                                            django_assert_max_num_queries):
        signed_in(client, acme[1])
        with django_assert_max_num_queries(10):
            assert client.get(f"/monitoring/lines/{measured.pk}/").status_code == 200


def test_a_new_minute_shows_at_once_despite_the_drawn_charts_being_kept(client, acme,
                                                                         measured):
    signed_in(client, acme[1])
    before = client.get(f"/monitoring/lines/{measured.pk}/").context["charts"]
    record([sample(measured, NOW, rtt=400.0, spread=10.0)])
    after = client.get(f"/monitoring/lines/{measured.pk}/").context["charts"]
    assert max(p.rtt_max_ms for p in after.points if p.measured) == 410.0
    assert after.rtt != before.rtt
