"""Benchmark e-mail intake: messages taken in per second.

Run: ``python bench/bench_mail.py [--messages 600]`` from the repository
root (``make bench`` runs it). A temporary SQLite database is used; nothing
of the site's ``var/`` is touched; mail the site sends stays in memory.

The messages are the test corpus (tests/fixtures/mail: Outlook, Gmail,
Foxmail in GBK, Apple Mail quoted-printable, Big5 HTML-only webmail,
ISO-2022-JP, an out-of-office reply, a bounce), each copy with its own
Message-ID and sender in the organizations' verified domains, so most file
a ticket (with its diagnosis of pasted logs, SLA clocks and the customer's
confirmation e-mail), some are ignored (loops, bounces) and some held.

Printed, measured in the same run: the baseline (MIME parsing alone, what
every way in must do), then ``message_receive`` (what the IMAP poll and the
watcher call per message) and the relay endpoint (the same through HTTP,
Django's test client, no network): messages per second, p50/p95 per
message, and each as a ratio to the parse baseline.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = Path(os.environ.get("KB_BENCH_WORK") or tempfile.mkdtemp(prefix="kb-bench-mail-"))
os.environ["DATABASE_URL"] = f"sqlite:///{WORK / 'db.sqlite3'}"
os.environ["KB_INDEX_DIR"] = str(WORK / "index")
os.environ["KB_VAR_DIR"] = str(WORK / "var")
os.environ["KB_BROKER_URL"] = "filesystem://"
os.environ["KB_TASKS_EAGER"] = "1"
os.environ["KB_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["KB_MAIL_RELAY_SECRET"] = "bench-relay-secret"
# Every copy comes from its own sender: the per-sender limit is not measured.
os.environ["KB_MAIL_TICKETS_PER_HOUR"] = "1000000"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
os.environ["KB_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from kb.mail.parsing import message_parse  # noqa: E402
from kb.mail.services import message_receive  # noqa: E402
from kb.tickets.models import Organization, Team  # noqa: E402
from kb.tickets.services import sla_policies_ensure, teams_load_fixture  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "mail"
_MESSAGE_ID = re.compile(rb"^Message-ID:[^\r\n]*\r?\n", re.I | re.M)
_FROM = re.compile(rb"^(From:[^\r\n]*?)([\w.+-]+)@([\w.-]+)", re.I | re.M)


def copies(count: int, run: str) -> list[bytes]:
    """``count`` messages from the corpus, each with its own Message-ID and
    sender (in the same domain, so it files for the same organization)."""
    corpus = sorted(p.read_bytes() for p in CORPUS.glob("*.eml"))
    made = []
    for n in range(count):
        raw = _MESSAGE_ID.sub(b"", corpus[n % len(corpus)], count=1)
        raw = _FROM.sub(lambda m, n=n: m.group(1) + m.group(2) + f"+{run}{n}".encode()
                        + b"@" + m.group(3), raw, count=1)
        made.append(f"Message-ID: <bench-{run}-{n}@client.example>\r\n".encode() + raw)
    return made


def figures(name: str, seconds: list[float], baseline_rate: float | None) -> float:
    rate = len(seconds) / sum(seconds)
    cuts = statistics.quantiles(seconds, n=20)
    ratio = "" if baseline_rate is None else f"  ({baseline_rate / rate:.1f}x the parse time)"
    print(f"{name:<22} {rate:8.1f} messages/s  p50 {statistics.median(seconds) * 1000:6.1f} ms"
          f"  p95 {cuts[18] * 1000:6.1f} ms{ratio}", flush=True)
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=600)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    # Someone to page for the stream-down messages (P1s), in every team.
    engineer = get_user_model().objects.create_user(
        "bench-engineer", email="engineer@streamline-kb.example.com", is_staff=True)
    for team in Team.objects.all():
        team.members.add(engineer)
    for name, domains in (("Acme Live", ["acme.example"]),
                          ("Huaxin Media", ["huaxin.example.cn"]),
                          ("Taipei Live", ["tw-live.example.tw"]),
                          ("Gmail customers", ["gmail.com", "example.com", "example.org"])):
        Organization.objects.create(name=name, verified_domains=domains)
    print(f"{args.messages} messages from {len(list(CORPUS.glob('*.eml')))} corpus messages, "
          f"SQLite at {WORK}", flush=True)

    parse = []
    for raw in copies(args.messages, "parse"):
        started = time.perf_counter()
        message_parse(raw)
        parse.append(time.perf_counter() - started)
    baseline = figures("parse (baseline)", parse, None)

    receive, outcomes = [], {}
    for raw in copies(args.messages, "receive"):
        started = time.perf_counter()
        received = message_receive(raw=raw)
        receive.append(time.perf_counter() - started)
        outcomes[received.outcome] = outcomes.get(received.outcome, 0) + 1
    figures("message_receive", receive, baseline)
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
          + f"; e-mails sent {len(mail.outbox)}", flush=True)

    client, relay = Client(HTTP_HOST="127.0.0.1"), []
    for raw in copies(args.messages, "relay"):
        started = time.perf_counter()
        response = client.post("/api/v1/mail/inbound", data=raw,
                               content_type="message/rfc822",
                               headers={"X-KB-Relay-Secret": "bench-relay-secret"})
        relay.append(time.perf_counter() - started)
        if response.status_code != 202:
            raise SystemExit(f"relay answered {response.status_code}: {response.content[:300]}")
    figures("relay endpoint (HTTP)", relay, baseline)


if __name__ == "__main__":
    main()
