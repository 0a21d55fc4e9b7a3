"""A line broken for real: its ingest in a network namespace the test makes,
loss added with iptables' statistic match, then the route taken away. The
site's prober measures it minute after minute and the evaluation opens the
degraded incident with a P2, raises it to P1 with the page when the line
goes down, and resolves it once the line is back (the design's "done").

Needs root and ``ip netns`` (CI runs as root); skips with the reason
otherwise. Only addresses of a /30 the test assigns are used; the namespace
has no route out, and everything is deleted afterwards."""

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.utils import timezone

from kb.monitoring.evaluation import lines_evaluate
from kb.monitoring.minutes import floor_minute
from kb.monitoring.models import Incident, Sample
from kb.monitoring.prober import lines_probe
from kb.tickets.models import Notification
from kb.tickets.services import teams_demo_on_call_ensure
from tests.monitoring.conftest import make_line

pytestmark = pytest.mark.django_db

M = dt.timedelta(minutes=1)
LISTENER = """
import socket, sys
server = socket.create_server((sys.argv[1], int(sys.argv[2])), backlog=128)
while True:
    connection, _ = server.accept()
    connection.close()
"""


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


class Namespace:
    """An ingest at ``address:port`` inside a namespace of its own, reached
    from here over a veth pair."""

    def __init__(self):
        tag = f"{os.getpid() % 100000}"
        self.name, self.outside, self.inside = f"kbmon{tag}", f"kbm{tag}o", f"kbm{tag}i"
        octet = os.getpid() % 250 + 1
        self.here, self.address = f"10.213.{octet}.1", f"10.213.{octet}.2"
        self.port = 1935
        self.listener = None

    def ip(self, *args: str, inside: bool = False) -> None:
        command = ("ip", "netns", "exec", self.name, *args) if inside else args
        done = _run(*command)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")

    def create(self) -> None:
        self.ip("ip", "netns", "add", self.name)
        self.ip("ip", "link", "add", self.outside, "type", "veth", "peer", "name", self.inside)
        self.ip("ip", "link", "set", self.inside, "netns", self.name)
        self.ip("ip", "addr", "add", f"{self.here}/30", "dev", self.outside)
        self.ip("ip", "link", "set", self.outside, "up")
        self.ip("ip", "addr", "add", f"{self.address}/30", "dev", self.inside, inside=True)
        self.ip("ip", "link", "set", self.inside, "up", inside=True)
        self.ip("ip", "link", "set", "lo", "up", inside=True)
        self.ip("iptables", "-L", "INPUT", "-n", inside=True)  # usable here at all?
        self.listener = subprocess.Popen(
            ["ip", "netns", "exec", self.name, sys.executable, "-c", LISTENER, self.address,
             str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection((self.address, self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the ingest in the namespace did not start")

    def lose_every(self, nth: int) -> None:
        """Drop every ``nth`` ICMP echo and SYN that reaches the ingest. The
        statistic match's ``nth`` mode, not its ``random`` one: at a random
        50 % a burst of 10 comes back whole (or not at all) about once in 500
        minutes, and the test would fail on a coin."""
        for rule in (["-p", "icmp", "--icmp-type", "echo-request"], ["-p", "tcp", "--syn"]):
            self.ip("iptables", "-A", "INPUT", *rule, "-m", "statistic", "--mode", "nth",
                    "--every", str(nth), "--packet", "0", "-j", "DROP", inside=True)

    def heal(self) -> None:
        self.ip("iptables", "-F", "INPUT", inside=True)
        _run("ip", "route", "del", "unreachable", f"{self.address}/32")

    def unroute(self) -> None:
        """No route to the ingest any more: an ``unreachable`` route (nothing
        is sent anywhere, the kernel answers "no route to host" at once)."""
        self.ip("ip", "route", "add", "unreachable", f"{self.address}/32")

    def delete(self) -> None:
        if self.listener is not None:
            self.listener.kill()
            self.listener.wait(timeout=10)
        _run("ip", "route", "del", "unreachable", f"{self.address}/32")
        _run("ip", "netns", "del", self.name)
        _run("ip", "link", "del", self.outside)


@pytest.fixture
def ingest_namespace():
    if os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("iptables") is None:
        pytest.skip("needs root with ip and iptables to make a network namespace")
    namespace = Namespace()
    try:
        namespace.create()
    except (RuntimeError, OSError) as exc:
        namespace.delete()
        pytest.skip(f"cannot make a network namespace here: {exc}")
    yield namespace
    namespace.delete()


def test_loss_then_no_route_then_recovery_on_a_real_path(ingest_namespace, acme,
                                                        django_user_model):
    engineer = django_user_model.objects.create_user("oncall", email="oncall@example.com",
                                                     is_staff=True)
    teams_demo_on_call_ensure(engineer=engineer)
    ns = ingest_namespace
    line = make_line(acme[0], name="Studio -> namespace ingest", from_region="eu",
                     to_region="eu", host=ns.address, port=ns.port, probe_by_site=True,
                     contact_email="noc@acme.example")
    # Minutes are labelled from half an hour ago, so none is in the future.
    start = floor_minute(timezone.now()) - 30 * M
    minute = iter(range(100))

    def probe_and_evaluate():
        at = start + next(minute) * M
        lines_probe(now=at)
        lines_evaluate(now=at + dt.timedelta(seconds=15))
        return Sample.objects.get(line=line, at=at)

    for _ in range(2):
        assert probe_and_evaluate().received == 10
    ns.lose_every(2)
    lossy = [probe_and_evaluate() for _ in range(3)]
    assert [s.received for s in lossy] == [5, 5, 5]
    incident = Incident.objects.get(line=line)
    assert incident.severity == "degraded" and incident.ticket.priority == "P2"

    ns.unroute()
    dark = [probe_and_evaluate() for _ in range(3)]
    assert all(s.received == 0 for s in dark), [s.received for s in dark]
    assert all("no route to host" in s.error for s in dark), [s.error for s in dark]
    incident.refresh_from_db()
    assert incident.severity == "down" and incident.ticket.priority == "P1"
    assert Notification.objects.filter(ticket=incident.ticket, purpose="page").exists()

    ns.heal()
    for _ in range(12):
        probe_and_evaluate()
    incident.refresh_from_db()
    assert incident.state == "resolved"
    assert incident.ticket.events.last().code == "monitoring_recovered"
    assert Incident.objects.filter(line=line).count() == 1
