"""Samples, hourly rollups and retention (kb.monitoring.services, rollups,
partitions), on SQLite and, with DATABASE_URL, on PostgreSQL's partitions."""

import datetime as dt

import pytest
from django.db import connection

from kb.monitoring.minutes import Minute, merge, minutes_of
from kb.monitoring.models import Rollup, RollupPending, Sample
from kb.monitoring.partitions import partition_name, sample_partition_days
from kb.monitoring.rollups import retention_apply, rollups_compute
from tests.monitoring.conftest import UTC, minutes, record, sample

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 25, 10, 0, tzinfo=UTC)


class TestSamplesRecord:
    def test_samples_are_stored_with_the_seconds_dropped(self, line):
        accepted, duplicates = record([sample(line, T0 + dt.timedelta(seconds=41))])
        assert (accepted, duplicates) == (1, 0)
        stored = Sample.objects.get()
        assert stored.at == T0 and stored.source == "encoder-1"
        assert (stored.sent, stored.received, stored.rtt_avg_ms) == (20, 20, 70.0)

    def test_the_same_line_source_and_minute_again_is_a_duplicate(self, line):
        record([sample(line, T0), sample(line, T0, source="encoder-2")])
        accepted, duplicates = record([
            sample(line, T0 + dt.timedelta(seconds=30), received=3),  # same minute
            sample(line, T0 + dt.timedelta(minutes=1)),
            sample(line, T0 + dt.timedelta(minutes=1)),  # twice in one batch
        ])
        assert (accepted, duplicates) == (1, 2)
        assert Sample.objects.count() == 3
        assert Sample.objects.get(source="encoder-1", at=T0).received == 20  # first kept

    def test_the_hours_written_are_marked_for_the_rollup(self, line):
        record([sample(line, T0), sample(line, T0 + dt.timedelta(minutes=5))])
        # 10:00 closes the last minute of 09:00-10:00; 10:05 is in 10:00-11:00.
        assert sorted(RollupPending.objects.values_list("hour", flat=True)) == [
            T0 - dt.timedelta(hours=1), T0]


class TestMinutes:
    def test_sources_merge_into_one_minute(self):
        class Part:
            def __init__(self, sent, received, low, avg, high, jitter):
                self.sent, self.received = sent, received
                self.rtt_min_ms, self.rtt_avg_ms, self.rtt_max_ms = low, avg, high
                self.jitter_ms = jitter

        minute = merge(T0, [Part(20, 19, 60.0, 70.0, 90.0, 2.0),
                            Part(10, 1, 80.0, 100.0, 120.0, 8.0),
                            Part(10, 0, None, None, None, None)])
        assert (minute.sent, minute.received) == (40, 20)
        assert minute.loss_pct == pytest.approx(50.0)
        assert (minute.rtt_min_ms, minute.rtt_max_ms) == (60.0, 120.0)
        assert minute.rtt_avg_ms == pytest.approx((19 * 70 + 100) / 20)
        assert minute.jitter_ms == pytest.approx((19 * 2 + 8) / 20)

    def test_a_minute_without_any_reply_is_total_loss_with_no_rtt(self, line):
        record([sample(line, T0, received=0), sample(line, T0, source="site", sent=10,
                                                     received=0)])
        (minute,) = minutes_of(Sample.objects.all()).values()
        assert minute.total_loss and minute.loss_pct == 100.0
        assert minute.rtt_avg_ms is None and minute.jitter_ms is None

    def test_a_missing_minute_is_absent_not_lossy(self, line):
        record([sample(line, T0), sample(line, T0 + dt.timedelta(minutes=2))])
        assert list(minutes_of(Sample.objects.all())) == [T0, T0 + dt.timedelta(minutes=2)]
        assert isinstance(minutes_of(Sample.objects.all())[T0], Minute)


