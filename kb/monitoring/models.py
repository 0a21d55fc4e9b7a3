"""Customer lines, their one-minute samples and hourly rollups, incidents,
maintenance windows and the public status page's subscribers.

Vocabulary (the same in code, pages and the README):

- a *line* is a path a customer streams over: from a region to a region,
  ``dedicated`` (an international private line) or ``internet``, ending at
  an ingest ``host:port``;
- a *sample* is what one *source* (the site's prober, or a customer's probe
  agent) measured over one minute: ``at`` is the end of that minute, in UTC,
  seconds dropped; a *minute* of a line merges every source's sample of it;
- a *rollup* is one line's hour, kept long after the raw samples go;
- an *incident* is a line (or a whole region) ``degraded`` or ``down``,
  ``open`` until it recovers; one open incident per line.
"""

import ipaddress
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.core.choices import Protocol, Region

# How long raw samples and hourly rollups are kept (kb.monitoring.retention).
SAMPLE_RETENTION_DAYS = 14
ROLLUP_RETENTION_DAYS = 400


_HOST_NAME = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.)*"
                        r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\.?$")


def validate_host(value: str) -> None:
    """A host name or an IPv4 / IPv6 address, nothing else (no scheme, port
    or path: the port has its own field)."""
    try:
        ipaddress.ip_address(value)
        return
    except ValueError:
        pass
    if not _HOST_NAME.match(value):
        raise ValidationError(_("Give a host name or an IP address, without scheme or port."))


class LineProtocol(models.TextChoices):
    """The push protocols a monitored line carries (a subset of Protocol)."""

    RTMP = Protocol.RTMP.value, Protocol.RTMP.label
    RTMPS = Protocol.RTMPS.value, Protocol.RTMPS.label
    SRT = Protocol.SRT.value, Protocol.SRT.label
    WEBRTC = Protocol.WEBRTC.value, Protocol.WEBRTC.label


class LineState(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    DEGRADED = "degraded", _("Degraded")
    DOWN = "down", _("Down")
    NO_DATA = "no_data", _("No data")


class ProbeMethod(models.TextChoices):
    AUTO = "auto", _("ICMP when allowed, else TCP connect")
    ICMP = "icmp", _("ICMP echo")
    TCP = "tcp", _("TCP connect to the ingest port")


class Line(models.Model):
    """A customer's line, with the detection thresholds staff may tune.

    The defaults are the detection rules of the design: down after 3
    consecutive minutes at 100 % loss; degraded when 3 of the last 5 minutes
    reach 2 % loss, 30 ms jitter or 1.5x the baseline RTT (the median of the
    preceding 24 h, once 60 minutes exist); recovered after 10 minutes that
    are neither; no data after 5 minutes without a sample.
    """

    class Kind(models.TextChoices):
        DEDICATED = "dedicated", _("Dedicated line")
        INTERNET = "internet", _("Internet")

    organization = models.ForeignKey("tickets.Organization", on_delete=models.PROTECT,
                                     related_name="lines")
    name = models.CharField(max_length=200)
    from_region = models.CharField(max_length=8, choices=Region.choices)
    to_region = models.CharField(max_length=8, choices=Region.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    host = models.CharField(max_length=253, validators=[validate_host],
                            help_text=_("The ingest's host name or address"))
    port = models.PositiveIntegerField(validators=[MinValueValidator(1),
                                                   MaxValueValidator(65535)])
    protocol = models.CharField(max_length=8, choices=LineProtocol.choices)
    # The language of the tickets and e-mails monitoring writes for this line.
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    contact_email = models.EmailField(
        blank=True, help_text=_("Where monitoring's tickets e-mail the customer (the person "
                                "who added the line); empty: the organization's first member "
                                "with an address"))
    public = models.BooleanField(
        default=False,
        help_text=_("Shown on the public status page: the provider's own regional ingest "
                    "and dedicated route lines, never a customer's"))
    active = models.BooleanField(default=True, help_text=_("Probed and evaluated"))

    # Probing by the site.
    probe_by_site = models.BooleanField(default=True,
                                        help_text=_("The site probes the ingest every minute"))
    probe_method = models.CharField(max_length=8, choices=ProbeMethod.choices,
                                    default=ProbeMethod.AUTO)
    probe_count = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Probes in each minute's burst"))

    # Detection thresholds (the design's defaults).
    down_minutes = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Consecutive minutes without any reply that make the line down"))
    degraded_minutes = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Bad minutes in the window that make the line degraded"))
    degraded_window = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("The window of the degraded rule, in minutes"))
    loss_pct_threshold = models.FloatField(
        default=2.0, validators=[MinValueValidator(0.0), MaxValueValidator(100.0)],
        help_text=_("Loss (%) from which a minute is bad"))
    jitter_ms_threshold = models.FloatField(
        default=30.0, validators=[MinValueValidator(0.0)],
        help_text=_("Jitter (ms) from which a minute is bad"))
    rtt_factor_threshold = models.FloatField(
        default=1.5, validators=[MinValueValidator(1.0)],
        help_text=_("Average RTT from this multiple of the baseline makes a minute bad"))
    baseline_hours = models.PositiveSmallIntegerField(
        default=24, validators=[MinValueValidator(1), MaxValueValidator(24 * 7)],
        help_text=_("The baseline is the median RTT of this many preceding hours"))
    baseline_min_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1)],
        help_text=_("Minutes with an RTT needed before the baseline counts"))
    recovery_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Minutes neither degraded nor down before an incident resolves"))
    no_data_minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_("Minutes without a sample after which the line shows no data"))

    # Written by the evaluation (kb.monitoring.evaluation), read by pages
    # and the API: the state and since when; the baseline, refreshed
    # every few minutes rather than read from 24 h of samples each minute.
    state = models.CharField(max_length=8, choices=LineState.choices,
                             default=LineState.NO_DATA, editable=False)
    state_since = models.DateTimeField(null=True, blank=True, editable=False)
    baseline_rtt_ms = models.FloatField(null=True, blank=True, editable=False)
    baseline_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["organization", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(port__gte=1, port__lte=65535),
                                   name="line_port_in_range"),
        ]

    def __str__(self) -> str:
        return self.name


