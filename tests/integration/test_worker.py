"""A real Celery worker on Redis, against the PostgreSQL test database."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kb import celery_app
from kb.articles import services
from kb.articles.models import Article
from tests.clock import on_this_clock
from tests.factories import make_article
from tests.services import require_postgres_and_redis
from tests.waiting import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CELERY = str(Path(sys.executable).with_name("celery"))


def worker_env(tmp_path: Path, broker: str, **extra: str) -> dict[str, str]:
    """The environment of a worker on the test database and the given broker."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "KB_BROKER_URL": broker,
        "KB_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "KB_EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "KB_VAR_DIR": str(tmp_path / "var"),
        "KB_INDEX_DIR": str(settings.KB_INDEX_DIR),
        # The machine's metrics folder, shared with this process's /metrics.
        "PROMETHEUS_MULTIPROC_DIR": os.environ["PROMETHEUS_MULTIPROC_DIR"],
        **extra,
    }


def worker_start(env: dict[str, str], log: Path, name: str = "test") -> subprocess.Popen:
    """``celery worker`` (one process, every queue) writing its log to ``log``."""
    with log.open("w") as output:
        return subprocess.Popen(
            [CELERY, "-A", "kb", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--hostname", f"{name}-{os.getpid()}@%h"],
            env=on_this_clock(env), stdout=output, stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2])


@pytest.fixture
def worker(transactional_db, tmp_path):
    """Start ``celery worker`` on the test database; stop it before the flush."""
    broker = require_postgres_and_redis()
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    process = worker_start(worker_env(tmp_path, broker), tmp_path / "worker.log")
    yield {"mail_dir": tmp_path / "mail", "log": tmp_path / "worker.log"}
    process.terminate()
    process.wait(timeout=30)
    celery_app.conf.task_always_eager = True


def test_review_request_is_emailed_by_the_worker_after_commit(worker, problems, curator,
                                                              reviewer):
    article = make_article(author=curator, status=Article.Status.DRAFT, title="Port 1935")
    services.article_submit_for_review(article=article, actor=curator)  # commits

    def mails():
        # Django's file backend creates the file before it writes the message
        # and ends each message with a line of 79 dashes: read only whole ones.
        folder = worker["mail_dir"]
        files = folder.glob("*.log") if folder.exists() else []
        return [text for text in (path.read_text() for path in files)
                if text.endswith("-" * 79 + "\n")]

    sent = wait_for(mails)
    assert sent, "no e-mail from the worker; its log:\n" + worker["log"].read_text()[-3000:]
    message = sent[0]
    assert "Review requested: Port 1935" in message
    assert "reviewer@example.com" in message
    assert "notify_review_requested" in worker["log"].read_text()


def test_publishing_reaches_search_through_the_index_queue(worker, problems, reviewer):
    from kb.search.indexing import index_rebuild
    from kb.search.services import search_articles

    index_rebuild()
    article = make_article(status=Article.Status.IN_REVIEW, title="Capybara ingest fix")
    services.article_publish(article=article, reviewer=reviewer)  # commits, queues

    def found():
        hits = search_articles(text="capybara", language="en", record=False).hits
        return [hit.slug for hit in hits]

    assert wait_for(found) == [article.slug], worker["log"].read_text()[-3000:]
    assert "index_article_task" in worker["log"].read_text()


def test_sla_check_runs_on_the_worker_and_alerts_once(worker, django_user_model, reviewer):
    import datetime as dt

    from kb.tickets.models import Organization, SlaAlert, Ticket
    from kb.tickets.services import sla_policies_ensure, teams_load_fixture, ticket_create
    from kb.tickets.tasks import sla_check_task

    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    org = Organization.objects.create(name="Acme Live")
    alice = django_user_model.objects.create_user("alice")
    org.members.add(alice)
    ticket = ticket_create(requester=alice, organization=org, subject="Stream down",
                           description="black screen", priority="P1", region="eu")
    overdue = ticket.created_at - dt.timedelta(minutes=1)
    Ticket.objects.filter(pk=ticket.pk).update(acknowledge_due=overdue)

    sla_check_task.delay()
    sla_check_task.delay()  # a second run raises nothing new

    def alerts():
        return set(SlaAlert.objects.filter(ticket=ticket).values_list("stage", "level"))

    assert wait_for(lambda: {("acknowledge", "warning"), ("acknowledge", "breach")}
                    <= alerts()), worker["log"].read_text()[-3000:]
    assert SlaAlert.objects.filter(ticket=ticket, stage="acknowledge").count() == 2
    assert "sla_check_task" in worker["log"].read_text()


def test_a_corrupt_index_is_repaired_by_the_worker_within_seconds(worker, problems):
    from kb.search import store
    from kb.search.indexing import index_rebuild
    from kb.search.models import IndexRepair
    from kb.search.services import search_articles
    from tests.search.test_repair import corrupt_a_segment

    article = make_article(title="Capybara ingest fix")
    index_rebuild()
    corrupt_a_segment()
    started = time.monotonic()
    during = search_articles(text="capybara", language="en")
    assert during.fallback is True  # answered from the database meanwhile
    assert [hit.slug for hit in during.hits] == [article.slug]

    def repaired():
        return IndexRepair.objects.filter(source="search", repaired_at__isnull=False).first()

    repair = wait_for(repaired, timeout=30)
    assert repair is not None, worker["log"].read_text()[-3000:]
    seconds = time.monotonic() - started
    assert repair.source == "search" and "checksum" in repair.reason
    assert store.index_health() == (True, "ok")
    after = search_articles(text="capybara", language="en")
    assert after.fallback is False and after.hits[0].slug == article.slug
    assert seconds < 30
    assert "index_repaired" in worker["log"].read_text()


def test_metrics_count_the_tasks_a_worker_ran(worker, client, settings):
    from prometheus_client.parser import text_string_to_metric_families

    from kb.tickets.tasks import holiday_calendars_check_task

    settings.KB_METRICS_TOKEN = "scrape"
    task = "kb.tickets.tasks.holiday_calendars_check_task"

    def ran() -> float:
        text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape").content.decode()
        return sum(sample.value for family in text_string_to_metric_families(text)
                   for sample in family.samples
                   if sample.name == "kb_tasks_total" and sample.labels.get("task") == task
                   and sample.labels.get("outcome") == "success")

    before = ran()
    holiday_calendars_check_task.delay()
    assert wait_for(lambda: ran() == before + 1), worker["log"].read_text()[-3000:]
