"""A worker killed (SIGKILL) in the middle of a task loses nothing: the task
goes back to its queue (acks_late, Redis's visibility timeout, shortened
here to 3 s) and a second worker completes it, once."""

import datetime as dt
import http.server
import json
import signal
import threading
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from kb import celery_app
from kb.learning.models import ArticleEffectiveness, TicketLearning
from kb.tickets import services as tickets
from kb.tickets.models import Notification, OnCallShift, Organization, Team
from tests.factories import make_article
from tests.integration.test_worker import wait_for, worker_env, worker_start
from tests.services import require_postgres_and_redis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start workers on demand (nothing runs until a test starts one)."""
    broker = require_postgres_and_redis()
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    env = worker_env(tmp_path, broker, KB_BROKER_VISIBILITY_TIMEOUT="3")
    started = []

    def start(name: str):
        log = tmp_path / f"{name}.log"
        started.append(worker_start(env, log, name=name))
        return started[-1], log

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    celery_app.conf.task_always_eager = True


def _postgres():
    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"],
                           password=db["PASSWORD"], dbname=db["NAME"])


def _waiting_for_a_lock() -> bool:
    with _postgres() as probe:
        waiting = probe.execute(
            "select count(*) from pg_stat_activity"
            " where wait_event_type = 'Lock' and datname = current_database()").fetchone()[0]
        return waiting > 0


def _kill(process, log: Path) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL, log.read_text()[-2000:]


def test_a_learning_task_cut_off_mid_transaction_is_learned_once(
        workers, django_user_model, problems, groups):
    tickets.teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    tickets.sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice")
    org.members.add(alice)
    engineer = django_user_model.objects.create_user("eve", is_staff=True)
    engineer.groups.add(Group.objects.get(name="Support engineers"))
    fix = make_article(title="Encoder cannot connect: connection refused")
    ticket = tickets.ticket_create(requester=alice, organization=org, subject="Cannot push",
                                   description="connection refused", priority="P3",
                                   region="eu")
    tickets.ticket_acknowledge(ticket=ticket, actor=engineer)
    tickets.ticket_resolve(ticket=ticket, actor=engineer, article=fix)
    tickets.ticket_close(ticket=ticket, actor=engineer)  # queues the learning task

    # Hold the ticket's row: the learning task, once started, waits inside
    # its transaction for it.
    holder = _postgres()
    holder.execute("select id from tickets_ticket where id = %s for update", [ticket.pk])
    first, first_log = workers("first")
    try:
        assert wait_for(_waiting_for_a_lock, timeout=90), first_log.read_text()[-3000:]
        assert "learn_from_ticket_task" in first_log.read_text()
        _kill(first, first_log)
    finally:
        holder.rollback()
        holder.close()
    assert not TicketLearning.objects.filter(ticket=ticket).exists()

    second, second_log = workers("second")
    assert wait_for(lambda: TicketLearning.objects.filter(ticket=ticket).exists(),
                    timeout=90), second_log.read_text()[-3000:]
    # Give a wrongly repeated delivery the time to run again.
    assert not wait_for(lambda: second_log.read_text().count(
        "learn_from_ticket_task[") > 2, timeout=8)  # received, succeeded
    learned = ArticleEffectiveness.objects.get(article=fix, problem_code="")
    assert learned.tickets_resolved == 1
    assert second_log.read_text().count("'learned'") == 1, second_log.read_text()[-3000:]


class _Receiver(http.server.BaseHTTPRequestHandler):
    """A team webhook that takes the first page and never answers it."""

    deliveries: list[tuple[str, dict]] = []
    first_taken = threading.Event()
    release = threading.Event()

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Receiver.deliveries.append((self.headers["X-Streamline-Delivery"], body))
        if len(_Receiver.deliveries) == 1:
            _Receiver.first_taken.set()
            _Receiver.release.wait(60)  # the sender is killed meanwhile
            return
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_page_cut_off_mid_request_is_delivered_again_as_the_same_page(
        workers, django_user_model, reviewer, tmp_path):
    tickets.teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    tickets.sla_policies_ensure()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.deliveries.clear()
    _Receiver.first_taken.clear()
    _Receiver.release.clear()
    Team.objects.update(webhook_url=f"http://127.0.0.1:{server.server_port}/page")
    now = dt.datetime.now(dt.UTC)
    for team in Team.objects.all():
        OnCallShift.objects.create(team=team, engineer=reviewer,
                                   starts_at=now - dt.timedelta(hours=1),
                                   ends_at=now + dt.timedelta(hours=1))
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice")
    org.members.add(alice)
    ticket = tickets.ticket_create(requester=alice, organization=org, subject="Stream down",
                                   description="black screen", priority="P1", region="eu",
                                   stream_id="live/acme")
    try:
        first, first_log = workers("first")
        assert _Receiver.first_taken.wait(90), first_log.read_text()[-3000:]
        _kill(first, first_log)
        second, second_log = workers("second")
        webhook = ticket.notifications.get(purpose="page", channel="webhook")
        assert wait_for(lambda: Notification.objects.get(pk=webhook.pk).status == "sent",
                        timeout=90), second_log.read_text()[-3000:]
    finally:
        _Receiver.release.set()
        server.shutdown()
    ids = [delivery for delivery, _ in _Receiver.deliveries]
    assert ids == [str(webhook.pk)] * 2
    assert {body["ticket"] for _, body in _Receiver.deliveries} == {ticket.pk}
    # The e-mail page went out once, by whichever worker took it.
    email = ticket.notifications.get(purpose="page", channel="email")
    assert email.status == "sent"
    mails = "".join(path.read_text() for path in (tmp_path / "mail").glob("*"))
    assert mails.count("To: reviewer@example.com") == 1
