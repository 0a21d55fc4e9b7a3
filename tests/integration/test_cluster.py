"""The site as several processes (tools/cluster.py, what `make cluster`
runs): two gunicorn nodes behind nginx, two workers and a beat, on the
PostgreSQL test database and Redis. What one node does, the other sees."""

import datetime as dt
import importlib.util
import json
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.authtoken.models import Token

from kb import celery_app
from kb.articles import services as article_services
from kb.articles.models import Article
from kb.search.indexing import index_rebuild
from kb.tickets.models import Notification, OnCallShift, Organization, Team
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.factories import make_article
from tests.integration.test_worker import worker_env
from tests.services import _unavailable, require_postgres_and_redis
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_ports(count: int) -> int:
    """A port from which ``count`` consecutive ports are free (nginx, node a, node b)."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count <= 65535 and all(_free(base + n) for n in range(count)):
            return base
    raise RuntimeError("no run of free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.fixture(scope="module", params=["whoosh", "postgres"])
def cluster(request, django_db_setup, tmp_path_factory):
    """Started once per search backend (it takes a minute); each test's data
    is its own, flushed after it as usual."""
    broker = require_postgres_and_redis()
    if shutil.which("nginx") is None:
        _unavailable("nginx not found: apt-get install nginx (see .ci/run)")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    folder = tmp_path_factory.mktemp("cluster")
    port = free_ports(3)
    env = worker_env(folder, broker, KB_LOG_LEVEL="INFO", KB_INDEX_DIR=str(folder / "index"),
                     KB_SEARCH_BACKEND=request.param)
    env.pop("PROMETHEUS_MULTIPROC_DIR")  # each node has its own
    process = subprocess.Popen(
        [sys.executable, "tools/cluster.py", "--no-bootstrap", "--port", str(port),
         "--folder", str(folder / "cluster")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            output.append(line)
            if "[cluster] ready:" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(240), "".join(output)[-4000:]
        yield {"nginx": port, "a": port + 1, "b": port + 2, "index": folder / "index",
               "mail": folder / "mail", "folder": folder / "cluster",
               "backend": request.param}
    finally:
        process.terminate()
        process.wait(timeout=90)
        celery_app.conf.task_always_eager = True


def call(port: int, path: str, *, token: str | None = None, body: dict | None = None):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method="POST" if body is not None else "GET",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Token {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), json.loads(response.read() or b"null")


def _load_cluster_tool():
    spec = importlib.util.spec_from_file_location("cluster_tool", ROOT / "tools" / "cluster.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cluster_tool = _load_cluster_tool()


def workers_consume(*, consume: bool) -> None:
    """Start or stop the cluster's workers taking tasks from their queues."""
    control = celery_app.control.add_consumer if consume else celery_app.control.cancel_consumer
    for name, (queues, _) in cluster_tool.WORKERS.items():
        destination = [f"{name}@{socket.gethostname()}"]
        for queue in queues:
            replies = control(queue, destination=destination, reply=True, timeout=5)
            assert replies, f"worker {destination[0]} did not answer for queue {queue}"


def cluster_quiesce() -> None:
    """Let nothing but this process work on the test database.

    The flush after each test truncates every table at once. A beat task or a
    node's deferred search log holding one table and waiting on another while
    the truncation holds the second is a deadlock, and the flush fails (it did,
    once, in CI). So the workers stop taking tasks, finish the ones they hold,
    and every other session of the database goes idle first."""
    workers_consume(consume=False)
    destination = cluster_tool.worker_names()

    def workers_idle() -> bool:
        inspect = celery_app.control.inspect(destination=destination, timeout=2)
        busy = [*(inspect.active() or {}).values(), *(inspect.reserved() or {}).values()]
        return not any(busy)

    def database_idle() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                           " current_database() AND pid <> pg_backend_pid()"
                           " AND backend_type = 'client backend' AND state <> 'idle'")
            return cursor.fetchone()[0] == 0

    assert wait_for(workers_idle, timeout=60), "the cluster's workers did not finish their tasks"
    assert wait_for(database_idle, timeout=30), "another session kept working on the database"


@pytest.fixture
def people(cluster, django_user_model, groups, settings):
    workers_consume(consume=True)
    # The index the cluster's nodes read.
    settings.KB_INDEX_DIR = cluster["index"]
    settings.KB_SEARCH_BACKEND = cluster["backend"]
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice", email="alice@example.com")
    org.members.add(alice)
    eve = django_user_model.objects.create_user("eve", email="eve@example.com", is_staff=True)
    eve.groups.add(Group.objects.get(name="Support engineers"))
    # The nodes and workers run on the real clock: eve is on call for every team now.
    now = dt.datetime.now(dt.UTC)
    for team in Team.objects.all():
        OnCallShift.objects.create(team=team, engineer=eve, starts_at=now - dt.timedelta(hours=2),
                                   ends_at=now + dt.timedelta(hours=2))
    make_article(title="Encoder cannot connect: connection refused")
    index_rebuild()
    yield {"customer": Token.objects.create(user=alice).key,
           "engineer": Token.objects.create(user=eve).key}
    cluster_quiesce()


TICKET = {"subject": "Push refused since 10:00", "description": "OBS: Failed to connect",
          "priority": "P2", "region": "eu", "stream_id": "live/acme-main", "protocol": "rtmp",
          "role": "publisher"}


def test_nginx_spreads_requests_over_both_nodes(people, cluster):
    served = {call(cluster["nginx"], "/api/v1/teams/")[1]["X-Served-By"] for _ in range(12)}
    assert served == {f"127.0.0.1:{cluster['a']}", f"127.0.0.1:{cluster['b']}"}