class Sample(models.Model):
    """One source's measurements of one line over one minute.

    On PostgreSQL the table is partitioned by day on ``at`` with a BRIN
    index on it (migration 0002), so dropping a day is dropping a table;
    SQLite keeps a plain table. The primary key there is (id, at).
    """

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="samples")
    source = models.CharField(max_length=64)
    at = models.DateTimeField(help_text=_("End of the minute measured (UTC, no seconds)"))
    sent = models.PositiveIntegerField()
    received = models.PositiveIntegerField()
    rtt_min_ms = models.FloatField(null=True, blank=True)
    rtt_avg_ms = models.FloatField(null=True, blank=True)
    rtt_max_ms = models.FloatField(null=True, blank=True)
    jitter_ms = models.FloatField(null=True, blank=True)
    # How it was measured (icmp, tcp) and, for total loss, why.
    method = models.CharField(max_length=8, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "source"]
        constraints = [
            models.UniqueConstraint(fields=["line", "source", "at"], name="sample_once"),
        ]
        indexes = [models.Index(fields=["line", "at"], name="sample_line_at")]

    def __str__(self) -> str:
        return f"{self.line_id} {self.source} {self.at:%Y-%m-%d %H:%M}"


class Rollup(models.Model):
    """One line's hour: every source merged minute by minute, then the hour."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="rollups")
    hour = models.DateTimeField(help_text=_("Start of the hour (UTC)"))
    minutes = models.PositiveSmallIntegerField(help_text=_("Minutes with a sample"))
    sent = models.PositiveIntegerField()
    received = models.PositiveIntegerField()
    loss_pct = models.FloatField()
    rtt_min_ms = models.FloatField(null=True, blank=True)
    rtt_avg_ms = models.FloatField(null=True, blank=True)
    rtt_max_ms = models.FloatField(null=True, blank=True)
    jitter_ms = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["line", "hour"]
        constraints = [
            models.UniqueConstraint(fields=["line", "hour"], name="rollup_once_per_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.hour:%Y-%m-%d %H}:00"


class RollupPending(models.Model):
    """An hour of a line that received samples since it was last rolled up
    (a probe agent's backlog can bring samples days late)."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "hour"], name="rollup_pending_once"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.hour:%Y-%m-%d %H}:00"


class Incident(models.Model):
    """A line (or a whole region) degraded or down, until it recovers.

    Monitoring opens line incidents and files their ticket; staff declare
    region incidents and post updates on both. ``evidence`` keeps the
    minutes that crossed a threshold (filed with the ticket).
    """

    class Severity(models.TextChoices):
        DEGRADED = "degraded", _("Degraded")
        DOWN = "down", _("Down")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="incidents",
                             null=True, blank=True)
    region = models.CharField(max_length=8, choices=Region.choices, blank=True)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    title = models.CharField(max_length=200)
    public = models.BooleanField(default=False, help_text=_("Shown on the status page"))
    opened_at = models.DateTimeField()
    # When it became down (opened down, or raised from degraded).
    down_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="incidents")
    evidence = models.JSONField(default=list, blank=True)
    # The ticket has the "recovered" entry and the customer the e-mail.
    recovery_told = models.BooleanField(default=False)
    postmortem = models.TextField(blank=True, max_length=50_000,
                                  help_text=_("Markdown, shown on the status page"))
    postmortem_html = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    # A line incident that is part of a region's incident (several lines to
    # the same region at once): the region incident resolves with its last.
    regional = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="line_incidents",
                                 limit_choices_to={"line__isnull": True})

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(line__isnull=False, region="")
                           | models.Q(line__isnull=True) & ~models.Q(region="")),
                name="incident_line_or_region"),
            models.UniqueConstraint(fields=["line"], condition=models.Q(state="open"),
                                    name="incident_one_open_per_line"),
        ]
        indexes = [models.Index(fields=["state", "public"], name="incident_state_public")]

    def __str__(self) -> str:
        return self.title

    @property
    def priority(self) -> str:
        return "P1" if self.severity == self.Severity.DOWN else "P2"


