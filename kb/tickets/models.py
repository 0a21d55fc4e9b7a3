from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kb.core.choices import Priority, Region
from kb.tickets.calendars import TeamCalendar, calendar_from_dict


class Team(models.Model):
    """A regional support team and the calendar its SLA clocks follow."""

    code = models.SlugField(max_length=16, unique=True)
    name = models.CharField(max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True,
                               help_text=_("What Chinese readers see, e.g. 欧洲"))
    timezone = models.CharField(max_length=64, help_text=_("IANA name, e.g. Europe/Berlin"))
    working_days = models.JSONField(default=list, help_text=_("Monday = 0, e.g. [0, 1, 2, 3, 4]"))
    start = models.TimeField(help_text=_("Opening time, local to the team"))
    end = models.TimeField(help_text=_("Closing time, local to the team"))
    holidays = models.JSONField(default=list, blank=True,
                                help_text=_("Local dates without working hours, YYYY-MM-DD"))
    extra_working_days = models.JSONField(
        default=list, blank=True,
        help_text=_("Local dates worked although not in working days (make-up days)"),
    )
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True,
                             related_name="led_teams",
                             help_text=_("Told when an SLA target is breached"))
    webhook_url = models.URLField(
        blank=True, help_text=_("Chat or paging tool that receives P1 pages (signed JSON)")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="support_teams", blank=True,
        help_text=_("Paged for a P1 when nobody is on call and the team has no lead"),
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def display_name(self) -> str:
        """The name in the active language (the English one when no other)."""
        if (get_language() or "").startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name

    @property
    def calendar(self) -> TeamCalendar:
        return calendar_from_dict({
            "code": self.code, "name": self.name, "timezone": self.timezone,
            "working_days": self.working_days, "start": self.start, "end": self.end,
            "holidays": self.holidays, "extra_working_days": self.extra_working_days,
        })


class SlaPolicy(models.Model):
    """Targets of one priority: acknowledge, locate, resolve.

    Business targets count only the routed team's working minutes; the
    others (P1) count wall-clock minutes, around the clock.
    """

    priority = models.CharField(max_length=2, choices=Priority.choices, unique=True)
    acknowledge_minutes = models.PositiveIntegerField()
    locate_minutes = models.PositiveIntegerField()
    resolve_minutes = models.PositiveIntegerField()
    business_hours = models.BooleanField(
        default=True, help_text=_("Count only working minutes of the team (off for 24x7)")
    )

    class Meta:
        ordering = ["priority"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.priority

    def targets(self) -> dict[str, int]:
        return {"acknowledge": self.acknowledge_minutes, "locate": self.locate_minutes,
                "resolve": self.resolve_minutes}


class Organization(models.Model):
    """A customer company; its members see only its tickets.

    ``verified_domains`` are the e-mail domains support has confirmed belong
    to the company: a P1 filed without an account from an address of one of
    them is the company's ticket. The one ``holding`` organization keeps the
    P1s from addresses no organization has verified, until support moves
    them (its members are staff, never customers).
    """

    name = models.CharField(max_length=200, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="organizations",
                                     blank=True)
    verified_domains = models.JSONField(
        default=list, blank=True,
        help_text=_("E-mail domains confirmed as the company's, e.g. [\"acme.example\"]: "
                    "a P1 filed without an account from such an address is its ticket"))
    holding = models.BooleanField(
        default=False, editable=False,
        help_text=_("Holds the tickets of contacts whose domain no organization verified"))

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ticket(models.Model):
    """A support request with its SLA clock (due times in UTC)."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        LOCATED = "located", _("Located")
        WAITING = "waiting", _("Waiting on customer")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")
        REOPENED = "reopened", _("Reopened")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT,
                                     related_name="tickets")
    # Empty for a P1 filed without an account: then the contact's e-mail
    # (verified later through the link e-mailed to it) stands for the person.
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="requested_tickets")
    contact_email = models.EmailField(blank=True)
    contact_organization = models.CharField(
        max_length=200, blank=True, help_text=_("The organization the contact named"))
    contact_verified_at = models.DateTimeField(null=True, blank=True)
    subject = models.CharField(max_length=200)
    description = models.TextField(max_length=20_000)
    priority = models.CharField(max_length=2, choices=Priority.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    region = models.CharField(max_length=8, choices=Region.choices)
    stream_id = models.CharField(_("affected stream or line ID"), max_length=200, blank=True)
    protocol = models.CharField(max_length=8, blank=True)
    role = models.CharField(max_length=16, blank=True)
    problems = models.ManyToManyField("problems.Problem", related_name="tickets", blank=True)
    articles = models.ManyToManyField("articles.Article", related_name="tickets", blank=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="tickets")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="assigned_tickets")
    acknowledge_due = models.DateTimeField()
    locate_due = models.DateTimeField()
    resolve_due = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    located_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # While waiting on the customer the SLA clock stands still: when it
    # resumes, the targets not yet met move by the working time that passed.
    paused_at = models.DateTimeField(null=True, blank=True)
    status_before_pause = models.CharField(max_length=16, blank=True)
    # The language the customer filed in: their e-mails are written in it.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    # How it was resolved when no article fits (the learning loop groups these).
    resolution_summary = models.TextField(blank=True, max_length=4000)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    # The SLA clock runs in these; waiting on the customer pauses it, and
    # a waiting ticket is still open work for the queue.
    RUNNING_STATUSES = (Status.NEW, Status.REOPENED, Status.ACKNOWLEDGED, Status.LOCATED)
    OPEN_STATUSES = (*RUNNING_STATUSES, Status.WAITING)
    # The three SLA stages, in order, and the field stamped when each is reached
    # (due times are ``<stage>_due``).
    STAGE_STAMPS = {"acknowledge": "acknowledged_at", "locate": "located_at",
                    "resolve": "resolved_at"}
    STAGES = tuple(STAGE_STAMPS)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "priority"])]
        permissions = [
            ("work_ticket", "Can work tickets: acknowledge, locate, resolve, close, assign"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def reply_to(self) -> str:
        """Where the customer's e-mails go: the requester, else the contact."""
        if self.requester_id is not None:
            return self.requester.email
        return self.contact_email

    @property
    def filed_by(self) -> str:
        """Who filed it, as pages name them."""
        if self.requester_id is not None:
            return self.requester.get_username()
        return self.contact_email


class TicketEvent(models.Model):
    """One entry of a ticket's timeline: who did what, when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        COMMENT = "comment", _("Comment")
        NOTE = "note", _("Internal note")
        STATUS = "status", _("Status change")
        SLA = "sla", _("SLA event")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Entries the site writes: a message code of kb.tickets.timeline and its
    # parameters, shown in the reader's language; ``text`` holds the English
    # (and a free-text note after it). Comments have no code.
    code = models.CharField(max_length=32, blank=True)
    params = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True, max_length=4000)
    text = models.TextField(blank=True, max_length=20_000)
    public = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

    @property
    def display_text(self) -> str:
        """The entry in the active language."""
        from kb.tickets.timeline import MESSAGES, render  # timeline writes these models

        if self.code in MESSAGES:
            return render(self.code, self.params, self.note)
        return self.text


class TicketAttachment(models.Model):
    """A text log the customer attached; shown parsed through kb.diagnostics."""

    MAX_BYTES = 2 * 1024 * 1024
    MAX_PER_TICKET = 10

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(max_length=200)
    # Decoded text (GBK, UTF-16 and the like already turned into str).
    content = models.TextField()
    size = models.PositiveIntegerField(help_text=_("Bytes as uploaded"))
    detected = models.CharField(max_length=16, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} on #{self.ticket_id}"


class SlaAlert(models.Model):
    """An SLA warning (75 % of a target used) or breach, raised once per stage."""

    class Level(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_alerts")
    stage = models.CharField(max_length=16)  # acknowledge | locate | resolve
    level = models.CharField(max_length=8, choices=Level.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "stage", "level"],
                                    name="sla_alert_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.stage} on #{self.ticket_id}"


class OnCallShift(models.Model):
    """Who of a team is paged for a P1 between two instants (the rota)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="on_call_shifts")
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="on_call_shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["team", "starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="on_call_shift_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.engineer} for {self.team.code} from {self.starts_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One delivery of a page or a customer update; a failure stays visible on the ticket."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Webhook")

    class Purpose(models.TextChoices):
        PAGE = "page", _("P1 page")
        UPDATE = "update", _("Customer update")
        ALARM = "alarm", _("Page alarm")

    class ReachedAs(models.TextChoices):
        """Which step of the paging chain a page went to (kb.tickets.paging)."""

        ON_CALL = "on_call", _("on call")
        LEAD = "lead", _("team lead")
        MEMBER = "member", _("team member")
        SUPPORT_LEAD = "support_lead", _("support lead")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notifications")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    purpose = models.CharField(max_length=8, choices=Purpose.choices, default=Purpose.PAGE)
    target = models.CharField(max_length=500)
    # The person an e-mail page went to, and why them; empty for webhooks.
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    reached_as = models.CharField(max_length=16, choices=ReachedAs.choices, blank=True)
    subject = models.CharField(max_length=300)
    # Empty for pages: they carry the ticket itself.
    body = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.channel} to {self.target}: {self.status}"


