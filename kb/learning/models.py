"""What closed tickets teach: links, effectiveness, learned phrases, gaps.

Every count here is recomputed from facts (closed tickets, their timeline,
votes, wizard fixes) rather than incremented, so running the learning task
twice, or for two tickets at once, cannot drift or lose a count.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TicketLearning(models.Model):
    """What one closed ticket taught; one row per ticket."""

    class Link(models.TextChoices):
        EXISTING = "existing", _("Existing article")
        NEW = "new", _("New article")
        NONE = "none", _("No article")

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE,
                                  primary_key=True, related_name="learning")
    link = models.CharField(max_length=8, choices=Link.choices)
    article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    problem_codes = models.JSONField(default=list, blank=True)
    # Copied from the ticket so the dashboard's weekly series need no join.
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(db_index=True)
    # Term frequencies of a ticket without an article (what gaps cluster on).
    terms = models.JSONField(default=dict, blank=True)
    gap = models.ForeignKey("KnowledgeGap", on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="learnings")
    # What the ticket looked like when it was learned from: the same digest
    # again means nothing changed, so a second run is a no-op.
    digest = models.CharField(max_length=64)
    # What this ticket adds to its articles' counters (articles, problem
    # codes, resolved 0/1, reopenings): a later learn applies only the
    # difference, so a close costs a few queries and a rerun adds nothing.
    counted = models.JSONField(default=dict, blank=True)
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["link", "closed_at"])]

    def __str__(self) -> str:
        return f"#{self.ticket_id}: {self.link}"


class TicketTerm(models.Model):
    """Inverted index of the telling terms of tickets without an article.

    A new ticket without an article is compared only with the tickets that
    share a term with it, never with all of them.
    """

    learning = models.ForeignKey(TicketLearning, on_delete=models.CASCADE,
                                 related_name="index_terms")
    term = models.CharField(max_length=100)

    class Meta:
        # The latest tickets of a term, read without sorting its whole list.
        # (A ticket's terms are written once, after its old ones are deleted:
        # no unique constraint to maintain on hundreds of thousands of rows.)
        indexes = [models.Index(fields=["term", "learning"])]

    def __str__(self) -> str:
        return self.term


class ArticleEffectiveness(models.Model):
    """How well an article fixes problems, overall (``problem_code`` blank)
    and per problem code. Recomputed from facts after every close."""

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="effectiveness")
    problem_code = models.CharField(max_length=64, blank=True)
    tickets_resolved = models.PositiveIntegerField(default=0)
    tickets_reopened = models.PositiveIntegerField(default=0)
    wizard_fixes = models.PositiveIntegerField(default=0)
    helpful_votes = models.PositiveIntegerField(default=0)
    unhelpful_votes = models.PositiveIntegerField(default=0)
    success_rate = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = _("article effectiveness")
        constraints = [models.UniqueConstraint(fields=["article", "problem_code"],
                                               name="effectiveness_once_per_code")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.problem_code or '*'}: {self.success_rate:.2f}"


class WizardFix(models.Model):
    """A wizard session that ended with "this fixed it" on an article.

    The seam for the guided wizard: it calls
    ``kb.learning.effectiveness.effectiveness_record_wizard_fix`` once per
    session; ``session_ref`` makes a repeated call harmless.
    """

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="wizard_fixes")
    problem_code = models.CharField(max_length=64, blank=True)
    session_ref = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"{self.session_ref} -> {self.article_id}"


class LearnedPhrase(models.Model):
    """A customer's wording or an exact error string from tickets an article
    resolved. Active phrases seen in enough tickets go into the article's
    search document (the ``meta`` field, weighted below curated symptoms)."""

    class Kind(models.TextChoices):
        WORDING = "wording", _("Customer wording")
        ERROR = "error", _("Error string")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REMOVED = "removed", _("Removed")
        PROMOTED = "promoted", _("Promoted to symptoms")

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="learned_phrases")
    text = models.CharField(max_length=200)
    # Lowercase, spaces collapsed, long numbers masked: one phrase however
    # the stream IDs and timestamps in it vary.
    key = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    tickets = models.ManyToManyField("tickets.Ticket", related_name="+", blank=True)
    ticket_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-ticket_count", "text"]
        constraints = [models.UniqueConstraint(fields=["article", "key"],
                                               name="learned_phrase_once")]

    def __str__(self) -> str:
        return self.text


class KnowledgeGap(models.Model):
    """Something customers need and the knowledge base does not have yet:
    a group of similar tickets closed without an article, or a frequent
    search that finds nothing or is never opened."""

    class Kind(models.TextChoices):
        TICKETS = "tickets", _("Similar tickets without an article")
        SEARCH = "search", _("Search without a useful result")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    title = models.CharField(max_length=200)
    problem_codes = models.JSONField(default=list, blank=True)
    # Summed term frequencies of the member tickets (the cluster's centroid).
    centroid = models.JSONField(default=dict, blank=True)
    draft_article = models.ForeignKey("articles.Article", on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="knowledge_gaps")
    search_key = models.CharField(max_length=520, blank=True)
    search_language = models.CharField(max_length=8, blank=True)
    searches = models.PositiveIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-size", "-searches", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["search_key", "search_language"],
                condition=models.Q(kind="search"), name="search_gap_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ContentFlag(models.Model):
    """An article that needs a curator's look, and why; raised once."""

    class Reason(models.TextChoices):
        REOPENED = "reopened", _("Tickets it resolved reopen often")
        UNHELPFUL = "unhelpful", _("Readers often say it did not help")
        STALE = "stale", _("Not verified recently")

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE,
                                related_name="content_flags")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "reason"],
                                    condition=models.Q(resolved_at__isnull=True),
                                    name="content_flag_open_once"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.reason}"


class LearningLock(models.Model):
    """A single row locked while tickets without an article are clustered,
    so two closes at once cannot each start the same gap."""

    name = models.CharField(max_length=32, unique=True)

    def __str__(self) -> str:
        return self.name


class ArticleUse(models.Model):
    """How much an article was used lately: what "most common fixes" ranks by.

    Recomputed from facts (search clicks, wizard fixes, tickets resolved)
    by the daily learning task, so a rerun rewrites the same numbers.
    """

    article = models.OneToOneField("articles.Article", on_delete=models.CASCADE,
                                   primary_key=True, related_name="use")
    opens = models.PositiveIntegerField(default=0)
    wizard_fixes = models.PositiveIntegerField(default=0)
    tickets_resolved = models.PositiveIntegerField(default=0)
    # The sum of the three, or 0 below ``kb.learning.usage.USE_FLOOR``.
    score = models.PositiveIntegerField(default=0, db_index=True)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.score}"
