"""The detection rules on minutes at fixed instants (kb.monitoring.detection)."""

import datetime as dt

import pytest

from kb.monitoring.detection import Condition, Thresholds, verdict
from kb.monitoring.minutes import Minute

T0 = dt.datetime(2026, 3, 25, 10, 0, tzinfo=dt.UTC)
M = dt.timedelta(minutes=1)


def minute(at, kind="ok", *, rtt=70.0) -> Minute:
    """ok, loss (5 %), edge (exactly 2 %), dark (nothing back), jitter (40 ms),
    slow (RTT 120 ms)."""
    sent, received, jitter = 100, 100, 2.0
    if kind == "loss":
        received = 95
    elif kind == "edge":
        received = 98
    elif kind == "dark":
        received = 0
    elif kind == "jitter":
        jitter = 40.0
    elif kind == "slow":
        rtt = 120.0
    replied = received > 0
    return Minute(at=at, sent=sent, received=received,
                  rtt_min_ms=rtt - 5 if replied else None, rtt_avg_ms=rtt if replied else None,
                  rtt_max_ms=rtt + 5 if replied else None,
                  jitter_ms=jitter if replied else None)


def series(*kinds, start=T0):
    """One minute per kind from ``start``; None is a missing minute."""
    return {start + n * M: minute(start + n * M, kind)
            for n, kind in enumerate(kinds) if kind is not None}


def judge(minutes, *, now=None, **options):
    now = now or max(minutes) + dt.timedelta(seconds=20)
    return verdict(minutes=minutes, now=now, **options)


class TestDown:
    def test_three_consecutive_minutes_without_a_reply_are_down(self):
        result = judge(series("ok", "ok", "dark", "dark", "dark"))
        assert result.condition == Condition.DOWN
        assert [e.at for e in result.evidence] == [T0 + 2 * M, T0 + 3 * M, T0 + 4 * M]
        assert all(e.reasons == ("no_reply",) for e in result.evidence)

    def test_two_are_not_yet(self):
        assert judge(series("ok", "ok", "ok", "dark", "dark")).condition == Condition.HEALTHY

    def test_a_missing_minute_breaks_the_run_and_is_not_counted_as_loss(self):
        result = judge(series("ok", "dark", None, "dark", "dark"))
        # Three dark minutes in the window make it degraded, not down.
        assert result.condition == Condition.DEGRADED
        assert judge(series("ok", "ok", None, None, "dark")).condition == Condition.HEALTHY

    def test_one_source_answering_keeps_the_minute_alive(self):
        merged = {at: Minute(at=at, sent=30, received=10, rtt_min_ms=60, rtt_avg_ms=70,
                             rtt_max_ms=80, jitter_ms=1) for at in (T0, T0 + M, T0 + 2 * M)}
        assert judge(merged).condition != Condition.DOWN


class TestDegraded:
    @pytest.mark.parametrize("kind", ["loss", "edge", "jitter"])
    def test_three_bad_minutes_of_five_are_degraded(self, kind):
        result = judge(series("ok", kind, "ok", kind, kind))
        assert result.condition == Condition.DEGRADED and result.bad_minutes == 3
        assert len(result.evidence) == 3

    def test_two_bad_minutes_of_five_are_not(self):
        assert judge(series("loss", "ok", "ok", "loss", "ok")).condition == Condition.HEALTHY

    def test_an_rtt_one_and_a_half_times_the_baseline_is_bad(self):
        minutes = series("ok", "slow", "slow", "slow", "ok")
        assert judge(minutes, baseline_ms=80.0).condition == Condition.DEGRADED  # 120 >= 120
        assert judge(minutes, baseline_ms=81.0).condition == Condition.HEALTHY
        assert judge(minutes, baseline_ms=None).condition == Condition.HEALTHY
        evidence = judge(minutes, baseline_ms=80.0).evidence
        assert [e.reasons for e in evidence] == [("rtt",)] * 3

    def test_per_line_thresholds_apply(self):
        minutes = series("loss", "loss", "loss", "ok", "ok")
        assert judge(minutes).condition == Condition.DEGRADED
        assert judge(minutes, thresholds=Thresholds(loss_pct=10.0)).condition == "healthy"


class TestNoData:
    def test_no_sample_in_the_last_five_minutes_is_no_data(self):
        minutes = series("dark", "dark", "dark")
        newest = max(minutes)
        assert judge(minutes, now=newest + 5 * M).no_data is True
        assert judge(minutes, now=newest + 4 * M + dt.timedelta(seconds=59)).no_data is False
        assert verdict(minutes={}, now=T0).no_data is True


class TestRecovery:
    def test_ten_consecutive_good_minutes_recover(self):
        assert judge(series("dark", "dark", "dark", *["ok"] * 10)).recovered is False
        # The bad minutes linger in the window for the first good ones.
        assert judge(series("dark", "dark", "dark", *["ok"] * 12)).recovered is True

    def test_a_missing_minute_breaks_the_recovery_run(self):
        kinds = ["dark"] * 3 + ["ok"] * 6 + [None] + ["ok"] * 9
        assert judge(series(*kinds)).recovered is False
        assert judge(series(*kinds, "ok")).recovered is True

    def test_a_single_bad_minute_does_not_stop_recovery(self):
        kinds = ["dark"] * 3 + ["ok"] * 5 + ["loss"] + ["ok"] * 9
        assert judge(series(*kinds)).recovered is True


class TestMaintenance:
    def test_maintenance_minutes_count_neither_way(self):
        minutes = series("ok", "ok", "dark", "dark", "dark")
        held = {T0 + 2 * M, T0 + 3 * M, T0 + 4 * M}
        result = judge(minutes, maintenance=held)
        assert result.condition == Condition.HEALTHY and result.in_maintenance is True
        # A window ending at the first dark minute leaves two: not down.
        assert judge(minutes, maintenance={T0 + 2 * M}).condition == Condition.HEALTHY
        assert judge(minutes, maintenance={T0}).condition == Condition.DOWN


def test_a_line_hovering_at_a_threshold_never_flaps():
    """Loss just above and just below 2 % in turns for two hours: one incident,
    open the whole time, never resolved and reopened."""
    kinds = ["edge" if n % 2 else "ok" for n in range(120)]
    minutes = series(*kinds)
    open_, opened, resolved = False, 0, 0
    for n in range(5, 120):
        now = T0 + n * M + dt.timedelta(seconds=10)
        result = verdict(minutes={at: m for at, m in minutes.items() if at <= now}, now=now)
        if not open_ and result.condition != Condition.HEALTHY:
            open_, opened = True, opened + 1
        elif open_ and result.recovered:
            open_, resolved = False, resolved + 1
    assert (opened, resolved, open_) == (1, 0, True)
