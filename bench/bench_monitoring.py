"""Benchmark line monitoring at 1,000 lines.

Run: ``python bench/bench_monitoring.py [--lines 1000]`` from the repository
root (``make bench`` runs it). A temporary SQLite database is used; nothing
of the site's ``var/`` is touched. With ``KB_BENCH_DATABASE_URL`` naming a
PostgreSQL server (``postgres://kb:kb@localhost:5432/kb`` after
``tools/services.sh``), the bench runs there instead, in a database of its
own that it creates and drops (the samples partitioned by day).

Printed (the machine is shared: each figure comes with a baseline measured
in the same run, interleaved with it, and the ratio between them):
- ingest: ``POST /api/v1/monitoring/samples`` with 1,000 samples (one minute
  of every line, as the agents of 1,000 lines send it), p50 / p95, against
  the bare database (the same 1,000 rows in one ``INSERT ... ON CONFLICT DO
  NOTHING``, committed) and ``samples_record`` alone; and the CPU share of
  one core that 1,000 lines x 1 sample a minute take;
- a line's 30-day chart, first drawn (nothing cached) with every line
  holding 30 days of hourly rollups (1,000 lines: 720,000 rows): the page,
  the series and the three charts, against the bare database (the line's
  720 rollups read through the cursor);
- evaluation: ``lines_evaluate`` over every line with 90 minutes of samples
  (20 baselines refreshed a run), p50 / p95;
- the site's prober: one run over every line against a TCP listener on
  loopback (10 probes each, 64 at once);
- detection delay: a line probed and evaluated minute by minute as beat
  does (the evaluation 15 s after the burst) that goes down, or degraded
  (10 % loss), at a given minute: how long from the onset to its ticket.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = Path(os.environ.get("KB_BENCH_WORK") or tempfile.mkdtemp(prefix="kb-bench-monitoring-"))
BENCH_DATABASE_URL = os.environ.get("KB_BENCH_DATABASE_URL", "")
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL or f"sqlite:///{WORK / 'db.sqlite3'}"
os.environ["KB_INDEX_DIR"] = str(WORK / "index")
os.environ["KB_VAR_DIR"] = str(WORK / "var")
os.environ["KB_BROKER_URL"] = "filesystem://"
os.environ["KB_TASKS_EAGER"] = "1"
os.environ["KB_MONITORING_SAMPLES_RATE"] = "100000/minute"
os.environ["ALLOWED_HOSTS"] = "testserver"
# As in production: with DEBUG on, Django keeps and formats every query's
# SQL, which for a 1,000-row insert costs more than the insert.
os.environ["DEBUG"] = "0"
os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
os.environ["KB_WEBHOOK_SECRET"] = secrets.token_urlsafe(50)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ["KB_LOG_LEVEL"] = "ERROR"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# On a server, a database of the bench's own (never the site's, nor the
# test suite's test_kb), created in setup and dropped at the end.
settings.DATABASES["default"]["TEST"]["NAME"] = f"kb_bench_{secrets.token_hex(4)}"
SITE_DATABASE_NAME = settings.DATABASES["default"]["NAME"]
# Nothing is collected in the bench's directory: the pages name the static
# files as they are (in production, a lookup in the manifest's dict).
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.base_user import AbstractBaseUser  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from kb.monitoring.charts import line_charts  # noqa: E402
from kb.monitoring.evaluation import lines_evaluate  # noqa: E402
from kb.monitoring.minutes import floor_hour, floor_minute  # noqa: E402
from kb.monitoring.models import Incident, Line, Sample  # noqa: E402
from kb.monitoring.prober import lines_probe  # noqa: E402
from kb.monitoring.series import line_series  # noqa: E402
from kb.monitoring.services import SampleInput, line_create, samples_record  # noqa: E402
from kb.tickets.models import Organization  # noqa: E402
from kb.tickets.services import sla_policies_ensure, teams_load_fixture  # noqa: E402

M = dt.timedelta(minutes=1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(values: list[float]) -> str:
    return (f"p50 {statistics.median(values) * 1000:.0f} ms, "
            f"p95 {percentile(values, 0.95) * 1000:.0f} ms (n={len(values)})")


def ratio(values: list[float], baseline: list[float]) -> str:
    return (f"{statistics.median(values) / statistics.median(baseline):.1f}x / "
            f"{percentile(values, 0.95) / percentile(baseline, 0.95):.1f}x the bare database")


def sample(line_id: int, at: dt.datetime, *, received: int = 20) -> SampleInput:
    back = received > 0
    return SampleInput(line_id=line_id, source="encoder-1", at=at, sent=20, received=received,
                       rtt_min_ms=68.0 if back else None,
                       rtt_avg_ms=70.0 + line_id % 9 if back else None,
                       rtt_max_ms=95.0 if back else None, jitter_ms=2.5 if back else None)


def setup(count: int, port: int) -> tuple[Organization, list[int], str, AbstractBaseUser]:
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
    else:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    org = Organization.objects.create(name="Bench Live")
    user = get_user_model().objects.create_user("bench", email="noc@bench.example")
    org.members.add(user)
    ids = [line_create(organization=org, name=f"Studio {n} -> SEA ingest", from_region="cn",
                       to_region="sea", kind="dedicated", host="127.0.0.1", port=port,
                       protocol="rtmp", probe_method="tcp").pk for n in range(count)]
    return org, ids, Token.objects.create(user=user).key, user


BARE_SOURCE = "bench-bare"
SERVICE_SOURCE = "bench-service"
_SAMPLE_COLUMNS = ("line_id", "source", "at", "sent", "received", "rtt_min_ms", "rtt_avg_ms",
                   "rtt_max_ms", "jitter_ms", "method", "error")


def bare_insert(ids: list[int], at: dt.datetime) -> None:
    """The batch's rows as the database alone takes them: one INSERT,
    committed (on PostgreSQL one array per column, since psycopg parses the
    placeholders of a long statement in Python on every call)."""
    stamp = connection.ops.adapt_datetimefield_value(at)
    rows = [(i, BARE_SOURCE, stamp, 20, 19, 68.1, 71.4, 90.2, 3.1, "", "") for i in ids]
    columns = ", ".join(_SAMPLE_COLUMNS)
    if connection.vendor == "postgresql":
        sql = (f"INSERT INTO monitoring_sample ({columns}) SELECT * FROM unnest("
               "%s::bigint[], %s::varchar[], %s::timestamptz[], %s::integer[], %s::integer[], "
               "%s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::varchar[], "
               "%s::varchar[])")
        params = [list(column) for column in zip(*rows, strict=True)]
    else:
        row = "(" + ", ".join(["%s"] * len(_SAMPLE_COLUMNS)) + ")"
        sql = f"INSERT INTO monitoring_sample ({columns}) VALUES " + ", ".join([row] * len(ids))
        params = [value for values in rows for value in values]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql + " ON CONFLICT (line_id, source, at) DO NOTHING", params)


def bench_ingest(ids: list[int], token: str, start: dt.datetime, requests: int) -> None:
    """Each round, one minute of every line three ways: bare, through the
    service, through the API (the first two under sources of their own,
    deleted afterwards)."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    walls, cpus, bare, bare_cpus, service = [], [], [], [], []
    for n in range(requests):
        at = (start + n * M).strftime("%Y-%m-%dT%H:%M:00Z")
        body = {"samples": [{"line": i, "at": at, "source": "encoder-1", "sent": 20,
                             "received": 19, "rtt_min_ms": 68.1, "rtt_avg_ms": 71.4,
                             "rtt_max_ms": 90.2, "jitter_ms": 3.1} for i in ids]}
        began, cpu = time.perf_counter(), time.process_time()
        bare_insert(ids, start + n * M)
        bare.append(time.perf_counter() - began)
        bare_cpus.append(time.process_time() - cpu)
        batch = [dataclasses.replace(sample(i, start + n * M), source=SERVICE_SOURCE)
                 for i in ids]
        began = time.perf_counter()
        samples_record(samples=batch)
        service.append(time.perf_counter() - began)
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post("/api/v1/monitoring/samples", body, content_type="application/json")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 202, response.content[:300]
    # The bare and service rows go again: detection and charts read the agents' only.
    Sample.objects.filter(source__in=[BARE_SOURCE, SERVICE_SOURCE]).delete()
    print(f"ingest: bare database, {len(ids):,} rows in one INSERT {ms(bare)}; "
          f"CPU {ms(bare_cpus)}")
    print(f"ingest: samples_record of {len(ids):,} samples {ms(service)}; "
          f"{ratio(service, bare)}")
    # The CPU time is what other work on the machine disturbs least (the
    # wall time of a commit waits for the disk).
    print(f"ingest: POST of {len(ids):,} samples {ms(walls)}; {ratio(walls, bare)}; "
          f"CPU {ms(cpus)}, {ratio(cpus, bare_cpus)}")
    print(f"ingest: {len(ids):,} lines x 1 sample a minute take "
          f"{statistics.median(cpus) / 60 * 100:.2f} % of one core "
          f"({statistics.median(cpus) * 1000:.0f} ms CPU a minute)")


