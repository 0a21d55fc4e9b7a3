"""The PostgreSQL backup (pg_dump from an exported snapshot) restores into a new database."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from kb.search.indexing import index_rebuild
from kb.search.models import SearchPosting
from kb.setup.backups import backup_create
from kb.tickets.models import Organization, Ticket
from kb.tickets.services import sla_policies_ensure, teams_load_fixture, ticket_create
from tests.factories import make_article
from tests.services import require_postgres_and_redis

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database():
    require_postgres_and_redis()
    db = connection.settings_dict
    name = f"kb_restore_{os.getpid()}"
    dsn = f"host={db['HOST']} port={db['PORT']} user={db['USER']} password={db['PASSWORD']}"
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_postgres_backup_restores_into_a_new_database(empty_database, tmp_path,
                                                        django_user_model, settings):
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    alice = django_user_model.objects.create_user("alice")
    org = Organization.objects.create(name="Acme Live")
    org.members.add(alice)
    for number in range(25):
        ticket_create(requester=alice, organization=org, subject=f"Ticket {number}",
                      description="drops", priority="P3", region="eu")
    # A PostgreSQL search index: derived rows, left out of the dump.
    settings.KB_SEARCH_BACKEND = "postgres"
    make_article(title="Encoder cannot connect: connection refused")
    index_rebuild()
    assert SearchPosting.objects.exists()
    report = backup_create(folder=tmp_path / "backup")
    assert report.engine == "postgresql" and report.counts["tickets.Ticket"] == 25

    env = {**os.environ, "DATABASE_URL": empty_database, "KB_VAR_DIR": str(tmp_path / "var"),
           "KB_INDEX_DIR": str(tmp_path / "index"), "KB_LOG_LEVEL": "WARNING"}
    restored = subprocess.run([sys.executable, "manage.py", "restore", str(tmp_path / "backup"),
                               "--no-index"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=300)
    assert restored.returncode == 0, restored.stderr[-2000:]
    with psycopg.connect(empty_database) as fresh:
        subjects = [row[0] for row in fresh.execute(
            "select subject from tickets_ticket order by id")]
        # The search tables are there, empty until the index is rebuilt.
        postings = fresh.execute("select count(*) from search_searchposting").fetchone()[0]
    assert subjects == list(Ticket.objects.order_by("id").values_list("subject", flat=True))
    assert postings == 0
