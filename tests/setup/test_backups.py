"""Backups that restore: taken while tickets are being filed, brought back into
a fresh database, with the same rows."""

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TICKETS = 300

PREPARE = textwrap.dedent("""
    from django.contrib.auth import get_user_model
    from django.conf import settings
    from kb.tickets.models import Organization
    from kb.tickets.services import sla_policies_ensure, teams_load_fixture

    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    alice = get_user_model().objects.create_user("alice", email="alice@example.com")
    Organization.objects.create(name="Acme Live").members.add(alice)
""")
FILE_TICKETS = textwrap.dedent(f"""
    from django.contrib.auth import get_user_model
    from kb.tickets.models import Organization
    from kb.tickets.services import ticket_create

    alice = get_user_model().objects.get(username="alice")
    org = Organization.objects.get(name="Acme Live")
    for number in range({TICKETS}):
        ticket_create(requester=alice, organization=org, subject=f"Ticket {{number}}",
                      description="drops " * 50, priority="P3", region="eu",
                      attachments=[("ping.txt", "PING x: 64 bytes, time=12 ms")])
    print("filed")
""")


def manage(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, **kwargs)


def site(folder: Path) -> dict:
    folder.mkdir()
    return {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "KB_VAR_DIR": str(folder / "var"), "KB_INDEX_DIR": str(folder / "index"),
            "KB_BROKER_URL": "kbfs://", "KB_TASKS_EAGER": "1", "KB_LOG_LEVEL": "WARNING"}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="runs subprocesses on Linux")
def test_a_backup_taken_while_tickets_are_filed_restores_whole_into_a_new_database(tmp_path):
    live = site(tmp_path / "live")
    assert manage(live, "migrate", "--noinput").returncode == 0
    prepared = manage(live, "shell", "-c", PREPARE)
    assert prepared.returncode == 0, prepared.stderr[-2000:]

    filing = subprocess.Popen([sys.executable, "manage.py", "shell", "-c", FILE_TICKETS],
                              cwd=ROOT, env=live, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    live_db = sqlite3.connect(tmp_path / "live" / "db.sqlite3", timeout=30)
    while live_db.execute("select count(*) from tickets_ticket").fetchone()[0] < 20:
        assert filing.poll() is None, filing.stderr.read()[-2000:]
    backup = manage(live, "backup", str(tmp_path / "backup"))
    out, err = filing.communicate(timeout=600)
    assert filing.returncode == 0 and "filed" in out, err[-2000:]
    assert backup.returncode == 0, backup.stderr[-2000:]
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    taken = manifest["counts"]["tickets.Ticket"]
    assert 20 <= taken <= TICKETS  # a moment in the middle of the filing

    fresh = site(tmp_path / "fresh")
    restored = manage(fresh, "restore", str(tmp_path / "backup"), "--no-index")
    assert restored.returncode == 0, restored.stderr[-2000:]
    fresh_db = sqlite3.connect(tmp_path / "fresh" / "db.sqlite3")
    # Every ticket of the snapshot, whole: with its timeline and attachment.
    query = ("select t.id, t.subject, t.acknowledge_due, "
             "(select count(*) from tickets_ticketevent e where e.ticket_id = t.id), "
             "(select count(*) from tickets_ticketattachment a where a.ticket_id = t.id) "
             "from tickets_ticket t where t.id <= ? order by t.id")
    last = fresh_db.execute("select max(id) from tickets_ticket").fetchone()[0]
    assert fresh_db.execute("select count(*) from tickets_ticket").fetchone()[0] == taken
    assert fresh_db.execute(query, (last,)).fetchall() == live_db.execute(
        query, (last,)).fetchall()
    assert all(row[4] == 1 for row in fresh_db.execute(query, (last,)))


def test_a_restore_refuses_a_database_that_is_not_empty(tmp_path):
    live = site(tmp_path / "live")
    assert manage(live, "migrate", "--noinput").returncode == 0
    assert manage(live, "shell", "-c", PREPARE).returncode == 0
    assert manage(live, "backup", str(tmp_path / "backup")).returncode == 0
    again = manage(live, "restore", str(tmp_path / "backup"), "--no-index")
    assert again.returncode != 0
    assert "the database is not empty" in again.stderr