def rollups_fill(ids: list[int], end: dt.datetime, days: int) -> None:
    """``days`` of hourly rollups before ``end`` for every line, as the
    rollup task leaves them."""
    stamps = [connection.ops.adapt_datetimefield_value(end - h * dt.timedelta(hours=1))
              for h in range(1, days * 24 + 1)]
    with transaction.atomic(), connection.cursor() as cursor:
        for i in ids:
            cursor.executemany(
                "INSERT INTO monitoring_rollup (line_id, hour, minutes, sent, received, "
                "loss_pct, rtt_min_ms, rtt_avg_ms, rtt_max_ms, jitter_ms) "
                "VALUES (%s, %s, 60, 1200, 1190, 0.833, %s, %s, %s, %s)",
                [(i, stamp, 66.0 + n % 5, 70.0 + i % 9 + n % 7 / 7, 90.0 + n % 23,
                  2.0 + n % 11 / 10) for n, stamp in enumerate(stamps)])


def bench_chart(ids: list[int], user: AbstractBaseUser, draws: int) -> None:
    """A line's 30-day page drawn for the first time (nothing cached), for
    ``draws`` different lines, against reading its rollups bare."""
    now = timezone.now()
    end = floor_hour(now)
    start = end - dt.timedelta(days=30)
    client = Client()
    client.force_login(user)
    bare, series_took, charts_took, pages = [], [], [], []
    step = max(1, len(ids) // draws)
    for line_id in ids[::step][:draws]:
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT hour, sent, received, loss_pct, rtt_min_ms, rtt_avg_ms, rtt_max_ms, "
                "jitter_ms FROM monitoring_rollup WHERE line_id = %s AND hour >= %s "
                "AND hour < %s", [line_id, connection.ops.adapt_datetimefield_value(start),
                                  connection.ops.adapt_datetimefield_value(end)])
            rows = cursor.fetchall()
        bare.append(time.perf_counter() - began)
        assert len(rows) == 30 * 24, len(rows)
        line = Line.objects.get(pk=line_id)
        began = time.perf_counter()
        series = line_series(line=line, range_key="30d", now=now)
        series_took.append(time.perf_counter() - began)
        began = time.perf_counter()
        line_charts(series)
        charts_took.append(time.perf_counter() - began)
        cache.clear()
        began = time.perf_counter()
        response = client.get(f"/monitoring/lines/{line_id}/?range=30d")
        pages.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
    drawn = [a + b for a, b in zip(series_took, charts_took, strict=True)]
    print(f"30-day chart ({len(ids):,} lines x 30 days of hourly rollups): "
          f"bare database, the line's 720 rollups {ms(bare)}")
    print(f"30-day chart: the series {ms(series_took)}; the three charts {ms(charts_took)}")
    print(f"30-day chart: first draw (series and charts) {ms(drawn)}; {ratio(drawn, bare)}")
    print(f"30-day chart: the page, first drawn {ms(pages)}; {ratio(pages, bare)}")


