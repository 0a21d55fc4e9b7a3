"""Writes of line monitoring: lines, samples, maintenance windows.

Detection's writes (incidents and their tickets) are in
``kb.monitoring.incidents``; the status page's (updates, postmortems,
subscribers) in ``kb.monitoring.status``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from kb.core.exceptions import ApplicationError
from kb.monitoring.minutes import floor_minute, hour_of
from kb.monitoring.models import Line, Maintenance, Sample
from kb.monitoring.partitions import sample_partitions_ensure
from kb.tickets.models import Organization

# The largest batch of samples one request may carry.
MAX_SAMPLES = 1000
# The source name of the site's own prober.
SITE_SOURCE = "site"


@transaction.atomic
def line_create(*, organization: Organization, name: str, from_region: str, to_region: str,
                kind: str, host: str, port: int, protocol: str, language: str = "en",
                **settings) -> Line:
    """Add a line to monitor; ``settings`` are further fields (thresholds,
    probing, ``public``) for staff."""
    line = Line(organization=organization, name=name.strip(), from_region=from_region,
                to_region=to_region, kind=kind, host=host.strip(), port=port,
                protocol=protocol, language=language, created_at=timezone.now(), **settings)
    line.full_clean()
    line.save()
    return line


@dataclass(frozen=True)
class SampleInput:
    """One source's minute of one line, validated (kb.monitoring.apis)."""

    line_id: int
    source: str
    at: dt.datetime
    sent: int
    received: int
    rtt_min_ms: float | None = None
    rtt_avg_ms: float | None = None
    rtt_max_ms: float | None = None
    jitter_ms: float | None = None
    method: str = ""
    error: str = ""


_COLUMNS = ("line_id", "source", "at", "sent", "received", "rtt_min_ms", "rtt_avg_ms",
            "rtt_max_ms", "jitter_ms", "method", "error")
# Their types on PostgreSQL (kb/monitoring/partitions.py), for the arrays.
_COLUMN_TYPES = ("bigint", "varchar", "timestamptz", "integer", "integer", "float8", "float8",
                 "float8", "float8", "varchar", "varchar")


def _insert_ignoring_duplicates(table: str, columns: tuple[str, ...], types: tuple[str, ...],
                                rows: list[tuple], unique: str) -> tuple[str, list]:
    """One ``INSERT ... ON CONFLICT (unique) DO NOTHING`` of ``rows``: SQL
    and parameters.

    On PostgreSQL each column goes as one array, unnested: psycopg parses
    the placeholders of a statement too long for its cache in Python on
    every call, and 11,000 of them (1,000 samples) took longer than the
    insert itself. Elsewhere, one row of placeholders per row.
    """
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{kind}[]" for kind in types)
        # An array holds one type: a whole number among the floats is made one.
        return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM unnest({arrays}) "
                f"ON CONFLICT ({unique}) DO NOTHING",
                [[None if value is None else float(value) for value in column]
                 if kind == "float8" else list(column)
                 for kind, column in zip(types, zip(*rows, strict=True), strict=True)])
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * len(rows))} "
            f"ON CONFLICT ({unique}) DO NOTHING",
            [value for values in rows for value in values])


def samples_record(*, samples: list[SampleInput]) -> tuple[int, int]:
    """Store samples; returns (accepted, duplicates).

    ``at`` is cut to the minute. The same line, source and minute again (in
    this batch or stored before) is a duplicate and changes nothing: one
    ``INSERT ... ON CONFLICT DO NOTHING`` counts what it inserted, so two
    agents sending the same minute at once are counted right. The hours
    touched are marked for the rollup task, since a backlog can bring
    samples for hours already rolled up.
    """
    if not samples:
        return 0, 0
    if len(samples) > MAX_SAMPLES:
        raise ApplicationError(f"At most {MAX_SAMPLES} samples at a time.")
    # A batch names few distinct times (an agent's minute, or a backlog's
    # few hundred): each is cut to its minute and adapted for the database
    # once, not once per sample.
    minute_of: dict[dt.datetime, dt.datetime] = {}
    rows = {}
    for sample in samples:
        at = minute_of.get(sample.at)
        if at is None:
            at = floor_minute(sample.at.astimezone(dt.UTC))
            # Fixed offsets only: in a zone's repeated hour two equal times
            # (their fold aside) are different instants.
            if type(sample.at.tzinfo) is dt.timezone:
                minute_of[sample.at] = at
        rows.setdefault((sample.line_id, sample.source, at), (sample, at))
    minutes = {at for _, at in rows.values()}
    # Partitions are created outside the insert's transaction: a partition
    # made inside one that then rolls back would be gone again.
    sample_partitions_ensure(days={at.date() for at in minutes})
    adapt = connection.ops.adapt_datetimefield_value
    adapted = {at: adapt(at) for at in minutes}
    values = [(sample.line_id, sample.source, adapted[at], sample.sent, sample.received,
               sample.rtt_min_ms, sample.rtt_avg_ms, sample.rtt_max_ms, sample.jitter_ms,
               sample.method, sample.error[:200]) for sample, at in rows.values()]
    hour_of_minute = {at: hour_of(at) for at in minutes}
    adapted_hours = {hour: adapt(hour) for hour in set(hour_of_minute.values())}
    hours = [(line_id, adapted_hours[hour]) for line_id, hour in
             sorted({(line_id, hour_of_minute[at]) for line_id, _, at in rows})]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(*_insert_ignoring_duplicates(
            Sample._meta.db_table, _COLUMNS, _COLUMN_TYPES, values, "line_id, source, at"))
        inserted = cursor.rowcount
        cursor.execute(*_insert_ignoring_duplicates(
            "monitoring_rolluppending", ("line_id", "hour"), ("bigint", "timestamptz"), hours,
            "line_id, hour"))
    return inserted, len(samples) - inserted


@transaction.atomic
def maintenance_create(*, title: str, starts_at: dt.datetime, ends_at: dt.datetime,
                       lines: list[Line] | None = None, regions: list[str] | None = None,
                       description: str = "", public: bool = True) -> Maintenance:
    """Plan a maintenance window over lines and whole regions."""
    if not lines and not regions:
        raise ApplicationError("Name the lines or regions the maintenance covers.")
    maintenance = Maintenance(title=title, description=description, starts_at=starts_at,
                              ends_at=ends_at, regions=sorted(set(regions or [])),
                              public=public, created_at=timezone.now())
    maintenance.full_clean()
    maintenance.save()
    if lines:
        maintenance.lines.set(lines)
    return maintenance
