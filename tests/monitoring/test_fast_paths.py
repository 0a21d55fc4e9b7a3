"""The shortcuts that keep ingest and charts fast answer as the long way does:
the quick validation of a batch, the minutes of a batch worked out once
per time, pygal's lookups in one step, the series read as plain rows."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pygal
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kb.monitoring import charts
from kb.monitoring.models import Rollup, RollupPending, Sample
from kb.monitoring.series import Span, line_series
from kb.monitoring.services import SampleInput
from kb.monitoring.status import DayFigure, StatusEntry
from tests.clock import EU_WORKING_HOURS
from tests.monitoring.conftest import UTC, make_line, minutes, record, sample

pytestmark = pytest.mark.django_db

NOW = EU_WORKING_HOURS  # Wednesday 25 March 2026, 11:00 UTC


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def alice(acme):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=acme[1])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def a_sample(of, at: str, **overrides) -> dict:
    payload = {"line": of.pk, "at": at, "source": "encoder-1", "sent": 20, "received": 19,
               "rtt_min_ms": 71.2, "rtt_avg_ms": 74.9, "rtt_max_ms": 90.3, "jitter_ms": 3.1}
    payload.update(overrides)
    return payload


class TestIngest:
    def test_the_same_minute_written_in_two_zones_is_one_sample(self, alice, line, acme):
        other = make_line(acme[0], name="Beijing studio -> Frankfurt ingest")
        response = alice.post("/api/v1/monitoring/samples", {"samples": [
            a_sample(line, "2026-03-25T10:41:00Z"),
            a_sample(other, "2026-03-25T10:41:00Z"),
            a_sample(line, "2026-03-25T18:41:30+08:00", received=3),  # 10:41 UTC again
            a_sample(other, "2026-03-25T10:42:00Z"),
        ]}, format="json")
        assert response.status_code == 202
        assert response.json() == {"accepted": 3, "duplicates": 1}
        at = dt.datetime(2026, 3, 25, 10, 41, tzinfo=UTC)
        assert Sample.objects.get(line=line, at=at).received == 19  # the first kept
        assert Sample.objects.filter(line=other).count() == 2

    def test_a_batch_with_one_bad_time_among_repeated_good_ones_is_refused_whole(
            self, alice, line):
        good = [a_sample(line, "2026-03-25T10:41:00Z", source=f"agent-{n}") for n in range(5)]
        response = alice.post("/api/v1/monitoring/samples", {"samples": [
            *good, a_sample(line, "2026-03-25T11:30:00Z"), *good[:1]]}, format="json")
        assert response.status_code == 400
        assert list(response.json()["samples"]) == ["5"]
        assert "at" in response.json()["samples"]["5"]
        assert not Sample.objects.exists()

    def test_times_of_a_zones_repeated_hour_are_two_minutes(self, line):
        # 01:30 happens twice in New York on 1 November 2026 (05:30 and 06:30
        # UTC): equal as local times, yet two different minutes.
        zone = ZoneInfo("America/New_York")
        first = dt.datetime(2026, 11, 1, 1, 30, tzinfo=zone)
        second = first.replace(fold=1)
        accepted, duplicates = record([sample(line, first), sample(line, second)])
        assert (accepted, duplicates) == (2, 0)
        assert sorted(Sample.objects.values_list("at", flat=True)) == [
            dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
            dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)]

    def test_whole_numbers_and_nulls_among_the_figures_are_stored_as_sent(self, line, acme):
        # On PostgreSQL a batch goes as one array per column, of one type.
        other = make_line(acme[0], name="Beijing studio -> Frankfurt ingest")
        at = NOW - dt.timedelta(minutes=3)
        accepted, duplicates = record([
            SampleInput(line_id=line.pk, source="encoder-1", at=at, sent=20, received=20,
                        rtt_min_ms=70, rtt_avg_ms=71.5, rtt_max_ms=None, jitter_ms=2),
            SampleInput(line_id=other.pk, source="site", at=at, sent=10, received=0,
                        method="tcp", error="connection refused " * 20),
        ])
        assert (accepted, duplicates) == (2, 0)
        first = Sample.objects.get(line=line)
        assert (first.rtt_min_ms, first.rtt_avg_ms, first.rtt_max_ms, first.jitter_ms) == (
            70.0, 71.5, None, 2.0)
        lost = Sample.objects.get(line=other)
        assert (lost.received, lost.rtt_avg_ms, lost.method) == (0, None, "tcp")
        assert len(lost.error) == 200
        assert sorted(RollupPending.objects.values_list("line_id", flat=True)) == sorted(
            [line.pk, other.pk])


def _without_ids(svg: str) -> str:
    """pygal names each chart with a fresh uuid."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "U", svg)