def bench_evaluation(ids: list[int], now: dt.datetime, runs: int) -> None:
    lines_evaluate(now=now)  # the first run writes every line's state
    took = []
    for n in range(runs):
        began = time.perf_counter()
        report = lines_evaluate(now=now + dt.timedelta(seconds=n + 1))
        took.append(time.perf_counter() - began)
    print(f"evaluation: {len(ids):,} lines {ms(took)} ({report.baselines} baselines a run)")


def bench_prober(ids: list[int]) -> None:
    began = time.perf_counter()
    report = lines_probe(now=floor_minute(timezone.now()) + dt.timedelta(minutes=5))
    print(f"site prober: {len(ids):,} lines x 10 TCP probes in "
          f"{time.perf_counter() - began:.1f} s ({report.lost} lost)")


def bench_delay(org: Organization, received: int, label: str) -> None:
    """Minutes from the onset (the first bad burst) to the ticket."""
    line = line_create(organization=org, name=f"Delay {label}", from_region="cn",
                       to_region="sea", kind="dedicated", host="127.0.0.1", port=1935,
                       protocol="rtmp", probe_by_site=False)
    start = floor_minute(timezone.now()) - 40 * M
    onset = start + 10 * M
    for n in range(30):
        at = start + n * M
        samples_record(samples=[sample(line.pk, at, received=received if at >= onset else 20)])
        # The burst is done a few seconds into its minute; the evaluation
        # runs on its own minute schedule, at worst just before the burst
        # lands: then the sample is seen a minute later. 15 s is the middle.
        lines_evaluate(now=at + dt.timedelta(seconds=15), line_ids=[line.pk])
        incident = Incident.objects.filter(line=line).first()
        if incident is not None and incident.ticket_id:
            delay = (at + dt.timedelta(seconds=15) - onset).total_seconds() / 60
            print(f"detection delay, {label}: the ticket {delay:.2f} min after the onset "
                  f"(at worst {delay + 1:.2f} when the evaluation just missed the burst)")
            return
    print(f"detection delay, {label}: no ticket within 20 minutes")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--draws", type=int, default=20)
    args = parser.parse_args()
    listener = socket.create_server(("127.0.0.1", 0), backlog=1024)

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    print(f"working in {WORK}, on {connection.vendor}")
    org, ids, token, user = setup(args.lines, listener.getsockname()[1])
    now = floor_minute(timezone.now())
    history = now - 90 * M
    for n in range(90 - args.requests):
        samples_record(samples=[sample(i, history + n * M) for i in ids])
    bench_ingest(ids, token, history + (90 - args.requests) * M, args.requests)
    bench_evaluation(ids, now + dt.timedelta(seconds=15), runs=10)
    bench_prober(ids)
    rollups_fill(ids, floor_hour(timezone.now()), days=30)
    bench_chart(ids, user, args.draws)
    Line.objects.filter(pk__in=ids).update(active=False)
    bench_delay(org, 0, "down (100 % loss)")
    bench_delay(org, 18, "degraded (10 % loss)")
    listener.close()
    if connection.vendor != "sqlite":
        connection.creation.destroy_test_db(SITE_DATABASE_NAME, verbosity=0)


if __name__ == "__main__":
    main()