class TestRollups:
    def test_an_hour_that_is_over_rolls_up_every_source(self, line):
        hour = T0
        record([sample(line, at, rtt=70.0) for at in minutes(hour + dt.timedelta(minutes=1),
                                                               60)])
        record([sample(line, hour + dt.timedelta(minutes=1), source="site", sent=10,
                       received=5, rtt=100.0)])
        assert rollups_compute(now=hour + dt.timedelta(minutes=59)) == 0  # not over yet
        assert rollups_compute(now=hour + dt.timedelta(hours=1, minutes=1)) >= 1
        rollup = Rollup.objects.get(line=line, hour=hour)
        assert rollup.minutes == 60
        assert (rollup.sent, rollup.received) == (60 * 20 + 10, 60 * 20 + 5)
        assert rollup.loss_pct == pytest.approx(100 * 5 / 1210, abs=1e-3)
        assert rollup.rtt_min_ms == 65.0 and rollup.rtt_max_ms == 105.0
        assert rollup.rtt_avg_ms == pytest.approx((1200 * 70 + 5 * 100) / 1205, abs=1e-3)

    def test_a_late_sample_recomputes_its_hour_and_a_second_run_changes_nothing(self, line):
        record([sample(line, at) for at in minutes(T0 + dt.timedelta(minutes=1), 30)])
        later = T0 + dt.timedelta(days=2)
        rollups_compute(now=later)
        assert Rollup.objects.get().minutes == 30
        record([sample(line, T0 + dt.timedelta(minutes=45), received=10)])  # a backlog
        assert rollups_compute(now=later) == 1
        rollup = Rollup.objects.get()
        assert rollup.minutes == 31 and rollup.received == 30 * 20 + 10
        assert rollups_compute(now=later) == 0
        assert not RollupPending.objects.exists()


class TestRetention:
    def test_samples_go_after_14_days_and_rollups_after_400(self, line):
        now = dt.datetime(2026, 3, 25, 12, 0, tzinfo=UTC)
        old, kept = now - dt.timedelta(days=15), now - dt.timedelta(days=13)
        record([sample(line, old), sample(line, kept)])
        rollups_compute(now=now)
        Rollup.objects.create(line=line, hour=now - dt.timedelta(days=401), minutes=60,
                              sent=1, received=1, loss_pct=0)
        result = retention_apply(now=now)
        assert list(Sample.objects.values_list("at", flat=True)) == [kept]
        assert sorted(Rollup.objects.values_list("hour", flat=True)) == [
            r.replace(minute=0) for r in sorted([old - dt.timedelta(minutes=1),
                                                 kept - dt.timedelta(minutes=1)])]
        assert result["rollups"] == 1
        second = retention_apply(now=now)
        assert second == {"partitions": 0, "samples": 0, "rollups": 0}


@pytest.mark.skipif("connection.vendor != 'postgresql'",
                    reason="partitions exist on PostgreSQL only (set DATABASE_URL)")
class TestPostgresPartitions:
    def test_the_sample_table_is_partitioned_by_day_with_a_brin_index_on_time(self):
        with connection.cursor() as cursor:
            cursor.execute("SELECT partstrat FROM pg_partitioned_table p JOIN pg_class c "
                           "ON c.oid = p.partrelid WHERE c.relname = 'monitoring_sample'")
            assert cursor.fetchone() == ("r",)
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = "
                           "'monitoring_sample' AND indexname = 'sample_at_brin'")
            assert "USING brin (at)" in cursor.fetchone()[0]

    def test_writing_a_day_creates_its_partition_and_retention_drops_whole_days(self, line):
        now = dt.datetime(2031, 5, 20, 12, 0, tzinfo=UTC)
        days = [now - dt.timedelta(days=n) for n in (20, 15, 1)]
        record([sample(line, at) for at in days])
        for at in days:
            assert at.date() in sample_partition_days()
        retention_apply(now=now)
        remaining = sample_partition_days()
        assert days[0].date() not in remaining and days[1].date() not in remaining
        assert days[2].date() in remaining
        # The days ahead are ready before anything is written to them.
        assert (now + dt.timedelta(days=2)).date() in remaining
        assert list(Sample.objects.values_list("at", flat=True)) == [days[2]]
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [partition_name(days[0].date())])
            assert cursor.fetchone() == (None,)
