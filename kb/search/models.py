from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kb.articles.models import Article


class Synonym(models.Model):
    """Words that mean the same to a customer, in any language.

    A query word found in one group also looks for every other word of the
    group: a customer's "publish" finds the article that says "push" (推流).
    """

    terms = models.TextField(
        help_text=_("Comma-separated words or phrases that mean the same, e.g. "
                    "push, publish, ingest, 推流")
    )
    note = models.CharField(max_length=200, blank=True)
    # Set for groups that came from fixtures/synonyms.toml, so bootstrap adds
    # each once and never overwrites a curator's edit.
    fixture_key = models.SlugField(max_length=80, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["terms"]
        verbose_name = _("synonym group")

    def __str__(self) -> str:
        return self.terms[:80]

    @property
    def term_list(self) -> list[str]:
        return [t.strip() for t in self.terms.replace("，", ",").split(",") if t.strip()]


class SearchQuery(models.Model):
    """One search as it was asked, without anything about who asked."""

    class Source(models.TextChoices):
        PAGE = "page", _("Search page")
        API = "api", _("API")

    query = models.CharField(max_length=500)
    normalized = models.CharField(max_length=500, db_index=True)
    language = models.CharField(max_length=8)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    result_count = models.PositiveIntegerField()
    clicked_article = models.ForeignKey(
        Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    clicked_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("logged search")

    def __str__(self) -> str:
        return self.query[:80]


class IndexRepair(models.Model):
    """A time the search index was found damaged, missing or half-built, and
    rebuilt: what support staff see when search answered from the database."""

    class Source(models.TextChoices):
        SEARCH = "search", _("A search failed")
        WORKER_START = "worker_start", _("Check at worker start")
        INTERRUPTED = "interrupted", _("A rebuild was interrupted")
        BOOTSTRAP = "bootstrap", _("Bootstrap")

    source = models.CharField(max_length=16, choices=Source.choices)
    reason = models.CharField(max_length=500)
    detected_at = models.DateTimeField(default=timezone.now, db_index=True)
    repaired_at = models.DateTimeField(null=True, blank=True)
    articles = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("index repair")

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.reason[:60]}"


class ArticleBoost(models.Model):
    """How well an article has worked, overall (``problem_code`` blank) and
    per problem code: the smoothed success rate search multiplies scores by
    and the wizard orders fixes by. Written by the learning loop through
    :func:`kb.search.boosts.article_boosts_set`; search reads only this."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    problem_code = models.CharField(max_length=64, blank=True)
    success_rate = models.FloatField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "problem_code"],
                                               name="search_boost_once_per_code")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.problem_code or '*'}: {self.success_rate:.2f}"


class ArticlePhrase(models.Model):
    """Wording learned from the tickets an article resolved, in its search
    document (the ``meta`` field, weighted below curated symptoms). Written
    by the learning loop through :func:`kb.search.boosts.article_phrases_set`."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["article", "position"]
        constraints = [models.UniqueConstraint(fields=["article", "position"],
                                               name="search_phrase_position_once")]

    def __str__(self) -> str:
        return self.text


# The PostgreSQL backend's tables (kb.search.backends.postgres). The Whoosh
# backend keeps its index in a folder and never reads them.
class SearchDocument(models.Model):
    """A published article as the PostgreSQL backend searches it: what a
    result shows, its field lengths, and the words of its head and meta as a
    weighted ``tsvector`` (A and B; GIN-indexed, for phrases)."""

    article = models.OneToOneField(Article, primary_key=True, on_delete=models.CASCADE,
                                   related_name="+")
    slug = models.SlugField(max_length=120)
    language = models.CharField(max_length=8)
    area = models.CharField(max_length=32)
    group = models.CharField(max_length=120)
    problems = models.TextField(blank=True)
    version = models.PositiveIntegerField()
    title = models.TextField()
    symptoms = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    weight = models.FloatField(default=1.0)
    # Words per field as analyzed (the averages BM25 compares with).
    head_length = models.PositiveIntegerField(default=0)
    meta_length = models.PositiveIntegerField(default=0)
    body_length = models.PositiveIntegerField(default=0)
    terms = SearchVectorField()

    class Meta:
        verbose_name = _("search document")

    def __str__(self) -> str:
        return f"{self.slug} ({self.language})"


class SearchPosting(models.Model):
    """One term of one field of one document: how often it is there
    (``weight``: occurrences times the field's boost) and the field's length
    in that document as the Whoosh backend stores it (one byte), so that both
    backends score alike. Looked up by (term, field)."""

    pk = models.CompositePrimaryKey("term", "field", "article_id")
    term = models.TextField()
    field = models.PositiveSmallIntegerField()
    article_id = models.IntegerField(db_index=True)
    weight = models.FloatField()
    length = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.term} in {self.field} of {self.article_id}"


class SearchTerm(models.Model):
    """The vocabulary: per field, each term and how many documents have it
    (document frequencies for BM25, known words and typo suggestions)."""

    pk = models.CompositePrimaryKey("field", "term")
    field = models.PositiveSmallIntegerField()
    term = models.TextField()
    documents = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.term} ({self.field}): {self.documents}"


class SearchGeneration(models.Model):
    """One row: raised in the transaction of every index write, so each web
    node knows when what it keeps per generation (statistics, correctors,
    recent results) is out of date."""

    number = models.BigIntegerField(default=0)
    # New with every write: a restored or rolled-back database may count the
    # same numbers again, with other contents.
    stamp = models.CharField(max_length=32, default="")
    # The text analysis the rows were written under (kb.search.analysis).
    analysis = models.PositiveSmallIntegerField(default=1)

    def __str__(self) -> str:
        return str(self.number)
