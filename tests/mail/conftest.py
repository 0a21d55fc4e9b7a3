import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from kb.tickets.models import Organization
from kb.tickets.services import sla_policies_ensure, teams_load_fixture

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "mail"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text())


def corpus_message(name: str, *, ticket_id: int | None = None) -> bytes:
    raw = (CORPUS / name).read_bytes()
    if ticket_id is not None:
        raw = raw.replace(b"TICKET", str(ticket_id).encode())
    return raw


@pytest.fixture
def mail_site(db, django_user_model, settings):
    """The organizations the corpus is written for (tests/fixtures/mail/expected.toml)."""
    settings.DEFAULT_FROM_EMAIL = "support@streamline-kb.example.com"
    settings.KB_MAIL_RELAY_SECRET = "relay-secret-for-tests"
    teams_load_fixture(path=settings.KB_FIXTURES_DIR / "teams.toml")
    sla_policies_ensure()
    acme = Organization.objects.create(name="Acme Live", verified_domains=["acme.example"])
    alice = django_user_model.objects.create_user("alice", email="alice@acme.example",
                                                  password="pw-alice")
    acme.members.add(alice)
    Organization.objects.create(name="Huaxin Media", verified_domains=["huaxin.example.cn"])
    Organization.objects.create(name="Taipei Live", verified_domains=["tw-live.example.tw"])
    return {"acme": acme, "alice": alice}


def message(*, sender="alice@acme.example", subject="Question", body="Hello",
            headers: dict | None = None, message_id: str | None = "auto") -> bytes:
    """A plain UTF-8 message as a simple client writes it."""
    import hashlib

    lines = [f"From: {sender}", "To: support@streamline-kb.example.com",
             f"Subject: {subject}", "Date: Wed, 25 Mar 2026 10:58:05 +0000",
             "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
             "Content-Transfer-Encoding: 8bit"]
    if message_id == "auto":
        digest = hashlib.sha1(f"{sender}{subject}{body}{headers}".encode()).hexdigest()[:16]
        message_id = f"{digest}@client.example"
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n") + "\r\n").encode()


__all__ = ["EXPECTED", "corpus_message", "message", "settings"]
