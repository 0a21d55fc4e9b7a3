"""Polling a real IMAP server: Debian's Dovecot on loopback, over IMAPS.

The server is started for this module with a throwaway configuration (a
self-signed certificate for 127.0.0.1, one mailbox user, Maildir under a
temporary folder) and stopped after it. Tests fill the mailbox by IMAP
APPEND, as a mail server's delivery would.
"""

import datetime as dt
import imaplib
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from celery.exceptions import Retry
from hypothesis import given
from hypothesis import strategies as st

from kb.mail.imap import Mailbox, mailbox_poll, mailbox_watch
from kb.mail.models import ReceivedMessage
from kb.mail.tasks import mailbox_poll_task
from kb.tickets.models import Ticket
from tests.clock import EU_WORKING_HOURS
from tests.mail.conftest import corpus_message, message

DOVECOT = Path("/usr/sbin/dovecot")
OPENSSL = shutil.which("openssl")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not DOVECOT.exists(), reason="Dovecot is not installed (Debian package "
                       "dovecot-imapd; .ci/run installs it)"),
    pytest.mark.skipif(OPENSSL is None, reason="openssl is needed for the test certificate"),
]

USER, PASSWORD = "support", "mailbox-password-for-tests"
# A second mailbox, for customers writing to the China team's address.
CN_USER, CN_PASSWORD = "support-cn", "p@ss word/for cn%"
# A mailbox whose server offers no IDLE (its capabilities cut to IMAP4rev1).
PLAIN_USER, PLAIN_PASSWORD = "support-old", "mailbox-without-idle"
# When the corpus's messages reached the mailbox, and an hour after.
ARRIVED = EU_WORKING_HOURS - dt.timedelta(minutes=20)
AFTER_THE_CORPUS_ARRIVED = EU_WORKING_HOURS + dt.timedelta(hours=1)

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
ssl = required
ssl_cert = <{dir}/cert.pem
ssl_key = <{dir}/key.pem
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/passwd
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={dir}/home/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dovecot():
    folder = Path(tempfile.mkdtemp(prefix="kbimap-"))
    folder.chmod(0o755)
    (folder / "home").mkdir()
    (folder / "home").chmod(0o777)  # the mail user (nobody) makes its own home
    port = _free_port()
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n"
                                   f"{CN_USER}:{{PLAIN}}{CN_PASSWORD}::::::\n"
                                   f"{PLAIN_USER}:{{PLAIN}}{PLAIN_PASSWORD}::::::"
                                   "userdb_imap_capability=IMAP4rev1\n")
    (folder / "dovecot.conf").write_text(CONFIG.format(dir=folder, port=port))
    # Dovecot runs on the real clock even when the suite's clock is moved
    # (make test-clock): under libfaketime it drops logins now and then. Its
    # clock does not matter to the tests, which give every message its date.
    real_clock = {name: value for name, value in os.environ.items()
                  if name != "LD_PRELOAD" and not name.startswith("FAKETIME")}
    server = subprocess.Popen([str(DOVECOT), "-F", "-c", str(folder / "dovecot.conf")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=real_clock)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    else:
        server.terminate()
        pytest.fail("Dovecot did not start")
    if server.poll() is not None:
        log = (folder / "dovecot.log")
        pytest.fail("Dovecot exited: " + (server.stdout.read() or b"").decode()
                    + (log.read_text() if log.exists() else ""))
    yield Mailbox(host="127.0.0.1", port=port, user=USER, password=PASSWORD,
                  ca_file=str(folder / "cert.pem"))
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


def append(mailbox: Mailbox, raw: bytes, at: dt.datetime = ARRIVED) -> None:
    client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=mailbox.tls())
    client.login(mailbox.user, mailbox.password)
    client.append(mailbox.folder, None, imaplib.Time2Internaldate(at), raw)
    client.logout()


def emptied(mailbox: Mailbox) -> Mailbox:
    client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=mailbox.tls())
    client.login(mailbox.user, mailbox.password)
    assert client.select(mailbox.folder)[0] == "OK"
    if client.search(None, "ALL")[1][0]:
        client.store("1:*", "+FLAGS", "(\\Deleted)")
        client.expunge()
    client.logout()
    return mailbox


@pytest.fixture
def empty_mailbox(dovecot):
    return emptied(dovecot)


