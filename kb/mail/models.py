from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.core.choices import Region


class ReceivedMessage(models.Model):
    """One e-mail as it reached the support address, kept once.

    A relay that retries or a poll that runs twice finds the message again
    by its Message-ID (or, without one, by the digest of its bytes) and the
    first outcome stands. Nothing received is lost: every message is on a
    ticket, held for staff, or ignored with the reason.
    """

    class Outcome(models.TextChoices):
        TICKET = "ticket", _("New ticket")
        REPLY = "reply", _("Reply on a ticket")
        HELD = "held", _("Held for staff")
        IGNORED = "ignored", _("Ignored")

    class Reason(models.TextChoices):
        FILED_AS_USER = "filed_as_user", _("filed for the sender's account")
        FILED_FOR_DOMAIN = "filed_for_domain", _("filed for the organization of the "
                                                 "sender's verified domain")
        THREADED = "threaded", _("a reply on the thread of the ticket")
        REOPENED = "reopened", _("a reply that reopened the ticket")
        FOLLOW_UP = "follow_up", _("a reply to a ticket closed too long ago: filed anew, "
                                   "linked to it")
        ACCEPTED = "accepted", _("accepted by staff")
        UNKNOWN_SENDER = "unknown_sender", _("the sender has no account and no verified "
                                             "domain")
        NO_SENDER = "no_sender", _("no sender address to answer")
        AUTHENTICATION_FAILED = "authentication_failed", _("the sender's domain refused "
                                                           "this message (DMARC failed)")
        UNDECODABLE = "undecodable", _("nothing in the message could be read")
        REFUSED = "refused", _("the ticket could not be filed as written (see the notes)")
        AUTO_SUBMITTED = "auto_submitted", _("an automatic message (Auto-Submitted)")
        PRECEDENCE = "precedence", _("bulk or list mail (Precedence)")
        AUTOREPLY = "autoreply", _("an auto-reply")
        MAILING_LIST = "mailing_list", _("mailing-list traffic")
        BOUNCE = "bounce", _("a bounce (delivery report)")
        EMPTY_RETURN_PATH = "empty_return_path", _("an empty return path (a robot's mail)")
        THROTTLED = "throttled", _("too many tickets from this sender in the last hour")
        TOO_LARGE = "too_large", _("larger than the size limit")
        DISCARDED = "discarded", _("held, then discarded by staff")

    class Source(models.TextChoices):
        RELAY = "relay", _("HTTP relay")
        IMAP = "imap", _("IMAP mailbox")

    class RegionReason(models.TextChoices):
        """Why a ticket filed from mail went to its region."""

        NAMED = "named", _("named in the message")
        MAILBOX = "mailbox", _("the mailbox's region")
        USUAL = "usual", _("the organization's usual region")
        DEFAULT = "default", _("none named and none usual yet: the default region")

    class Review(models.TextChoices):
        """Where a held message stands with staff."""

        WAITING = "waiting", _("Waiting for staff")
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")

    message_id = models.CharField(max_length=998, blank=True)
    digest = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the bytes"))
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.RELAY)
    raw = models.BinaryField(help_text=_("The message as received (only its headers when it "
                                         "was over the size limit)"))
    size = models.PositiveIntegerField(help_text=_("Bytes as received"))
    sender = models.CharField(max_length=254, blank=True)
    sender_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=1000, blank=True)
    body = models.TextField(blank=True, help_text=_("The whole text, decoded"))
    shown_text = models.TextField(blank=True, help_text=_(
        "What the ticket's timeline shows: without quoted history and signature"))
    attachment_names = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True,
                             help_text=_("What was malformed or could not be decoded"))
    suggested_priority = models.CharField(max_length=2, blank=True)
    language = models.CharField(max_length=8, blank=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    reason = models.CharField(max_length=24, choices=Reason.choices)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="received_messages")
    # For a follow-up: the closed ticket the sender answered.
    follows_ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True,
                                       blank=True, related_name="+")
    review = models.CharField(max_length=10, choices=Review.choices, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    # The automatic answer the sender got (held, throttled, too large), if any.
    notice = models.CharField(max_length=24, blank=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    # The IMAP mailbox it was read from (user@host:port/folder; empty from the
    # relay) and that mailbox's region, used when the message names none.
    mailbox = models.CharField(max_length=300, blank=True)
    mailbox_region = models.CharField(max_length=8, choices=Region.choices, blank=True)
    # The ticket's region and why it was chosen (named in the message, the
    # mailbox's, the organization's usual one).
    region = models.CharField(max_length=8, choices=Region.choices, blank=True)
    region_reason = models.CharField(max_length=16, choices=RegionReason.choices, blank=True)
    arrived_at = models.DateTimeField(help_text=_("When the mail server had it (UTC)"))
    processed_at = models.DateTimeField()

    class Meta:
        ordering = ["-arrived_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["message_id"], condition=~models.Q(message_id=""),
                                    name="received_message_once_per_message_id"),
        ]
        indexes = [models.Index(fields=["sender", "outcome", "arrived_at"])]

    def __str__(self) -> str:
        return f"{self.sender or '?'}: {self.subject[:60]} ({self.outcome})"
