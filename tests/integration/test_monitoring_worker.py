"""Line monitoring end to end on a real Celery worker: a customer adds a line
through the API, the site and the customer's agent both probe its ingest,
and breaking the path (loss, then no route) opens the degraded incident
with a P2, raises it to P1 with the page, and resolves it on recovery.

What is real and what is driven:

- Real: the ingest, a TCP listener inside a network namespace the test
  makes (reached over a veth pair, so iptables can break the path without
  touching the machine's own traffic); the loss (``iptables -m statistic``
  dropping half of what reaches the ingest) and the missing route (an
  ``unreachable`` route); every burst of probes, the site's and the agent's
  (ICMP echo as root, else TCP connect, through the namespace); the worker
  (``celery worker`` on Redis and the PostgreSQL test database) running
  ``probe_lines_task`` once, ``evaluate_lines_task`` for every minute, and
  the e-mails and the P1 page those queue; ``streamline-probe`` run as the
  program a customer runs, posting to the test's live server with the
  customer's token; the line created with that token through the API.
- Driven: the minutes. Detection needs 20 consecutive minutes (2 healthy,
  3 lossy, 3 dark, 10 healthy and more), which the test cannot wait for.
  So each minute is measured for real but labelled with a minute of the
  half hour before the test: the site's burst by ``lines_probe(now=...)``
  (the function ``probe_lines_task`` calls, which takes no instant) in this
  process, the agent's by running it under ``faketime`` at that minute, and
  the evaluation's clock by ``evaluate_lines_task.delay(at=...)``. The only
  real minute is the current one, probed by the worker's own
  ``probe_lines_task`` and by the agent without a moved clock.

Needs root with ``ip``, ``iptables`` and ``faketime`` (CI runs as root and
installs faketime), PostgreSQL and Redis; skips with the reason otherwise.
About a minute of wall time: one real burst (2 to 3 s) per driven minute.
"""

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import streamline_probe
from kb.monitoring.minutes import floor_minute
from kb.monitoring.models import Incident, Line, Sample
from kb.monitoring.prober import lines_probe
from kb.monitoring.tasks import evaluate_lines_task, probe_lines_task
from kb.tickets.models import Notification, Ticket
from kb.tickets.services import sla_preview, teams_demo_on_call_ensure
from kb.tickets.timeline import render_english
from tests.clock import faketime_at, on_this_clock
from tests.integration.test_worker import wait_for, worker  # noqa: F401 - the fixture
from tests.monitoring.conftest import acme, organisation  # noqa: F401 - the fixtures
from tests.monitoring.test_prober_netns import ingest_namespace  # noqa: F401 - the fixture

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

M = dt.timedelta(minutes=1)
REPO = Path(streamline_probe.__file__).parent.parent
AGENT = str(Path(sys.executable).with_name("streamline-probe"))
AGENT_SOURCE = "encoder-1"
# The agent's clock is set this far into the minute it is to measure, so it
# labels its burst with that minute even if it starts a few seconds late.
INTO_THE_MINUTE = dt.timedelta(seconds=20)
_SUCCEEDED = r"evaluate_lines_task\[{id}\] succeeded in [0-9.]+s: '(?P<report>[^']*)'"


@pytest.fixture
def faketime():
    path = shutil.which("faketime")
    if path is None:
        pytest.skip("needs faketime (apt-get install faketime) to run the agent at a minute "
                    "of the past")
    return path


def agent_start(faketime: str, site: str, token: str, line: Line, *, backlog: Path,
                minute: dt.datetime | None = None) -> subprocess.Popen:
    """``streamline-probe --once`` against ``site``; at ``minute`` (its clock
    moved there with faketime) or now. Its burst goes through the namespace."""
    command = [AGENT, "--site", site, "--once", "--source", AGENT_SOURCE, "--count", "5",
               "--backlog", str(backlog), "--line", f"{line.pk}={line.host}:{line.port}"]
    env = on_this_clock({**os.environ, "STREAMLINE_PROBE_TOKEN": token})
    if minute is not None:
        command = [faketime, "-f", faketime_at(minute + INTO_THE_MINUTE), *command]
        env["TZ"] = "UTC"
        # Only the wall clock moves: timeouts and RTTs keep the real one.
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=REPO, env=env)


def agent_wait(agent: subprocess.Popen) -> str:
    _, stderr = agent.communicate(timeout=60)
    assert agent.returncode == 0, stderr
    assert "site unreachable" not in stderr and "the site refused" not in stderr, stderr
    return stderr