@pytest.fixture
def empty_cn_mailbox(dovecot):
    return emptied(Mailbox(host=dovecot.host, port=dovecot.port, user=CN_USER,
                           password=CN_PASSWORD, ca_file=dovecot.ca_file, region="cn"))


def url_of(mailbox: Mailbox) -> str:
    return (f"imaps://{quote(mailbox.user, safe='')}:{quote(mailbox.password, safe='')}"
            f"@{mailbox.host}:{mailbox.port}/{mailbox.folder}?"
            + urlencode({"region": mailbox.region, "ca_file": mailbox.ca_file}))


def test_a_message_appended_to_the_mailbox_files_a_ticket_once(
        mail_site, empty_mailbox, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(AFTER_THE_CORPUS_ARRIVED, tick=False)
    append(empty_mailbox, corpus_message("foxmail-gbk-stream-down.eml"))
    append(empty_mailbox, corpus_message("outlook-out-of-office.eml"))
    with django_capture_on_commit_callbacks(execute=True):
        assert mailbox_poll(mailbox=empty_mailbox) == 2
    ticket = Ticket.objects.get()
    assert ticket.organization.name == "Huaxin Media" and ticket.priority == "P1"
    # The clock started when the mailbox had the message.
    assert ticket.created_at == ARRIVED.replace(microsecond=0)
    outcomes = sorted(ReceivedMessage.objects.values_list("source", "outcome"))
    assert outcomes == [("imap", "ignored"), ("imap", "ticket")]
    # Seen now: the next poll reads nothing and files nothing.
    assert mailbox_poll(mailbox=empty_mailbox) == 0
    assert Ticket.objects.count() == 1


def test_a_message_seen_again_is_not_filed_twice(mail_site, empty_mailbox):
    raw = corpus_message("outlook-en-ping.eml")
    append(empty_mailbox, raw)
    append(empty_mailbox, raw)  # a delivery repeated by the mail server
    assert mailbox_poll(mailbox=empty_mailbox) == 2
    assert Ticket.objects.count() == 1 and ReceivedMessage.objects.count() == 1


def test_a_wrong_password_fails_loudly(mail_site, dovecot):
    wrong = Mailbox(host=dovecot.host, port=dovecot.port, user=USER, password="nope",
                    ca_file=dovecot.ca_file)
    with pytest.raises(imaplib.IMAP4.error):
        mailbox_poll(mailbox=wrong)


def test_an_unverifiable_certificate_is_refused(mail_site, dovecot):
    import ssl

    untrusted = Mailbox(host=dovecot.host, port=dovecot.port, user=USER, password=PASSWORD)
    with pytest.raises(ssl.SSLError):
        mailbox_poll(mailbox=untrusted)


def test_the_beat_task_polls_the_configured_mailbox(mail_site, empty_mailbox, settings):
    settings.KB_IMAP_HOST = empty_mailbox.host
    settings.KB_IMAP_PORT = empty_mailbox.port
    settings.KB_IMAP_USER, settings.KB_IMAP_PASSWORD = USER, PASSWORD
    settings.KB_IMAP_CA_FILE = empty_mailbox.ca_file
    append(empty_mailbox, corpus_message("apple-mail-qp-unknown-sender.eml"))
    assert mailbox_poll_task.delay().get() == 1
    assert ReceivedMessage.objects.get().outcome == "held"


def test_without_a_mailbox_the_task_does_nothing(mail_site, settings):
    settings.KB_IMAP_HOST = ""
    assert mailbox_poll_task.delay().get() == 0


def test_every_configured_mailbox_is_read_and_keeps_its_region(
        mail_site, empty_mailbox, empty_cn_mailbox, settings):
    settings.KB_IMAP_HOST = empty_mailbox.host
    settings.KB_IMAP_PORT = empty_mailbox.port
    settings.KB_IMAP_USER, settings.KB_IMAP_PASSWORD = USER, PASSWORD
    settings.KB_IMAP_CA_FILE = empty_mailbox.ca_file
    settings.KB_IMAP_MAILBOXES = url_of(empty_cn_mailbox)
    append(empty_mailbox, message(subject="Push drops", body="OBS reconnects."))
    append(empty_cn_mailbox, message(sender="bob@acme.example", subject="Stutter",
                                     body="OBS drops frames."))
    assert mailbox_poll_task.delay().get() == 2
    by_mailbox = dict(ReceivedMessage.objects.values_list("mailbox", "region"))
    assert by_mailbox == {empty_mailbox.name: "na", empty_cn_mailbox.name: "cn"}


def test_a_mailbox_that_cannot_be_read_does_not_keep_the_others_waiting(
        mail_site, empty_mailbox, settings, caplog):
    settings.KB_IMAP_HOST = ""
    # A mailbox whose server is down (a refused connection). Not a refused
    # password: Dovecot then slows the next logins from this address, which
    # would stall the good mailbox.
    wrong = Mailbox(host=empty_mailbox.host, port=_free_port(), user=CN_USER,
                    password=CN_PASSWORD, ca_file=empty_mailbox.ca_file)
    settings.KB_IMAP_MAILBOXES = f"{url_of(wrong)} {url_of(empty_mailbox)}"
    append(empty_mailbox, message(subject="Push drops", body="OBS reconnects."))
    # The task fails after reading the others, and is retried.
    with pytest.raises(Retry, match="could not read support-cn@"):
        mailbox_poll_task.apply(throw=True)
    assert ReceivedMessage.objects.get().mailbox == empty_mailbox.name
    assert "imap_poll_failed mailbox=support-cn@" in caplog.text


@pytest.mark.parametrize(("url", "error"), [
    ("imap://u:p@host/INBOX", "IMAPS only"),
    ("imaps://host/INBOX", "needs a host, a user and a password"),
    ("imaps://u:p@host/INBOX?region=mars", "unknown region"),
    ("imaps://u:p@host/INBOX?folder=x", "unknown mailbox option"),
    ("imaps://u:p@host:99999/INBOX", "bad port"),
])
def test_a_bad_mailbox_url_is_refused_with_the_reason(url, error):
    from kb.mail.imap import MailboxConfigError

    with pytest.raises(MailboxConfigError, match=error):
        Mailbox.from_url(url)


@given(user=st.text(min_size=1, max_size=40), password=st.text(min_size=1, max_size=40),
       folder=st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=20))
