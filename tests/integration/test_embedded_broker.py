"""``make run``'s broker (kb.core.broker, no server) under load, with a real worker.

The web process writes a message per task while the worker polls the same
folder; kombu's own filesystem transport let the worker read a half-written
file, crash ("Unrecoverable error: JSONDecodeError") and lose the task.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kb.tickets.models import Notification, Organization, Team, Ticket
from kb.tickets.services import sla_policies_ensure, teams_load_fixture
from tests.services import require_postgres_and_redis
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
TICKETS = 200

FILE_TICKETS = textwrap.dedent(f"""
    from django.contrib.auth import get_user_model
    from kb.tickets.models import Organization
    from kb.tickets.services import ticket_create

    alice = get_user_model().objects.get(username="alice")
    org = Organization.objects.get(name="Acme Live")
    for number in range({TICKETS}):
        ticket_create(requester=alice, organization=org, subject=f"Stream down {{number}}",
                      description="black screen", priority="P1", region="eu",
                      stream_id=f"live/{{number}}")
""")


@pytest.fixture
def embedded(transactional_db, tmp_path, django_user_model):
    require_postgres_and_redis()  # the database the worker and the filer share
    db = connection.settings_dict
    var = tmp_path / "var"
    for folder in ("out", "processed", "control"):
        (var / "broker" / folder).mkdir(parents=True)
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "KB_BROKER_URL": "kbfs://",
        "KB_VAR_DIR": str(var),
        "KB_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "KB_EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "KB_INDEX_DIR": str(settings.KB_INDEX_DIR),
    }
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    lead = django_user_model.objects.create_user("lead", email="lead@example.com",
                                                 is_staff=True)
    Team.objects.update(lead=lead)
    org = Organization.objects.create(name="Acme Live")
    org.members.add(django_user_model.objects.create_user("alice"))
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [CELERY, "-A", "kb", "worker", "--pool=solo", "--loglevel=INFO", "--without-gossip",
         "--without-mingle", "--hostname", f"embedded-{os.getpid()}@%h"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )
    yield {"env": env, "log": tmp_path / "worker.log", "worker": worker}
    worker.terminate()
    worker.wait(timeout=30)
    log.close()


def test_every_page_of_200_tickets_filed_while_the_worker_runs_is_delivered_once(embedded):
    filed = subprocess.run([sys.executable, "manage.py", "shell", "-c", FILE_TICKETS],
                           env=embedded["env"], cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert filed.returncode == 0, filed.stderr[-3000:]
    assert Ticket.objects.count() == TICKETS

    def all_sent():
        pages = Notification.objects.filter(purpose=Notification.Purpose.PAGE)
        return pages.count() >= TICKETS and not pages.exclude(status="sent").exists()

    worker_log = embedded["log"]
    assert wait_for(all_sent, timeout=300), worker_log.read_text()[-3000:]
    assert embedded["worker"].poll() is None, worker_log.read_text()[-3000:]
    text = worker_log.read_text()
    assert "Unrecoverable error" not in text
    # Exactly once: one e-mail per page, no task ran twice.
    mails = list((Path(embedded["env"]["KB_EMAIL_FILE_PATH"])).glob("*.log"))
    sent = sum(path.read_text().count("Subject: [P1]") for path in mails)
    pages = Notification.objects.filter(purpose=Notification.Purpose.PAGE)
    assert sent == pages.count()
    assert all(n.attempts == 1 for n in pages)