def evaluate_on_worker(worker, at: dt.datetime) -> str:  # noqa: F811 - the fixture's value
    """Queue the evaluation as of ``at``; the worker's report once it ran."""
    result = evaluate_lines_task.delay(at=at.isoformat())
    pattern = re.compile(_SUCCEEDED.format(id=re.escape(result.id)))

    def ran():
        return pattern.search(worker["log"].read_text())

    found = wait_for(ran, timeout=30)
    assert found, "the worker did not evaluate; its log:\n" + worker["log"].read_text()[-3000:]
    report = found.group("report")
    assert "failed=0" in report, report
    return report


def mails_to(worker, address: str) -> str:  # noqa: F811 - the fixture's value
    """The e-mails the worker sent to ``address``, oldest first, as text."""
    folder = worker["mail_dir"]
    files = sorted(folder.glob("*.log")) if folder.exists() else []
    messages = [m for f in files for m in f.read_text().split("-" * 79 + "\n") if m.strip()]
    return "".join(m for m in messages if f"\nTo: {address}\n" in m)


def test_a_line_broken_in_a_namespace_is_handled_by_the_worker(
        worker, ingest_namespace, faketime, acme, live_server, client,  # noqa: F811
        django_user_model, tmp_path):
    org, alice = acme
    engineer = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                     is_staff=True)
    teams_demo_on_call_ensure(engineer=engineer)
    ns = ingest_namespace
    token = Token.objects.create(user=alice).key
    backlog = tmp_path / "backlog.jsonl"

    # The customer adds the line with the organization's token.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = api.post("/api/v1/monitoring/lines/", {
        "name": "Studio -> namespace ingest", "from_region": "eu", "to_region": "eu",
        "kind": "dedicated", "host": ns.address, "port": ns.port, "protocol": "rtmp"},
        format="json")
    assert created.status_code == 201, created.content
    line = Line.objects.get(pk=created.json()["id"], organization=org)
    assert line.probe_by_site and line.contact_email == "alice@example.com"

    # The real minute: the worker's probe task and the agent measure it.
    now_minute = floor_minute(timezone.now())
    probe_lines_task.delay()
    agent = agent_start(faketime, live_server.url, token, line, backlog=backlog)
    agent_wait(agent)
    site_sample = wait_for(lambda: Sample.objects.filter(line=line, source="site").first())
    assert site_sample is not None, worker["log"].read_text()[-3000:]
    agent_sample = Sample.objects.get(line=line, source=AGENT_SOURCE)
    assert site_sample.at in (now_minute, now_minute + M)
    assert site_sample.received == site_sample.sent == line.probe_count
    assert agent_sample.at in (now_minute, now_minute + M)
    assert agent_sample.received == agent_sample.sent == 5
    assert backlog.read_text() == ""

    # The driven minutes: a half hour ago onwards, each measured for real.
    start = now_minute - 25 * M
    minutes = iter(start + n * M for n in range(22))

    def measure_and_evaluate() -> tuple[int, int, str]:
        """One minute: both bursts, then the worker's evaluation; the
        minute's sent and received over both sources, and the report."""
        at = next(minutes)
        agent = agent_start(faketime, live_server.url, token, line, backlog=backlog,
                            minute=at)
        lines_probe(now=at, line_ids=[line.pk])
        agent_wait(agent)
        both = list(Sample.objects.filter(line=line, at=at).order_by("source"))
        assert [s.source for s in both] == [AGENT_SOURCE, "site"], (at, both)
        report = evaluate_on_worker(worker, at + dt.timedelta(seconds=15))
        return sum(s.sent for s in both), sum(s.received for s in both), report

    for _ in range(2):
        sent, received, report = measure_and_evaluate()
        assert received == sent, "a healthy minute lost probes"
    assert Line.objects.get(pk=line.pk).state == "healthy"

    # Every second probe that reaches the ingest is dropped: degraded, a P2 filed.
    ns.lose_every(2)
    lossy = [measure_and_evaluate() for _ in range(3)]
    assert all(0 < received < sent for sent, received, _ in lossy), lossy
    assert [("opened=1" in report) for *_, report in lossy] == [False, False, True]
    incident = Incident.objects.get(line=line)
    assert (incident.state, incident.severity) == ("open", "degraded")
    ticket = incident.ticket
    assert ticket is not None and ticket.priority == "P2"
    assert ticket.organization == org and ticket.region == line.from_region
    # Routed like any ticket from the line's region (follow-the-sun decides
    # which team is on duty for it at this hour).
    routed = sla_preview(priority="P2", region=line.from_region, at=ticket.created_at)
    assert ticket.team.code == routed["team"]
    codes = list(ticket.events.values_list("code", flat=True))
    assert codes[:2] == ["routed", "monitoring_degraded"], codes
    detected = ticket.events.get(code="monitoring_degraded")
    assert render_english(detected.code, detected.params).startswith(
        "Line monitoring detected Studio -> namespace ingest degraded: 3 of the last 5 minutes")
    listed = api.get("/api/v1/monitoring/lines/").json()
    assert [(row["state"], row["open_incident"]) for row in listed] == [
        ("degraded", incident.pk)]
    assert wait_for(lambda: "We detected degraded performance on your line Studio -> namespace "
                    "ingest" in mails_to(worker, "alice@example.com")), \
        worker["log"].read_text()[-3000:]

    # No route to the ingest any more: down, the same ticket raised to P1.
    ns.unroute()
    dark = [measure_and_evaluate() for _ in range(3)]
    assert all(received == 0 for _, received, _ in dark), dark
    assert [("escalated=1" in report) for *_, report in dark] == [False, False, True]
    errors = Sample.objects.filter(line=line, at__gte=start + 5 * M, at__lt=start + 8 * M)
    assert all("no route to host" in s.error.lower() for s in errors.filter(source="site"))
    incident.refresh_from_db()
    ticket.refresh_from_db()
    assert (incident.state, incident.severity, incident.ticket_id) == ("open", "down",
                                                                       ticket.pk)
    assert ticket.priority == "P1"
    escalated = ticket.events.get(code="monitoring_escalated")
    assert (escalated.params["from"], escalated.params["to"]) == ("P2", "P1")
    assert ticket.events.filter(code="p1_paging").exists()
    page = wait_for(lambda: Notification.objects.filter(
        ticket=ticket, purpose="page", status="sent").first())
    assert page is not None, worker["log"].read_text()[-3000:]
    assert page.target == "oncall@example.com"
    assert wait_for(lambda: "is now down (3 consecutive minutes without a reply); priority "
                    "raised from P2 to P1" in mails_to(worker, "alice@example.com")), \
        worker["log"].read_text()[-3000:]
    assert wait_for(lambda: f"P1 #{ticket.pk}" in mails_to(worker, "oncall@example.com"))
    incidents = api.get(f"/api/v1/monitoring/lines/{line.pk}/incidents/").json()
    assert [(i["state"], i["severity"], i["priority"], i["ticket"]) for i in incidents] == [
        ("open", "down", "P1", ticket.pk)]

    # The path comes back. The first two good minutes still have 3 bad ones
    # in their 5-minute window (the line is still degraded then); ten
    # healthy minutes after them the incident resolves and the customer is told.
    ns.heal()
    healthy = []
    while not any("resolved=1" in report for *_, report in healthy):
        assert len(healthy) < 14, healthy
        healthy.append(measure_and_evaluate())
    assert all(received == sent for sent, received, _ in healthy), healthy
    assert len(healthy) == 12
    incident.refresh_from_db()
    assert incident.state == "resolved" and incident.resolved_at is not None
    ticket.refresh_from_db()
    assert ticket.events.last().code == "monitoring_recovered"
    assert ticket.status in Ticket.OPEN_STATUSES  # support closes it with the cause
    assert wait_for(lambda: "namespace ingest recovered (10 consecutive minutes" in
                    mails_to(worker, "alice@example.com")), worker["log"].read_text()[-3000:]
    assert Incident.objects.filter(line=line).count() == 1
    assert Ticket.objects.filter(organization=org).count() == 1

    # As the customer sees it now: healthy, with the incident on the charts.
    evaluate_on_worker(worker, timezone.now())
    listed = api.get("/api/v1/monitoring/lines/").json()
    assert [(row["state"], row["open_incident"]) for row in listed] == [("healthy", None)]
    client.force_login(alice)
    overview = client.get("/monitoring/").content.decode()
    assert "Studio -&gt; namespace ingest" in overview and "Healthy" in overview
    detail = client.get(f"/monitoring/lines/{line.pk}/").content.decode()
    for chart in ("rtt", "loss", "jitter"):
        assert f'id="{chart}-{line.pk}"' in detail
    assert "Incident (down)" in detail
