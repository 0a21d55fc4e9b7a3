"""Diagnostic flows (versioned) and the customers' sessions through them.

A flow's text lives in ``Flow.draft`` as TOML, the same format as the files
in ``fixtures/flows/``; publishing validates it and freezes it as the next
``FlowVersion`` (a normalized JSON definition). Sessions point at the version
they started on, so an edit never changes a running session.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kb.core.choices import Language
from kb.problems.models import Area


class Flow(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    area = models.CharField(max_length=16, choices=Area.choices, blank=True,
                            help_text=_("Empty for the emergency flow"))
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    emergency = models.BooleanField(default=False,
                                    help_text=_("Started when a live stream is down now"))
    position = models.PositiveSmallIntegerField(default=100)
    draft = models.TextField(
        help_text=_("The flow as TOML (format: fixtures/flows/README.md). "
                    "Publishing validates it and makes the next version."))
    draft_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.slug

    def title(self, language: str) -> str:
        return self.title_zh if language == Language.ZH_HANS else self.title_en


class FlowVersion(models.Model):
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField(help_text=_("Validated, normalized steps"))
    source = models.TextField(help_text=_("The TOML this version was published from"))
    source_digest = models.CharField(max_length=64)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True)
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["flow", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "number"], name="flow_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.flow.slug} v{self.number}"


class WizardSession(models.Model):
    """One customer's way through one flow version.

    ``entries`` is the whole history, in order: every answer, paste, "did
    this fix it?" reply. It is the transcript, the stack that "back" pops,
    and the source the facts (role, region, priority...) are replayed from.
    """

    class Outcome(models.TextChoices):
        OPEN = "open", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        ESCALATED = "escalated", _("Escalated")

    # The id is the key in the URL: random, so sessions cannot be guessed.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    flow_version = models.ForeignKey(FlowVersion, on_delete=models.PROTECT,
                                     related_name="sessions")
    language = models.CharField(max_length=8, choices=Language.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="wizard_sessions")
    current_step = models.CharField(max_length=64)
    entries = models.JSONField(default=list, blank=True)
    diagnosis = models.JSONField(default=dict, blank=True,
                                 help_text=_("The last diagnosis: findings, suggestions"))
    candidates = models.JSONField(default=dict, blank=True,
                                  help_text=_("Fix candidates per fix step, in the order shown"))
    escalation_draft = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    resolved_article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="wizard_sessions")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="wizard_sessions")
    created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["flow_version", "outcome"])]

    def __str__(self) -> str:
        return f"{self.flow_version} {self.id}"

    @property
    def flow(self) -> Flow:
        return self.flow_version.flow

    @property
    def definition(self) -> dict:
        return self.flow_version.definition

    @property
    def transcript(self) -> list[dict]:
        """For templates (``wizard/_transcript.html``), in the viewer's language."""
        from kb.core.languages import content_language
        from kb.wizard.selectors import session_transcript  # selectors import models

        return session_transcript(self, language=content_language())


class WizardAttachment(models.Model):
    """Tool output pasted or uploaded in a session (decoded text)."""

    session = models.ForeignKey(WizardSession, on_delete=models.CASCADE,
                                related_name="attachments")
    step = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    content = models.TextField()
    size = models.PositiveIntegerField()
    detected = models.CharField(max_length=16, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class WizardEvent(models.Model):
    """What happened at which step: the statistics are counted from these."""

    class Kind(models.TextChoices):
        STARTED = "started", _("Started")
        ENTERED = "entered", _("Step shown")
        ANSWERED = "answered", _("Answered")
        BACK = "back", _("Went back")
        FIX_SHOWN = "fix_shown", _("Fix shown")
        FIX_WORKED = "fix_worked", _("Fix worked")
        FIX_FAILED = "fix_failed", _("Fix did not work")
        ESCALATED = "escalated", _("Escalated")
        RESTARTED = "restarted", _("Restarted")

    session = models.ForeignKey(WizardSession, on_delete=models.CASCADE, related_name="events")
    flow_version = models.ForeignKey(FlowVersion, on_delete=models.CASCADE,
                                     related_name="events")
    step = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["flow_version", "step", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.step}"