class IncidentUpdate(models.Model):
    """One entry of an incident's story on the status page.

    Monitoring writes ``detected``, ``escalated`` and ``recovered`` entries
    (a message code, shown in the reader's language); staff write Markdown,
    sanitized like articles.
    """

    class Status(models.TextChoices):
        INVESTIGATING = "investigating", _("Investigating")
        IDENTIFIED = "identified", _("Identified")
        MONITORING = "monitoring", _("Monitoring")
        RESOLVED = "resolved", _("Resolved")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=16, choices=Status.choices)
    code = models.CharField(max_length=32, blank=True)
    params = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True, max_length=20_000)
    body_html = models.TextField(blank=True, editable=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} on incident {self.incident_id}"


class Maintenance(models.Model):
    """Planned work: what it covers raises no incident and no ticket, and its
    minutes are shown as maintenance, not counted against uptime."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    lines = models.ManyToManyField(Line, blank=True, related_name="maintenances")
    regions = models.JSONField(
        default=list, blank=True,
        help_text=_("Region codes: every line from or to them is covered, e.g. [\"sea\"]"))
    public = models.BooleanField(default=True, help_text=_("Announced on the status page"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name_plural = _("maintenance windows")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="maintenance_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        unknown = sorted(set(self.regions or []) - set(Region.values))
        if not isinstance(self.regions, list) or unknown:
            raise ValidationError({"regions": _("Unknown regions: %(codes)s") % {
                "codes": ", ".join(map(str, unknown)) or "-"}})

    def covers(self, line: Line, at) -> bool:
        """Whether the minute ending at ``at`` of ``line`` is maintenance (the
        minute ended inside the window, after it started)."""
        return (self.starts_at < at <= self.ends_at
                and (line.from_region in self.regions or line.to_region in self.regions
                     or line.pk in {covered.pk for covered in self.lines.all()}))


class StatusSubscriber(models.Model):
    """An address told of status page incidents, once it confirmed (double
    opt-in); ``token`` is in the confirm and unsubscribe links."""

    email = models.EmailField(unique=True)
    token = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class StatusNotice(models.Model):
    """One e-mail of one incident update to one subscriber (sent once)."""

    update = models.ForeignKey(IncidentUpdate, on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(StatusSubscriber, on_delete=models.CASCADE,
                                   related_name="+")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["update", "subscriber"], name="status_notice_once"),
        ]

    def __str__(self) -> str:
        return f"update {self.update_id} to subscriber {self.subscriber_id}"


class MaintenanceNotice(models.Model):
    """One notice of one maintenance window to one address: 72 hours ahead,
    1 hour ahead and when it ended, each sent once."""

    class Kind(models.TextChoices):
        AHEAD_72H = "ahead_72h", _("72 hours ahead")
        AHEAD_1H = "ahead_1h", _("1 hour ahead")
        ENDED = "ended", _("Ended")

    maintenance = models.ForeignKey(Maintenance, on_delete=models.CASCADE,
                                    related_name="notices")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    email = models.EmailField()
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["maintenance", "kind", "email"]
        constraints = [
            models.UniqueConstraint(fields=["maintenance", "kind", "email"],
                                    name="maintenance_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of maintenance {self.maintenance_id} to {self.email}"