def test_one_rate_limit_counts_the_searches_sent_to_both_nodes_at_once(people, cluster):
    """150 searches of one client at once, spread over both nodes: the limit
    (KB_SEARCH_RATE, 120 a minute) lets exactly 120 through, so two nodes
    reading the same count at the same moment cannot both let one more in."""
    client = f"2001:db8::{secrets.token_hex(2)}"  # nobody counted yet (the cache outlives runs)

    def search(n: int) -> int:
        port = cluster["a"] if n % 2 else cluster["b"]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/search?q=refused",
                                         headers={"X-Forwarded-For": client})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as refused:
            return refused.code

    with ThreadPoolExecutor(max_workers=24) as pool:
        codes = Counter(pool.map(search, range(150)))
    assert codes == {200: 120, 429: 30}


def sign_in(port: int, username: str, password: str, *, address: str) -> int:
    """The sign-in form as a browser sends it from ``address``: its status."""
    def send(request: urllib.request.Request):
        request.add_header("X-Forwarded-For", address)
        try:
            return urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError as refused:
            return refused

    with send(urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/")) as form:
        cookie = re.search(r"csrftoken=([^;]+)", form.headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                          form.read().decode()).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrfmiddlewaretoken": token}).encode()
    with send(urllib.request.Request(f"http://127.0.0.1:{port}/accounts/login/", data=body,
                                     headers={"Cookie": f"csrftoken={cookie}"})) as answer:
        return answer.status


def test_wrong_passwords_sent_to_both_nodes_pause_the_account_on_both(
        people, cluster, django_user_model, settings):
    """Axes counts failed sign-ins in the database: five for one account and
    address, spread over the nodes, pause it on each of them."""
    alice = django_user_model.objects.get(username="alice")
    alice.set_password("right-alice-77")
    alice.save()
    address = f"2001:db8::{secrets.token_hex(2)}"
    nodes = [cluster["a"], cluster["b"]] * settings.AXES_FAILURE_LIMIT
    codes = [sign_in(port, "alice", "guess", address=address)
             for port in nodes[:settings.AXES_FAILURE_LIMIT]]
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert [sign_in(port, "alice", "right-alice-77", address=address)
            for port in (cluster["a"], cluster["b"])] == [429, 429]


def node_log(cluster, node: str) -> str:
    return (cluster["folder"] / f"node-{node}.log").read_text()


def test_every_web_worker_loads_the_search_dictionaries_when_it_boots(cluster):
    """gunicorn.conf.py's post_worker_init: no customer's first Chinese
    search waits for jieba and pypinyin to load."""
    def workers(node: str) -> tuple[list[str], list[str]]:
        log = node_log(cluster, node)
        return (sorted(re.findall(r"Booting worker with pid: (\d+)", log)),
                sorted(re.findall(r"web_worker_prepared pid=(\d+) seconds=", log)))

    def all_prepared(node: str) -> bool:
        booted, prepared = workers(node)
        return booted == prepared != []

    for node in ("a", "b"):
        assert wait_for(lambda node=node: all_prepared(node), timeout=60), workers(node)


def test_the_nodes_open_no_control_socket_they_would_share(cluster):
    """gunicorn's default control socket is one path per user: the second
    node would take the first one's."""
    for node in ("a", "b"):
        log = node_log(cluster, node)
        assert "Booting worker" in log
        assert "Control socket listening" not in log


def test_a_ticket_filed_on_one_node_is_in_the_other_nodes_queue(people, cluster):
    status, _, ticket = call(cluster["b"], "/api/v1/tickets/", token=people["customer"],
                             body=TICKET)
    assert status == 201
    status, _, queue = call(cluster["a"], "/api/v1/tickets/queue/", token=people["engineer"])
    assert ticket["id"] in [entry["id"] for entry in queue]


def test_a_p1_is_paged_once_with_two_workers_taking_notifications(people, cluster):
    status, _, ticket = call(cluster["nginx"], "/api/v1/tickets/", token=people["customer"],
                             body={**TICKET, "priority": "P1"})
    assert status == 201
    page = Notification.objects.get(ticket_id=ticket["id"], purpose="page", channel="email")

    def sent() -> bool:
        page.refresh_from_db()
        return page.status == "sent"

    logs = cluster["folder"]
    assert wait_for(sent, timeout=60), (logs / "worker-work.log").read_text()[-3000:]
    time.sleep(3)  # a second delivery would have had the time to land
    mails = "".join(path.read_text() for path in cluster["mail"].glob("*"))
    assert mails.count(f"[P1] #{ticket['id']}") == 1, mails[-3000:]


def test_a_fix_published_anywhere_is_found_through_the_other_node(people, cluster, reviewer):
    """On Whoosh the index worker follows the commit; on PostgreSQL the rows
    commit with the article, so the other node finds it within a second."""
    article = make_article(status=Article.Status.IN_REVIEW, title="Capybara ingest handshake")
    assert call(cluster["b"], "/api/v1/search?q=capybara")[2]["results"] == []
    started = time.monotonic()
    article_services.article_publish(article=article, reviewer=reviewer)

    def found() -> list[str]:
        _, _, answer = call(cluster["b"], "/api/v1/search?q=capybara")
        return [hit["slug"] for hit in answer["results"]]

    timeout = 1.0 if cluster["backend"] == "postgres" else 30
    assert wait_for(lambda: found() == [article.slug], timeout=timeout), (
        (cluster["folder"] / "worker-index.log").read_text()[-3000:])
    print(f"{cluster['backend']}: published -> searchable on the other node in "
          f"{time.monotonic() - started:.2f} s")
