import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kb.mail.imap import MailboxConfigError, mailbox_watch, mailboxes_from_settings


class Command(BaseCommand):
    help = ("Read every support mailbox (KB_IMAP_*) as mail arrives: IMAP IDLE where the "
            "server offers it, else a poll every KB_IMAP_POLL_SECONDS. Runs until stopped "
            "(Ctrl-C or SIGTERM); beat's poll stays as the safety net.")

    def handle(self, *args, **options):
        try:
            mailboxes = mailboxes_from_settings()
        except MailboxConfigError as exc:
            raise CommandError(str(exc)) from None
        if not mailboxes:
            self.stdout.write("No mailbox is configured (KB_IMAP_HOST, KB_IMAP_MAILBOXES): "
                              "nothing to watch.")
            return
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        threads = [threading.Thread(target=mailbox_watch, name=f"mail-watch-{n}", daemon=True,
                                    kwargs={"mailbox": mailbox, "stop": stop,
                                            "poll_s": settings.KB_IMAP_POLL_SECONDS})
                   for n, mailbox in enumerate(mailboxes)]
        for mailbox, thread in zip(mailboxes, threads, strict=True):
            self.stdout.write(f"watching {mailbox.name}")
            thread.start()
        while any(thread.is_alive() for thread in threads):
            stop.wait(1)
            if stop.is_set():
                break
        for thread in threads:
            thread.join(timeout=15)
        self.stdout.write("stopped")
