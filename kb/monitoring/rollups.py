"""Hourly rollups and retention: raw samples 14 days, rollups 400 days.

Ingest marks each (line, hour) it wrote to as pending; ``rollups_compute``
recomputes the pending hours that are over, from every sample of the hour
(merged minute by minute, kb.monitoring.minutes), and clears their marks.
A backlog that arrives days late marks its old hours again, and they are
recomputed whole: the rollup is a function of the samples, so running it
twice, or after a crash midway, gives the same rows.

``retention_apply`` drops raw samples older than 14 days (whole daily
partitions on PostgreSQL, rows elsewhere), keeps the partitions of the
days ahead ready, and deletes rollups older than 400 days.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from kb.monitoring.minutes import Minute, hour_of, merge, minutes_of
from kb.monitoring.models import (
    ROLLUP_RETENTION_DAYS,
    SAMPLE_RETENTION_DAYS,
    Rollup,
    RollupPending,
    Sample,
)
from kb.monitoring.partitions import (
    sample_partitions_drop_before,
    sample_partitions_ensure,
)

log = logging.getLogger(__name__)

HOUR = dt.timedelta(hours=1)
# Days ahead that get their partition before anything is written to them.
PARTITION_DAYS_AHEAD = 2
# Pending hours recomputed per task run (each reads one line's hour).
BATCH = 5000


def rollup_of(line_id: int, hour: dt.datetime, minutes: list[Minute]) -> Rollup | None:
    if not minutes:
        return None
    merged = merge(hour, minutes)
    return Rollup(line_id=line_id, hour=hour, minutes=len(minutes), sent=merged.sent,
                  received=merged.received, loss_pct=round(merged.loss_pct, 3),
                  rtt_min_ms=merged.rtt_min_ms, rtt_avg_ms=merged.rtt_avg_ms,
                  rtt_max_ms=merged.rtt_max_ms, jitter_ms=merged.jitter_ms)


def rollups_compute(*, now: dt.datetime | None = None) -> int:
    """Recompute the pending hours that are over; returns how many."""
    now = now or timezone.now()
    due = list(RollupPending.objects.filter(hour__lte=now - HOUR)
               .order_by("hour", "line_id")[:BATCH])
    if not due:
        return 0
    done = 0
    # One query per hour of every line pending in it (usually one hour).
    by_hour: dict[dt.datetime, list[int]] = {}
    for pending in due:
        by_hour.setdefault(pending.hour, []).append(pending.line_id)
    for hour, line_ids in sorted(by_hour.items()):
        samples = (Sample.objects.filter(line_id__in=line_ids, at__gt=hour, at__lte=hour + HOUR)
                   .only("line_id", "at", "sent", "received", "rtt_min_ms", "rtt_avg_ms",
                         "rtt_max_ms", "jitter_ms"))
        per_line: dict[int, list[Sample]] = {}
        for sample in samples:
            per_line.setdefault(sample.line_id, []).append(sample)
        with transaction.atomic():
            for line_id in line_ids:
                rollup = rollup_of(line_id, hour,
                                   list(minutes_of(per_line.get(line_id, [])).values()))
                if rollup is None:
                    Rollup.objects.filter(line_id=line_id, hour=hour).delete()
                else:
                    _upsert(rollup)
            RollupPending.objects.filter(hour=hour, line_id__in=line_ids).delete()
        done += len(line_ids)
    return done


_FIELDS = ["minutes", "sent", "received", "loss_pct", "rtt_min_ms", "rtt_avg_ms",
           "rtt_max_ms", "jitter_ms"]


def _upsert(rollup: Rollup) -> None:
    Rollup.objects.update_or_create(
        line_id=rollup.line_id, hour=rollup.hour,
        defaults={name: getattr(rollup, name) for name in _FIELDS})


def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Drop what is past its retention; make the coming days' partitions."""
    now = now or timezone.now()
    today = now.astimezone(dt.UTC).date()
    sample_partitions_ensure(days=[today + dt.timedelta(days=n)
                                   for n in range(-1, PARTITION_DAYS_AHEAD + 1)])
    # Whole days only: a day's partition goes once all of it is past 14 days.
    keep_from = today - dt.timedelta(days=SAMPLE_RETENTION_DAYS)
    dropped = sample_partitions_drop_before(day=keep_from)
    cutoff = dt.datetime.combine(keep_from, dt.time(), tzinfo=dt.UTC)
    deleted_samples, _ = Sample.objects.filter(at__lt=cutoff).delete()
    deleted_rollups, _ = Rollup.objects.filter(
        hour__lt=now - dt.timedelta(days=ROLLUP_RETENTION_DAYS)).delete()
    # Marks of hours whose samples are gone cannot be recomputed any more.
    RollupPending.objects.filter(hour__lt=cutoff).delete()
    if dropped or deleted_samples or deleted_rollups:
        log.info("monitoring_retention dropped_partitions=%d deleted_samples=%d "
                 "deleted_rollups=%d", len(dropped), deleted_samples, deleted_rollups)
    return {"partitions": len(dropped), "samples": deleted_samples, "rollups": deleted_rollups}


__all__ = ["hour_of", "retention_apply", "rollups_compute"]
