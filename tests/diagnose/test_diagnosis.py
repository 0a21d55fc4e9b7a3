"""kb.diagnose.diagnosis: one parse per attachment, shared by the page and the diagnosis."""

from pathlib import Path

import pytest

from kb.diagnose import diagnosis
from kb.tickets.services import ticket_create

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[1] / "diagnostics" / "samples"


@pytest.fixture
def parses(monkeypatch):
    """Count the parser's runs (the real parser runs)."""
    diagnosis._parsed.clear()
    calls = []
    real = diagnosis.parse

    def counting(name, content):
        calls.append(name)
        return real(name, content)

    monkeypatch.setattr(diagnosis, "parse", counting)
    return calls


def test_the_staff_ticket_page_parses_each_attached_log_once(client, acme, engineer, parses):
    logs = [("ping.txt", (SAMPLES / "linux-ping-lossy.txt").read_bytes()),
            ("mtr.txt", (SAMPLES / "linux-mtr-report-lastmile.txt").read_bytes())]
    org, alice = acme
    ticket = ticket_create(requester=alice, organization=org, subject="Drops", priority="P3",
                           description="Viewers see drops", region="eu", attachments=logs)
    parses.clear()
    client.force_login(engineer)
    page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert "What the logs and description say" in page
    assert sorted(parses) == ["mtr.txt", "ping.txt"]


def test_a_reused_parse_is_a_copy_the_diagnosis_may_annotate(parses):
    text = (SAMPLES / "linux-ping-lossy.txt").read_text()
    first = diagnosis.attachment_parse("ping.txt", text)
    first.notes.append("changed by a caller")
    second = diagnosis.attachment_parse("ping.txt", text)
    assert parses == ["ping.txt"]
    assert "changed by a caller" not in second.notes
    assert second.metrics == first.metrics and second.detected == "ping"
