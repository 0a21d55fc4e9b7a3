"""A cluster on one machine: web nodes (gunicorn) behind nginx as the load
balancer, two Celery workers and one beat, on PostgreSQL and Redis.

``make cluster`` starts PostgreSQL and Redis (tools/services.sh) and runs
this; Ctrl-C stops every process it started. By hand::

    eval "$(tools/services.sh)"
    python tools/cluster.py [--port 8000] [--nodes 2] [--folder var/cluster]

What runs (all on loopback; logs in the folder, one file per process):

- nodes ``a``, ``b``...: ``gunicorn`` with gunicorn.conf.py on ports
  port+1, port+2..., DEBUG off, each with its own metrics folder (as if on
  its own machine);
- ``nginx`` on ``--port`` spreading requests over the nodes (it says which
  node answered in ``X-Served-By``) and passing the client's address on
  (``KB_TRUSTED_PROXIES=127.0.0.1``);
- worker ``index`` (``-Q index,notifications``, one process: the index has
  one writer) and worker ``work`` (``-Q notifications,celery,learning,monitoring``,
  two processes): both take notifications, so a page never waits;
- one ``beat`` (its Redis lock refuses a second).

Shared by all: the database, the broker (Redis db 0), the cache (Redis db 1:
rate limits, rendered pages, the boosts' version), the search index folder
(the nodes are on one machine; on several machines the index needs shared
storage) and e-mail written as files under the folder (no mail server here;
set ``KB_EMAIL_BACKEND`` and its settings to send for real).

Without ``SECRET_KEY`` and ``KB_WEBHOOK_SECRET`` in the environment it makes
throwaway ones for this run. ``--no-bootstrap`` skips ``manage.py bootstrap``
(migrations, content, index), for a database that has them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NODE_NAMES = "abcdefgh"
# Each worker's queues and processes. The index has one writer; both take
# notifications, so a page never waits behind a rebuild.
WORKERS = {"index": (("index", "notifications"), 1),
           "work": (("notifications", "celery", "learning", "monitoring"), 2)}


def worker_names() -> list[str]:
    """The workers' node names, as remote control addresses them."""
    return [f"{name}@{socket.gethostname()}" for name in WORKERS]


def log(message: str) -> None:
    print(f"[cluster] {message}", flush=True)


def environment(folder: Path, *, port: int) -> dict[str, str]:
    env = dict(os.environ)
    database = env.get("DATABASE_URL", "")
    broker = env.get("KB_BROKER_URL", "")
    if not database.startswith("postgres") or not broker.startswith("redis://"):
        raise SystemExit("DATABASE_URL (postgres://...) and KB_BROKER_URL (redis://...) must "
                         "be set: run eval \"$(tools/services.sh)\" first, or make cluster")
    env.setdefault("KB_CACHE_URL", broker.rsplit("/", 1)[0] + "/1")
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("KB_WEBHOOK_SECRET", secrets.token_urlsafe(32))
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("KB_SITE_URL", f"http://127.0.0.1:{port}")
    env.setdefault("KB_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    env.setdefault("KB_EMAIL_FILE_PATH", str(folder / "mail"))
    env.setdefault("KB_INDEX_DIR", str(folder / "index"))
    env.update({"DEBUG": "0", "KB_VAR_DIR": str(folder), "KB_TRUSTED_PROXIES": "127.0.0.1",
                "KB_BEAT_LOCK": str(folder / "celerybeat.lock")})
    return env


NGINX_CONF = """\
{user}worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
daemon off;
events {{ worker_connections 1024; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/nginx-tmp/body;
    proxy_temp_path {folder}/nginx-tmp/proxy;
    fastcgi_temp_path {folder}/nginx-tmp/fastcgi;
    uwsgi_temp_path {folder}/nginx-tmp/uwsgi;
    scgi_temp_path {folder}/nginx-tmp/scgi;
    upstream kb {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        # Diagnose accepts 10 MB of pasted logs; a little more for the form.
        client_max_body_size 12m;
        location / {{
            proxy_pass http://kb;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_next_upstream error timeout;
            add_header X-Served-By $upstream_addr always;
        }}
    }}
}}
"""


def nginx_config(folder: Path, *, port: int, node_ports: list[int]) -> Path:
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "nginx-tmp" / name).mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{node} max_fails=1 fail_timeout=5s;"
                        for node in node_ports)
    # As root nginx would hand its workers to "nobody", who cannot write here.
    user = "user root;\n" if os.geteuid() == 0 else ""
    path = folder / "nginx.conf"
    path.write_text(NGINX_CONF.format(user=user, folder=folder, servers=servers, port=port))
    return path