def test_any_user_and_password_survive_the_url_when_percent_encoded(user, password, folder):
    mailbox = Mailbox(host="imap.example.com", port=993, user=user, password=password,
                      folder=folder, region="sea")
    assert Mailbox.from_url(url_of(mailbox)) == mailbox


@pytest.mark.django_db(transaction=True)
def test_the_watcher_reads_a_new_message_as_it_arrives_through_idle(mail_site,
                                                                    empty_mailbox, caplog):
    """The watcher polls only once an hour here: a message read within
    seconds of its delivery came through IDLE."""
    stop = threading.Event()
    watcher = threading.Thread(target=mailbox_watch, kwargs={
        "mailbox": empty_mailbox, "stop": stop, "poll_s": 3600, "check_s": 0.2})
    watcher.start()
    try:
        time.sleep(1)  # connected and idling: the message below is news
        append(empty_mailbox, message(subject="Push drops", body="OBS reconnects."),
               at=dt.datetime.now(dt.UTC))
        deadline = time.monotonic() + 20
        while not ReceivedMessage.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ReceivedMessage.objects.get().outcome == "ticket"
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()
    assert f"imap_watch_connected mailbox={empty_mailbox.name} mode=idle" in caplog.text


@pytest.mark.skipif("faketime" in os.environ.get("LD_PRELOAD", ""), reason=(
    "the watcher's timed wait between polls never returns under libfaketime 0.9.10 "
    "(make test-clock), which moves the monotonic clock but hands the kernel the moved "
    "deadline; the main pass runs this test"))
@pytest.mark.django_db(transaction=True)
def test_without_idle_the_watcher_polls_on_its_connection(mail_site, dovecot, caplog):
    old_server = emptied(Mailbox(host=dovecot.host, port=dovecot.port, user=PLAIN_USER,
                                 password=PLAIN_PASSWORD, ca_file=dovecot.ca_file))
    stop = threading.Event()
    watcher = threading.Thread(target=mailbox_watch, kwargs={
        "mailbox": old_server, "stop": stop, "poll_s": 0.5})
    watcher.start()
    try:
        append(old_server, message(subject="Push drops", body="OBS reconnects."),
               at=dt.datetime.now(dt.UTC))
        deadline = time.monotonic() + 20
        while not ReceivedMessage.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ReceivedMessage.objects.get().mailbox == old_server.name
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert f"imap_watch_connected mailbox={old_server.name} mode=poll" in caplog.text
