"""Reading the support mailboxes over IMAPS: the other way mail comes in.

Each unseen message is fetched with its INTERNALDATE (when the mailbox had
it: the SLA clock starts then), handed to :func:`message_receive`, and only
then flagged \\Seen, so a poll that dies halfway fetches the rest next time
and one that runs twice files nothing twice (messages are kept once).

Two ways to read, both safe together:

- :func:`mailbox_poll`, run by beat every ``KB_IMAP_POLL_SECONDS`` for every
  configured mailbox;
- :func:`mailbox_watch`, run by ``manage.py mail_watch``: one connection per
  mailbox waits in IMAP IDLE (RFC 2177) where the server offers it, so a
  message is read within a second of its delivery; where IDLE is not
  offered it polls on the same connection.

Mailboxes: the one named by ``KB_IMAP_HOST`` and its companions, and any
number more in ``KB_IMAP_MAILBOXES``, as ``imaps://`` URLs, e.g.
``imaps://support-cn%40example.com:secret@imap.example.com/INBOX?region=cn``
(user and password percent-encoded; ``region`` is the region a ticket from
that mailbox goes to when the message names none; ``ca_file`` a private CA).
"""

from __future__ import annotations

import datetime as dt
import logging
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from kb.core.choices import Region
from kb.mail.models import ReceivedMessage
from kb.mail.services import message_receive

log = logging.getLogger(__name__)

IMAP_TIMEOUT_S = 30
# Messages fetched per poll: a backlog drains over several polls.
MAX_PER_POLL = 200
# RFC 2177: servers may drop an IDLE after 30 minutes; renew well before.
IDLE_RENEW_S = 10 * 60
SEEN = b"\\Seen"


class MailboxConfigError(ValueError):
    """A mailbox URL or setting that cannot be used (said at start, not at
    the first poll)."""


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ca_file: str = ""
    region: str = ""

    @property
    def name(self) -> str:
        """How logs and the received messages name it (never the password)."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def from_settings(cls) -> Mailbox | None:
        if not settings.KB_IMAP_HOST:
            return None
        if settings.KB_IMAP_REGION and settings.KB_IMAP_REGION not in Region.values:
            raise MailboxConfigError(f"KB_IMAP_REGION: unknown region "
                                     f"{settings.KB_IMAP_REGION!r} (one of "
                                     f"{', '.join(Region.values)})")
        return cls(host=settings.KB_IMAP_HOST, port=settings.KB_IMAP_PORT,
                   user=settings.KB_IMAP_USER, password=settings.KB_IMAP_PASSWORD,
                   folder=settings.KB_IMAP_FOLDER, ca_file=settings.KB_IMAP_CA_FILE,
                   region=settings.KB_IMAP_REGION)

    @classmethod
    def from_url(cls, url: str) -> Mailbox:
        parts = urlsplit(url.strip())
        if parts.scheme != "imaps":
            raise MailboxConfigError(f"{parts.scheme or 'no scheme'}: mailboxes are read over "
                                     "IMAPS only (imaps://user:password@host/FOLDER)")
        if not parts.hostname or parts.username is None or parts.password is None:
            raise MailboxConfigError("a mailbox URL needs a host, a user and a password")
        try:
            port = parts.port or 993
        except ValueError as exc:
            raise MailboxConfigError(f"bad port in the mailbox URL: {exc}") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = sorted(set(options) - {"region", "ca_file"})
        if unknown:
            raise MailboxConfigError(f"unknown mailbox option(s): {', '.join(unknown)}")
        region = options.get("region", "")
        if region and region not in Region.values:
            raise MailboxConfigError(f"unknown region {region!r} (one of "
                                     f"{', '.join(Region.values)})")
        return cls(host=parts.hostname, port=port, user=unquote(parts.username),
                   password=unquote(parts.password),
                   folder=unquote(parts.path.lstrip("/")) or "INBOX",
                   ca_file=options.get("ca_file", ""), region=region)

    def tls(self) -> ssl.SSLContext:
        """Certificates are always verified: against the system's CAs, or
        the one named by ca_file (a private CA)."""
        return ssl.create_default_context(cafile=self.ca_file or None)

    def connect(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=True, ssl_context=self.tls(),
                            timeout=IMAP_TIMEOUT_S)
        # INTERNALDATE with its zone, not converted to the machine's.
        client.normalise_times = False
        try:
            client.login(self.user, self.password)
            client.select_folder(self.folder)
        except BaseException:
            _logout(client)
            raise
        return client


def mailboxes_from_settings() -> list[Mailbox]:
    """Every configured mailbox, the KB_IMAP_HOST one first; a bad URL in
    KB_IMAP_MAILBOXES raises MailboxConfigError naming it."""
    found = [] if (first := Mailbox.from_settings()) is None else [first]
    for url in settings.KB_IMAP_MAILBOXES.replace(",", " ").split():
        found.append(Mailbox.from_url(url))
    return found


def _logout(client: IMAPClient) -> None:
    try:
        client.logout()
    except (IMAPClientError, OSError):
        pass


def _arrived(value) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)


def unseen_take(client: IMAPClient, *, mailbox: Mailbox) -> int:
    """Take in the selected folder's unseen messages (at most MAX_PER_POLL);
    returns how many were read."""
    uids = sorted(client.search(["UNSEEN"]))[:MAX_PER_POLL]
    for uid in uids:
        fetched = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE"]).get(uid)
        if not fetched or b"BODY[]" not in fetched:
            continue  # expunged meanwhile by another reader
        received = message_receive(raw=fetched[b"BODY[]"], source=ReceivedMessage.Source.IMAP,
                                   arrived_at=_arrived(fetched.get(b"INTERNALDATE")),
                                   mailbox=mailbox.name, mailbox_region=mailbox.region)
        client.add_flags([uid], [SEEN])
        log.info("imap_message mailbox=%s uid=%s received=%s outcome=%s", mailbox.name, uid,
                 received.pk, received.outcome)
    return len(uids)


def mailbox_poll(*, mailbox: Mailbox) -> int:
    """Take in the mailbox's unseen messages; returns how many were read."""
    client = mailbox.connect()
    try:
        return unseen_take(client, mailbox=mailbox)
    finally:
        _logout(client)