class Processes:
    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env, self.running = folder, env, []

    def start(self, name: str, command: list[str], **extra_env: str) -> subprocess.Popen:
        output = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(command, cwd=ROOT, env={**self.env, **extra_env},
                                   stdout=output, stderr=subprocess.STDOUT)
        self.running.append((name, process))
        log(f"started {name} pid={process.pid} log={self.folder / (name + '.log')}")
        return process

    def stop(self) -> None:
        for _name, process in reversed(self.running):
            if process.poll() is None:
                process.terminate()
        for name, process in reversed(self.running):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
            log(f"stopped {name}")

    def exited(self) -> list[str]:
        return [f"{name} (exit {process.returncode})" for name, process in self.running
                if process.poll() is not None]


def wait_ready(url: str, processes: Processes, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if processes.exited():
            raise SystemExit(f"stopped early: {', '.join(processes.exited())}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {timeout:.0f} s")


def wait_workers(celery: list[str], processes: Processes, env: dict[str, str],
                 timeout: float = 180) -> None:
    """Until every worker answers a ping: until then a task or a remote-control
    command sent to it waits or goes unanswered."""
    names = worker_names()
    ping = [*celery, "inspect", "ping", "--json", "--timeout", "2", "--destination",
            ",".join(names)]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if processes.exited():
            raise SystemExit(f"stopped early: {', '.join(processes.exited())}")
        result = subprocess.run(ping, cwd=ROOT, env=env, capture_output=True, text=True)
        # The replies are the last line (logging may print before it).
        try:
            answered = set(json.loads((result.stdout.strip().splitlines() or ["{}"])[-1]))
        except (ValueError, TypeError):
            answered = set()
        if answered >= set(names):
            return
        time.sleep(0.5)
    raise SystemExit(f"workers {', '.join(names)} did not answer a ping within {timeout:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000, help="nginx; nodes on the next ports")
    parser.add_argument("--nodes", type=int, default=2, choices=range(1, len(NODE_NAMES) + 1))
    parser.add_argument("--folder", type=Path, default=ROOT / "var" / "cluster")
    parser.add_argument("--no-bootstrap", action="store_true")
    parser.add_argument("--demo-users", action="store_true",
                        help="bootstrap the demo accounts too (as make run does)")
    args = parser.parse_args()

    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = environment(folder, port=args.port)
    python = [sys.executable, "manage.py"]
    if not args.no_bootstrap:
        log("bootstrap: migrations, content, search index")
        # Demo accounts (public passwords) are refused with DEBUG off: only the
        # bootstrap runs with it on, for a bench or a demo; the nodes never do.
        demo = ["--demo-users"] if args.demo_users else []
        subprocess.run([*python, "bootstrap", *demo], cwd=ROOT, check=True,
                       env={**env, "DEBUG": "1"} if demo else env)
    subprocess.run([*python, "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT,
                   env=env, check=True)

    processes = Processes(folder, env)
    stop = {"now": False}

    def on_signal(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        node_ports = [args.port + 1 + number for number in range(args.nodes)]
        for name, node_port in zip(NODE_NAMES, node_ports, strict=False):
            metrics = folder / f"node-{name}" / "metrics"
            metrics.mkdir(parents=True, exist_ok=True)
            for stale in metrics.glob("*.db"):
                stale.unlink()
            processes.start(f"node-{name}", [str(BIN / "gunicorn"), "kb.wsgi:application",
                                             "--config", "gunicorn.conf.py"],
                            PORT=str(node_port), PROMETHEUS_MULTIPROC_DIR=str(metrics))
        celery = [str(BIN / "celery"), "-A", "kb"]
        worker_metrics = str(folder / "node-a" / "metrics")
        for name, (queues, concurrency) in WORKERS.items():
            processes.start(f"worker-{name}", [*celery, "worker", "-Q", ",".join(queues),
                                               "--concurrency", str(concurrency),
                                               "--hostname", f"{name}@%h", "--loglevel", "INFO"],
                            PROMETHEUS_MULTIPROC_DIR=worker_metrics)
        processes.start("beat", [*celery, "beat", "--schedule",
                                 str(folder / "celerybeat-schedule"), "--loglevel", "INFO"],
                        PROMETHEUS_MULTIPROC_DIR=worker_metrics)
        conf = nginx_config(folder, port=args.port, node_ports=node_ports)
        processes.start("nginx", ["nginx", "-p", str(folder), "-c", str(conf)])
        for node_port in node_ports:
            wait_ready(f"http://127.0.0.1:{node_port}/healthz", processes)
        wait_ready(f"http://127.0.0.1:{args.port}/readyz", processes)
        wait_workers(celery, processes, env)
        log(f"ready: http://127.0.0.1:{args.port}/ (nodes on {', '.join(map(str, node_ports))};"
            f" logs in {folder}); Ctrl-C stops it")
        while not stop["now"]:
            if processes.exited():
                log(f"a process stopped: {', '.join(processes.exited())}; stopping the rest")
                break
            time.sleep(0.5)
    finally:
        processes.stop()


if __name__ == "__main__":
    main()
