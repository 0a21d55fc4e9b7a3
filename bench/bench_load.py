"""A mixed customer load against a running site, on loopback.

Run: ``python bench/bench_load.py`` from the repository root (``make bench``
runs it with ``--server gunicorn``, and ``--server cluster`` when PostgreSQL
and Redis are there). It bootstraps a throwaway site (SQLite and
an index in a temporary folder, the launch content, the demo customer with
an API token and a few tickets), serves it (``--server runserver``, the
development server ``make run`` uses; ``--server gunicorn`` when gunicorn is
installed; ``--server cluster``, tools/cluster.py: nginx before ``--nodes``
gunicorn nodes with their workers, on a throwaway database of the PostgreSQL
that DATABASE_URL names and Redis from KB_BROKER_URL) and sends, after
``--warmup`` seconds not counted, from ``--clients`` threads with keep-alive
connections, the mix customers make:

  search 50 %   GET /api/v1/search?q=<an evaluation query, tests/search_eval>
  article 25 %  GET /kb/<lang>/<slug>/ (the article page a search leads to)
  diagnose 10 % POST /api/v1/diagnose (a description and a pasted mtr report)
  tickets 15 %  GET /api/v1/tickets/ and GET /api/v1/tickets/<id>/ (token)

for ``--seconds``, then prints requests per second, errors and p50/p95/p99/max
per route. Rate limits are raised for the run (they would answer 429 to one
address sending this much) and said so in the output. Repeat it: the query
and route draws come from a fixed seed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "diagnostics" / "samples"
MIX = [("search", 50), ("article", 25), ("diagnose", 10), ("tickets", 15)]
# Per second, not per minute: a throttle keeps each request of its period (the
# whole load comes from one address), and a minute of this load is a history
# of thousands that every request would read and write back.
HIGH_RATE = "10000000/second"
RATE_VARIABLES = [
    "KB_SEARCH_RATE", "KB_SEARCH_ADDRESS_RATE", "KB_DIAGNOSE_RATE", "KB_DIAGNOSE_ADDRESS_RATE",
    "KB_WIZARD_RATE", "KB_WIZARD_ADDRESS_RATE", "KB_TICKET_RATE", "KB_TICKET_ADDRESS_RATE",
    "KB_FEEDBACK_RATE", "KB_FEEDBACK_ADDRESS_RATE",
]

SETUP = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from kb.tickets.models import Organization
from kb.tickets.services import ticket_create

customer = get_user_model().objects.get(username="customer")
org = Organization.objects.get(members=customer)
for number in range(20):
    ticket_create(requester=customer, organization=org, subject=f"Push drops {number}",
                  description="OBS disconnects every few minutes", priority="P3",
                  region="eu", stream_id=f"live/{number}")
print(Token.objects.get_or_create(user=customer)[0].key)
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(work: Path) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
           "KB_VAR_DIR": str(work / "var"), "KB_INDEX_DIR": str(work / "index"),
           "KB_LOG_LEVEL": "WARNING", "KB_TASKS_EAGER": "1", "DEBUG": "1"}
    env.pop("KB_BROKER_URL", None)
    env.update({name: HIGH_RATE for name in RATE_VARIABLES})
    return env


def start_server(kind: str, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    python = sys.executable
    if kind == "gunicorn":
        command = [str(Path(python).with_name("gunicorn")), "kb.wsgi:application",
                   "--config", "gunicorn.conf.py",
                   "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread",
                   "--workers", str(workers), "--threads", "4", "--log-level", "warning"]
    else:
        command = [python, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/teams/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


class Client:
    """One simulated customer: a keep-alive connection and a fixed-seed draw."""

    def __init__(self, port: int, token: str, seed: int, plan: dict):
        self.port, self.token, self.plan = port, token, plan
        self.random = random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.routes = [name for name, weight in MIX for _ in range(weight)]

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None) -> int:
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                response.read()
                return response.status
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port,
                                                             timeout=30)
                if attempt == 2:
                    raise
        return 0

    def one(self) -> tuple[str, int]:
        route = self.random.choice(self.routes)
        auth = {"Authorization": f"Token {self.token}"}
        if route == "search":
            query = urllib.parse.urlencode({"q": self.random.choice(self.plan["queries"])})
            return route, self.request("GET", f"/api/v1/search?{query}")
        if route == "article":
            return route, self.request("GET", self.random.choice(self.plan["articles"]))
        if route == "diagnose":
            return route, self.request("POST", "/api/v1/diagnose", self.plan["diagnose"],
                                       {"Content-Type": "application/json"})
        if self.random.random() < 0.5:
            return "ticket list", self.request("GET", "/api/v1/tickets/", headers=auth)
        ticket = self.random.choice(self.plan["tickets"])
        return "ticket detail", self.request("GET", f"/api/v1/tickets/{ticket}/", headers=auth)


def load_plan(port: int, token: str) -> dict:
    queries = [q["q"] for q in tomllib.loads(
        (ROOT / "tests" / "search_eval" / "queries.toml").read_text())["query"]]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/api/v1/articles/?limit=100")
    listed = json.loads(connection.getresponse().read())
    articles = [f"/kb/{a['lang']}/{a['slug']}/"
                for a in (listed["results"] if isinstance(listed, dict) else listed)]
    connection.request("GET", "/api/v1/tickets/?limit=100",
                       headers={"Authorization": f"Token {token}"})
    listed = json.loads(connection.getresponse().read())
    tickets = [t["id"] for t in (listed["results"] if isinstance(listed, dict) else listed)]
    diagnose = json.dumps({
        "description": "viewers in Europe buffer, the push from Shanghai drops",
        "attachments": [{"name": "mtr.txt", "content": (
            SAMPLES / "linux-mtr-report-lastmile.txt").read_text()}],
    }).encode()
    return {"queries": queries, "articles": articles, "tickets": tickets,
            "diagnose": diagnose}


def run_load(port: int, token: str, clients: int, seconds: float) -> dict:
    plan = load_plan(port, token)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(seed: int) -> None:
        client = Client(port, token, seed, plan)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                route, status = client.one()
            except (http.client.HTTPException, OSError):
                route, status = "connection", 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies[route].append(elapsed)
                if not 200 <= status < 300:
                    errors[route] += 1

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "seconds": time.monotonic() - began}


def warm_up(port: int, token: str, args) -> None:
    if args.warmup > 0:
        print(f"warming up for {args.warmup:.0f} s (not counted) ...", flush=True)
        run_load(port, token, args.clients, args.warmup)


def report(result: dict, *, server: str, clients: int) -> None:
    latencies, errors = result["latencies"], result["errors"]
    total = sum(len(v) for v in latencies.values())
    print(f"{server}, {clients} clients, {result['seconds']:.0f} s on loopback "
          f"(rate limits raised for the run): {total} requests, "
          f"{total / result['seconds']:.1f} requests/s, {sum(errors.values())} errors")
    print(f"{'route':<15}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}"
          f"{'p99 ms':>9}{'max ms':>9}")
    for route in sorted(latencies):
        values = latencies[route]
        print(f"{route:<15}{len(values):>9}{errors.get(route, 0):>8}"
              f"{pct(values, 0.5):>9.1f}{pct(values, 0.95):>9.1f}"
              f"{pct(values, 0.99):>9.1f}{max(values):>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--server", choices=["runserver", "gunicorn", "cluster"],
                        default="runserver")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--nodes", type=int, default=2, help="cluster: web nodes")
    parser.add_argument("--warmup", type=float, default=15,
                        help="seconds of the same load first, not counted (every process "
                             "and thread loads its search caches on its first queries)")
    args = parser.parse_args()
    if args.server == "cluster":
        run_on_cluster(args)
        return

    work = Path(tempfile.mkdtemp(prefix="kb-bench-load-"))
    env = site_environment(work)
    server = None
    try:
        print("bootstrapping a throwaway site ...", flush=True)
        subprocess.run([sys.executable, "manage.py", "bootstrap", "--demo-users"], cwd=ROOT,
                       env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        token = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=ROOT,
                               env=env, check=True, capture_output=True,
                               text=True).stdout.split()[-1]
        port = free_port()
        server = start_server(args.server, env, port, args.workers)
        warm_up(port, token, args)
        print(f"load for {args.seconds:.0f} s ...", flush=True)
        result = run_load(port, token, args.clients, args.seconds)
        report(result, server=args.server, clients=args.clients)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def cluster_services_missing() -> str | None:
    """What ``--server cluster`` lacks here (None: nothing): PostgreSQL in
    DATABASE_URL and Redis in KB_BROKER_URL, as tools/services.sh sets them."""
    if (os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("KB_BROKER_URL", "").startswith("redis://")):
        return None
    return ('needs PostgreSQL in DATABASE_URL and Redis in KB_BROKER_URL '
            '(eval "$(tools/services.sh)" sets both)')


def run_on_cluster(args) -> None:
    """The same load through nginx to ``--nodes`` gunicorn nodes with their
    workers (tools/cluster.py), on a throwaway PostgreSQL database next to
    the one DATABASE_URL names, and Redis from KB_BROKER_URL."""
    import psycopg

    missing = cluster_services_missing()
    if missing:
        raise SystemExit(f"--server cluster {missing}")
    database = os.environ["DATABASE_URL"]
    name = f"kb_bench_load_{os.getpid()}"
    with psycopg.connect(database.replace("postgres://", "postgresql://", 1),
                         autocommit=True) as admin:
        admin.execute(f"create database {name}")
    work = Path(tempfile.mkdtemp(prefix="kb-bench-cluster-"))
    env = {**os.environ, "DATABASE_URL": database.rsplit("/", 1)[0] + f"/{name}",
           "KB_LOG_LEVEL": "WARNING", **{variable: HIGH_RATE for variable in RATE_VARIABLES}}
    port = free_port()
    cluster = None
    try:
        print(f"starting a cluster of {args.nodes} nodes (bootstrap included) ...", flush=True)
        cluster = subprocess.Popen(
            [sys.executable, "tools/cluster.py", "--port", str(port), "--nodes", str(args.nodes),
             "--folder", str(work), "--demo-users"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in cluster.stdout:
            if "[cluster] ready:" in line:
                break
            if "[cluster] stopped early" in line or cluster.poll() is not None:
                raise SystemExit(f"the cluster did not start: {line}")
        else:
            raise SystemExit("the cluster stopped before it was ready")
        token = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP], cwd=ROOT,
                               env=env, check=True, capture_output=True,
                               text=True).stdout.split()[-1]
        warm_up(port, token, args)
        print(f"load for {args.seconds:.0f} s ...", flush=True)
        result = run_load(port, token, args.clients, args.seconds)
        report(result, server=f"cluster: nginx, {args.nodes} gunicorn nodes, 2 workers",
               clients=args.clients)
    finally:
        if cluster is not None:
            cluster.terminate()
            try:
                cluster.wait(timeout=60)
            except subprocess.TimeoutExpired:
                cluster.kill()
        with psycopg.connect(database.replace("postgres://", "postgresql://", 1),
                             autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