class TestCharts:
    @pytest.fixture
    def month(self, line):
        end = NOW.replace(minute=0)
        for hours_back in range(1, 721):
            if hours_back % 50 == 7:
                continue  # a gap is drawn as a gap
            Rollup.objects.create(
                line=line, hour=end - dt.timedelta(hours=hours_back), minutes=60, sent=1200,
                received=1200 - hours_back % 13, loss_pct=round(hours_back % 13 / 12, 3),
                rtt_min_ms=60 + hours_back % 5, rtt_avg_ms=70 + hours_back % 9,
                rtt_max_ms=90 + hours_back % 31, jitter_ms=2 + hours_back % 4)
        return line_series(line=line, range_key="30d", now=NOW)

    def test_the_charts_are_the_svg_pygal_draws_itself(self, month, monkeypatch):
        month.incidents.append(Span(starts_at=NOW - dt.timedelta(days=3),
                                    ends_at=NOW - dt.timedelta(days=3, hours=-5),
                                    title="Line down", severity="down"))
        quick = charts.line_charts(month)
        monkeypatch.setattr(charts, "XY", pygal.XY)
        plain = charts.line_charts(month)
        for ours, pygals in ((quick.rtt, plain.rtt), (quick.loss, plain.loss),
                             (quick.jitter, plain.jitter)):
            assert "xy-graph" in ours and "chart-incident" in ours
            assert _without_ids(ours) == _without_ids(pygals)

    def test_the_uptime_bars_are_the_svg_pygal_draws_itself(self, monkeypatch):
        days = [DayFigure(date=dt.date(2026, 3, 25) - dt.timedelta(days=n),
                          uptime_pct=100.0 - n % 3, state="degraded" if n % 3 else "operational",
                          down_minutes=0, degraded_minutes=n % 3 * 10, maintenance_minutes=0)
                for n in range(90)][::-1]
        entry = StatusEntry(kind="region", key="region-sea", name="Singapore ingest",
                            state="healthy", uptime_pct=99.0, days=days)
        quick = charts.uptime_chart(entry)
        monkeypatch.setattr(charts, "Bar", pygal.Bar)
        plain = charts.uptime_chart(entry)
        assert "chart-day-degraded" in quick
        assert _without_ids(quick) == _without_ids(plain)

    def test_the_series_reads_the_rollups_hour_by_hour_with_gaps(self, month):
        assert len(month.points) == 720
        missing = [point for point in month.points if not point.measured]
        assert len(missing) == 15 and all(point.rtt_avg_ms is None for point in missing)
        last = month.points[-1]
        assert (last.at, last.sent, last.received, last.loss_pct, last.rtt_max_ms) == (
            NOW - dt.timedelta(hours=1), 1200, 1199, round(1 / 12, 3), 91.0)

    def test_a_days_minutes_merge_every_source_from_plain_rows(self, line):
        start = NOW - dt.timedelta(minutes=30)
        record(sample(line, at) for at in minutes(start, 10))
        record(sample(line, at, source="encoder-2", received=10, rtt=90.0)
               for at in minutes(start, 5))
        series = line_series(line=line, range_key="24h", now=NOW)
        merged = next(point for point in series.points if point.at == start)
        assert (merged.sent, merged.received, merged.loss_pct) == (40, 30, 25.0)
        assert merged.rtt_min_ms == 65.0 and merged.rtt_max_ms == 95.0
        assert len(series.measured) == 10
