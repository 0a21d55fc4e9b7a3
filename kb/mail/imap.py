"""Polling the support mailbox over IMAPS: the other way mail comes in.

Each unseen message is fetched with its INTERNALDATE (when the mailbox had
it: the SLA clock starts then), handed to :func:`message_receive`, and only
then flagged \\Seen, so a poll that dies halfway fetches the rest next time
and one that runs twice files nothing twice (messages are kept once).
"""

from __future__ import annotations

import datetime as dt
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass

from django.conf import settings

from kb.mail.models import ReceivedMessage
from kb.mail.services import message_receive

log = logging.getLogger(__name__)

IMAP_TIMEOUT_S = 30
# Messages fetched per poll: a backlog drains over several polls.
MAX_PER_POLL = 200
_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ca_file: str = ""

    @classmethod
    def from_settings(cls) -> Mailbox | None:
        if not settings.KB_IMAP_HOST:
            return None
        return cls(host=settings.KB_IMAP_HOST, port=settings.KB_IMAP_PORT,
                   user=settings.KB_IMAP_USER, password=settings.KB_IMAP_PASSWORD,
                   folder=settings.KB_IMAP_FOLDER, ca_file=settings.KB_IMAP_CA_FILE)

    def tls(self) -> ssl.SSLContext:
        """Certificates are always verified: against the system's CAs, or
        the one named by KB_IMAP_CA_FILE (a private CA)."""
        return ssl.create_default_context(cafile=self.ca_file or None)


def _internaldate(meta: bytes) -> dt.datetime | None:
    match = _INTERNALDATE.search(meta)
    if match is None:
        return None
    try:
        return dt.datetime.strptime(match.group(1).decode(), "%d-%b-%Y %H:%M:%S %z") \
            .astimezone(dt.UTC)
    except ValueError:
        return None


def mailbox_poll(*, mailbox: Mailbox) -> int:
    """Take in the mailbox's unseen messages; returns how many were read."""
    client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=mailbox.tls(),
                               timeout=IMAP_TIMEOUT_S)
    try:
        client.login(mailbox.user, mailbox.password)
        status, _data = client.select(mailbox.folder)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot open folder {mailbox.folder!r}")
        status, data = client.uid("SEARCH", "UNSEEN")
        uids = data[0].split()[:MAX_PER_POLL] if status == "OK" and data and data[0] else []
        for uid in uids:
            status, parts = client.uid("FETCH", uid, "(BODY.PEEK[] INTERNALDATE)")
            fetched = [p for p in parts if isinstance(p, tuple)] if status == "OK" else []
            if not fetched:
                continue
            meta, raw = fetched[0]
            received = message_receive(raw=raw, source=ReceivedMessage.Source.IMAP,
                                       arrived_at=_internaldate(meta))
            client.uid("STORE", uid, "+FLAGS", "(\\Seen)")
            log.info("imap_message uid=%s received=%s outcome=%s", uid.decode(),
                     received.pk, received.outcome)
        return len(uids)
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