def _idle_until_news(client: IMAPClient, *, stop: threading.Event, renew_s: float,
                     check_s: float) -> None:
    """Wait in IDLE until the server reports a change, ``stop`` is set or
    ``renew_s`` passed; checks ``stop`` every ``check_s``."""
    client.idle()
    try:
        waited = 0.0
        while not stop.is_set() and waited < renew_s:
            responses = client.idle_check(timeout=check_s)
            if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                return
            waited += check_s
    finally:
        client.idle_done()


def mailbox_watch(*, mailbox: Mailbox, stop: threading.Event, poll_s: float = 60,
                  renew_s: float = IDLE_RENEW_S, check_s: float = 1.0,
                  retry_s: float = 5) -> None:
    """Read ``mailbox`` until ``stop`` is set: in IDLE where offered, else
    every ``poll_s``. A lost connection or a server error is logged and
    retried after ``retry_s`` (doubling to five minutes), never fatal;
    a refused login or certificate is retried too, as the password or the
    certificate may be fixed while it runs, and is logged each time."""
    delay = retry_s
    while not stop.is_set():
        try:
            client = mailbox.connect()
        except (IMAPClientError, OSError) as exc:
            log.error("imap_watch_failed mailbox=%s error=%r retry_s=%s", mailbox.name, exc,
                      delay)
            stop.wait(delay)
            delay = min(delay * 2, 300)
            continue
        delay = retry_s
        idle = client.has_capability("IDLE")
        log.info("imap_watch_connected mailbox=%s mode=%s", mailbox.name,
                 "idle" if idle else "poll")
        try:
            while not stop.is_set():
                # Hours between messages: a database connection may have gone.
                close_old_connections()
                unseen_take(client, mailbox=mailbox)
                if idle:
                    _idle_until_news(client, stop=stop, renew_s=renew_s, check_s=check_s)
                else:
                    stop.wait(poll_s)
                    client.noop()
        except (IMAPClientError, OSError, DatabaseError) as exc:
            log.warning("imap_watch_lost mailbox=%s error=%r", mailbox.name, exc)
            stop.wait(delay)
        finally:
            _logout(client)
    close_old_connections()
