"""Benchmark line monitoring at 1,000 lines.

Run: ``python bench/bench_monitoring.py [--lines 1000]`` from the repository
root (``make bench`` runs it). A temporary SQLite database is used; nothing
of the site's ``var/`` is touched.

Printed:
- ingest: ``POST /api/v1/monitoring/samples`` with 1,000 samples (one minute
  of every line, as the agents of 1,000 lines send it), p50 / p95, and the
  CPU share of one core that 1,000 lines x 1 sample a minute take;
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
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'db.sqlite3'}"
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

import datetime as dt  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from kb.monitoring.evaluation import lines_evaluate  # noqa: E402
from kb.monitoring.minutes import floor_minute  # noqa: E402
from kb.monitoring.models import Incident, Line  # noqa: E402
from kb.monitoring.prober import lines_probe  # noqa: E402
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


def sample(line_id: int, at: dt.datetime, *, received: int = 20) -> SampleInput:
    back = received > 0
    return SampleInput(line_id=line_id, source="encoder-1", at=at, sent=20, received=received,
                       rtt_min_ms=68.0 if back else None,
                       rtt_avg_ms=70.0 + line_id % 9 if back else None,
                       rtt_max_ms=95.0 if back else None, jitter_ms=2.5 if back else None)


def setup(count: int, port: int) -> tuple[Organization, list[int], str]:
    call_command("migrate", verbosity=0)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    org = Organization.objects.create(name="Bench Live")
    user = get_user_model().objects.create_user("bench", email="noc@bench.example")
    org.members.add(user)
    ids = [line_create(organization=org, name=f"Studio {n} -> SEA ingest", from_region="cn",
                       to_region="sea", kind="dedicated", host="127.0.0.1", port=port,
                       protocol="rtmp", probe_method="tcp").pk for n in range(count)]
    return org, ids, Token.objects.create(user=user).key


def bench_ingest(ids: list[int], token: str, start: dt.datetime, requests: int) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    walls, cpus = [], []
    for n in range(requests):
        at = (start + n * M).strftime("%Y-%m-%dT%H:%M:00Z")
        body = {"samples": [{"line": i, "at": at, "source": "encoder-1", "sent": 20,
                             "received": 19, "rtt_min_ms": 68.1, "rtt_avg_ms": 71.4,
                             "rtt_max_ms": 90.2, "jitter_ms": 3.1} for i in ids]}
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post("/api/v1/monitoring/samples", body, content_type="application/json")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 202, response.content[:300]
    print(f"ingest: POST of {len(ids):,} samples {ms(walls)}")
    print(f"ingest: {len(ids):,} lines x 1 sample a minute take "
          f"{statistics.median(cpus) / 60 * 100:.2f} % of one core "
          f"({statistics.median(cpus) * 1000:.0f} ms CPU a minute)")


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
    print(f"working in {WORK}")
    org, ids, token = setup(args.lines, listener.getsockname()[1])
    now = floor_minute(timezone.now())
    history = now - 90 * M
    for n in range(90 - args.requests):
        samples_record(samples=[sample(i, history + n * M) for i in ids])
    bench_ingest(ids, token, history + (90 - args.requests) * M, args.requests)
    bench_evaluation(ids, now + dt.timedelta(seconds=15), runs=10)
    bench_prober(ids)
    Line.objects.filter(pk__in=ids).update(active=False)
    bench_delay(org, 0, "down (100 % loss)")
    bench_delay(org, 18, "degraded (10 % loss)")
    listener.close()


if __name__ == "__main__":
    main()
