"""The site's prober against real endpoints on loopback: listening, refusing,
too busy to answer, a name that does not resolve; and what evaluation makes
of its minutes (kb.monitoring.prober, streamline_probe.probing)."""

import datetime as dt
import io
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import icmplib
import pytest
from django.core.management import call_command
from django.utils import timezone

import streamline_probe
from kb.monitoring.evaluation import lines_evaluate
from kb.monitoring.minutes import floor_minute
from kb.monitoring.models import Incident, Sample
from kb.monitoring.prober import lines_probe
from kb.tickets.services import teams_demo_on_call_ensure
from streamline_probe.probing import icmp_allowed, probe
from tests.monitoring.conftest import make_line

pytestmark = pytest.mark.django_db

M = dt.timedelta(minutes=1)


@pytest.fixture
def ingest():
    """A TCP listener on loopback, as an ingest's port is."""
    server = socket.create_server(("127.0.0.1", 0), backlog=64)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def refused_port():
    """A loopback port nobody listens on (taken and released)."""
    probe_socket = socket.create_server(("127.0.0.1", 0))
    port = probe_socket.getsockname()[1]
    probe_socket.close()
    return port


@pytest.fixture
def swamped_port():
    """A listener whose accept queue is full: SYNs are dropped, connecting
    times out, as through a black-holing firewall."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    waiting = []
    for _ in range(4):
        client = socket.socket()
        client.setblocking(False)
        client.connect_ex(("127.0.0.1", port))
        waiting.append(client)
    yield port
    for client in waiting:
        client.close()
    server.close()


@pytest.fixture
def this_minute():
    return floor_minute(timezone.now())


class TestProbe:
    def test_a_listening_ingest_answers_every_probe_by_tcp(self, ingest):
        burst = probe("127.0.0.1", ingest, count=5, method="tcp", interval=0.01)
        assert (burst.sent, burst.received, burst.method, burst.error) == (5, 5, "tcp", "")
        assert 0 < burst.rtt_min_ms <= burst.rtt_avg_ms <= burst.rtt_max_ms < 100
        assert burst.jitter_ms is not None and burst.loss_pct == 0

    @pytest.mark.skipif(not icmp_allowed(), reason="this process may not send ICMP echo")
    def test_icmp_is_used_when_allowed(self, ingest):
        burst = probe("127.0.0.1", ingest, count=3, interval=0.01)
        assert (burst.method, burst.received) == ("icmp", 3)

    def test_a_refused_port_is_total_loss_with_the_reason(self, refused_port):
        burst = probe("127.0.0.1", refused_port, count=3, method="tcp", interval=0.01)
        assert (burst.received, burst.loss_pct, burst.rtt_avg_ms, burst.jitter_ms) == (
            0, 100.0, None, None)
        assert burst.error == "connection refused"

    def test_a_port_that_never_answers_times_out(self, swamped_port):
        burst = probe("127.0.0.1", swamped_port, count=2, method="tcp", interval=0.01,
                      timeout=0.3)
        assert (burst.received, burst.error) == (0, "timed out")

    @pytest.mark.parametrize("method", ["auto", "icmp", "tcp"])
    def test_a_name_that_does_not_resolve_is_total_loss_never_an_exception(self, method):
        burst = probe("ingest.nowhere.invalid", 1935, count=4, method=method)
        assert (burst.sent, burst.received) == (4, 0)
        assert burst.error.startswith("cannot resolve ingest.nowhere.invalid")

    def test_without_icmp_permission_auto_measures_by_tcp(self, ingest):
        """As an unprivileged user (no raw socket, no ping group), the same
        code falls back to TCP connect time and says so."""
        runuser = shutil.which("runuser")
        if os.geteuid() != 0 or runuser is None or not Path("/usr/bin/python3").exists():
            pytest.skip("needs root, runuser and /usr/bin/python3 to run as nobody")
        if Path("/proc/sys/net/ipv4/ping_group_range").read_text().split() != ["1", "0"]:
            pytest.skip("unprivileged ICMP is allowed here (net.ipv4.ping_group_range)")
        # nobody can read neither the virtualenv nor pytest's temporary
        # folders: the two pure-Python packages go to a folder of its own.
        folder = Path(tempfile.mkdtemp(prefix="probe-as-nobody-"))
        try:
            folder.chmod(0o755)
            for package in (streamline_probe, icmplib):
                source = Path(package.__file__).parent
                shutil.copytree(source, folder / source.name,
                                ignore=shutil.ignore_patterns("__pycache__"))
            script = ("from streamline_probe.probing import probe, icmp_allowed; "
                      f"b = probe('127.0.0.1', {ingest}, count=3, interval=0.01); "
                      "print(icmp_allowed(), b.method, b.received)")
            done = subprocess.run(
                [runuser, "-u", "nobody", "--", "/usr/bin/python3", "-B", "-c", script],
                capture_output=True, text=True, timeout=60, cwd=folder,
                env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"})
        finally:
            shutil.rmtree(folder)
        assert done.stdout.split() == ["False", "tcp", "3"], done.stderr


class TestSiteProber:
    def test_monitoring_probe_probes_once_and_shows_each_burst(self, acme, ingest,
                                                               refused_port):
        make_line(acme[0], name="Up", host="127.0.0.1", port=ingest, probe_by_site=True,
                  probe_method="tcp", probe_count=2)
        down = make_line(acme[0], name="Down", host="127.0.0.1", port=refused_port,
                         probe_by_site=True, probe_method="tcp", probe_count=2)
        out = io.StringIO()
        call_command("monitoring_probe", stdout=out)
        assert "probed lines=2" in out.getvalue()
        assert f"line {down.pk} 127.0.0.1:{refused_port} tcp: 0/2 back, avg - " \
               "(connection refused)" in out.getvalue()
        assert Sample.objects.filter(source="site").count() == 2

    def test_each_line_gets_the_minutes_sample_from_the_site(self, acme, ingest, refused_port,
                                                             this_minute):
        up = make_line(acme[0], name="Up", host="127.0.0.1", port=ingest, probe_by_site=True,
                       probe_method="tcp", probe_count=4)
        down = make_line(acme[0], name="Down", host="127.0.0.1", port=refused_port,
                         probe_by_site=True, probe_method="tcp", probe_count=4)
        unknown = make_line(acme[0], name="Unknown", host="ingest.nowhere.invalid",
                            probe_by_site=True)
        agent_only = make_line(acme[0], name="Agent only", probe_by_site=False)
        report = lines_probe()
        assert (report.lines, report.stored, report.lost) == (3, 3, 2)
        samples = {s.line_id: s for s in Sample.objects.filter(source="site")}
        assert set(samples) == {up.pk, down.pk, unknown.pk} and agent_only.pk not in samples
        assert {s.at for s in samples.values()} == {this_minute}
        assert (samples[up.pk].received, samples[up.pk].method) == (4, "tcp")
        assert samples[up.pk].rtt_avg_ms is not None
        assert (samples[down.pk].received, samples[down.pk].error) == (0,
                                                                        "connection refused")
        assert samples[down.pk].rtt_avg_ms is None
        assert samples[unknown.pk].error.startswith("cannot resolve")

    def test_a_second_run_in_the_same_minute_probes_nothing_again(self, acme, ingest,
                                                                  this_minute):
        make_line(acme[0], host="127.0.0.1", port=ingest, probe_by_site=True,
                  probe_method="tcp", probe_count=2)
        lines_probe(now=this_minute)
        again = lines_probe(now=this_minute + dt.timedelta(seconds=30))
        assert (again.already, again.stored) == (1, 0)
        assert Sample.objects.count() == 1

    def test_three_refused_minutes_make_the_line_down_with_a_p1(
            self, acme, refused_port, this_minute, django_user_model):
        engineer = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                         is_staff=True)
        teams_demo_on_call_ensure(engineer=engineer)
        line = make_line(acme[0], name="Studio -> local ingest", host="127.0.0.1",
                         port=refused_port, probe_by_site=True, probe_method="tcp",
                         probe_count=3)
        start = this_minute - 3 * M
        for n in range(3):
            lines_probe(now=start + n * M)
        lines_evaluate(now=start + 2 * M + dt.timedelta(seconds=20))
        incident = Incident.objects.get(line=line)
        assert incident.severity == "down" and incident.ticket.priority == "P1"
        assert "connection refused" not in incident.ticket.description  # minutes, not logs
        assert "| 100.0" in incident.ticket.description