class PageAlarm(models.Model):
    """A P1 page that reached nobody: raised once per ticket, shown to staff.

    The support leads (and the team's webhook) are told; the queue shows it
    until someone acknowledges the ticket.
    """

    class Reason(models.TextChoices):
        NOBODY = "nobody", _("nobody with an e-mail address to page")
        FAILED = "failed", _("every e-mail page failed")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="page_alarm")
    reason = models.CharField(max_length=8, choices=Reason.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"page alarm on #{self.ticket_id}: {self.reason}"


class HolidayWarning(models.Model):
    """The one e-mail telling the support leads a team's holidays run out.

    ``year`` is the last year with holidays loaded (the current year when
    none are): a team is warned once per such year, however often the daily
    check runs.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="holiday_warnings")
    year = models.PositiveSmallIntegerField()
    recipients = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["team", "year"], name="holiday_warning_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"holidays of {self.team.code} after {self.year}: warned {self.sent_at:%Y-%m-%d}"


class TicketSatisfaction(models.Model):
    """The customer's answer to "were you satisfied?" after the ticket closed.

    One per ticket: answering again (the e-mail's other link, a changed
    mind) replaces the answer, so each closed ticket counts once.
    """

    class Rating(models.TextChoices):
        GOOD = "good", _("Good")
        BAD = "bad", _("Bad")

    COMMENT_MAX = 2000

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="satisfaction")
    rating = models.CharField(max_length=4, choices=Rating.choices)
    comment = models.TextField(blank=True, max_length=COMMENT_MAX)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.rating} on #{self.ticket_id}"
