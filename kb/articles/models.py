import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.core.choices import Language
from kb.problems.models import Area, Problem

# Han characters and CJK punctuation: a line written in Chinese.
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def written_in_chinese(text: str) -> bool:
    return _CJK.search(text) is not None

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lowercase letters, digits and single hyphens, e.g. push-connection-refused."),
)


class Encoder(models.TextChoices):
    OBS = "obs", "OBS Studio"
    VMIX = "vmix", "vMix"
    FFMPEG = "ffmpeg", "ffmpeg"
    HARDWARE = "hardware", _("Hardware encoder")


class Article(models.Model):
    """A standardized fix in one language.

    The English and Chinese versions of one fix share ``translation_group``.
    ``version`` grows on every content save; it is also the optimistic lock
    that refuses a save based on an older version.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(max_length=100, validators=[slug_validator])
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.EN)
    translation_group = models.SlugField(
        max_length=100,
        help_text=_("Articles that translate each other share this key (usually the slug)."),
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500)
    body = models.TextField(help_text=_("Markdown. The five standard sections."))
    symptoms = models.TextField(
        blank=True,
        help_text=_("One per line: what the customer sees, exact error strings verbatim."),
    )
    tags = models.CharField(max_length=300, blank=True, help_text=_("Comma-separated keywords."))
    problems = models.ManyToManyField(Problem, related_name="articles", blank=True)
    area = models.CharField(max_length=16, choices=Area.choices)
    roles = models.JSONField(default=list, blank=True)
    protocols = models.JSONField(default=list, blank=True)
    encoders = models.JSONField(default=list, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_articles",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_articles",
    )
    review_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    translation_outdated = models.BooleanField(
        default=False,
        help_text=_("Its translation changed after this article was last brought in line."),
    )
    last_verified = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Where the home page recommends the fix (1 first; both translations
    # share it) until use ranks the fixes. Not content: no version, no review.
    home_position = models.PositiveSmallIntegerField(
        _("home page position"), null=True, blank=True, editable=False,
        help_text=_("Place among the fixes the home page recommends until use ranks them; "
                    "empty: not recommended."),
    )
    # Set by the fixture loader so that an unchanged file is left alone.
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="article_unique_slug"),
            models.UniqueConstraint(
                fields=["language", "translation_group"], name="article_one_per_language"
            ),
        ]
        indexes = [models.Index(fields=["status", "language", "area"])]
        permissions = [
            ("review_article", _("Can review articles: publish them or return them")),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"language": self.language, "slug": self.slug})

    @property
    def symptom_list(self) -> list[str]:
        return [line.strip() for line in self.symptoms.splitlines() if line.strip()]

    @property
    def shown_symptoms(self) -> list[str]:
        """The symptoms shown to this article's readers: an English article's
        Chinese phrasings are there for search, not for its readers. A
        Chinese article keeps its English lines: the software prints them."""
        if self.language == Language.ZH_HANS:
            return self.symptom_list
        return [line for line in self.symptom_list if not written_in_chinese(line)]

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ArticleRevision(models.Model):
    """The content of an article as saved at one version, or an edit of a
    published article waiting for review.

    An edit of a published article does not touch the article: it is kept
    here as a pending revision (no version yet) while readers and search go
    on seeing the published version. A reviewer publishes it (it becomes the
    next version) or returns it with a note. Saving the edit again supersedes
    the pending revision with a new one, so two curators cannot overwrite
    each other's edit unseen.
    """

    class State(models.TextChoices):
        SAVED = "saved", _("Saved version")
        PENDING = "pending", _("Waiting for review")
        RETURNED = "returned", _("Returned to the author")
        SUPERSEDED = "superseded", _("Replaced by a later edit")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    # Empty until the edit is published: a pending edit has no version yet.
    version = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=500)
    body = models.TextField()
    symptoms = models.TextField(blank=True)
    problem_codes = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    state = models.CharField(max_length=16, choices=State.choices, default=State.SAVED)
    # The published version the edit was written on; publishing is refused
    # when the article has moved on since.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    # The edit's other fields (slug, tags, area, roles, protocols, encoders,
    # owner id, last_verified as ISO date), applied with the content.
    other_fields = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_revisions",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-version", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["article", "version"], name="revision_unique_version"),
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(state="pending"),
                name="revision_one_pending_edit",
            ),
            models.CheckConstraint(
                condition=models.Q(state="saved", version__isnull=False)
                | (~models.Q(state="saved") & models.Q(version__isnull=True)),
                name="revision_version_iff_saved",
            ),
        ]

    def __str__(self) -> str:
        if self.version is None:
            return f"{self.article.slug} ({self.get_state_display()})"
        return f"{self.article.slug} v{self.version}"


class ArticleFeedback(models.Model):
    """One answer to "Did this help?". Holds no personal data."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    helpful = models.BooleanField()
    comment = models.TextField(blank=True, max_length=2000)
    # The reader's answer to "What was missing?", asked after a "No".
    missing = models.TextField(_("what was missing"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return f"{'yes' if self.helpful else 'no'} on {self.article.slug}"
