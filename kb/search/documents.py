"""An article as an index document."""

import re

from django.db.models import QuerySet

from kb.articles.models import Article
from kb.search.analysis import surface_words

# A page that links to this many other fixes is a reference (console paths
# and error codes pointing to the fixes), not a fix: its words are everyone's
# words, so it would outrank the fixes it points to. It counts for less.
REFERENCE_LINKS = 12
REFERENCE_WEIGHT = 0.6
_ARTICLE_LINK = re.compile(r"\]\(kb:([a-z0-9-]+)\)")


def published_articles() -> QuerySet[Article]:
    """What the index holds: the published articles, with their problems."""
    return Article.objects.filter(status=Article.Status.PUBLISHED).prefetch_related("problems")


def article_weight(article: Article) -> float:
    """1.0 for a fix; ``REFERENCE_WEIGHT`` for a reference page."""
    links = set(_ARTICLE_LINK.findall(article.body)) - {article.slug}
    return REFERENCE_WEIGHT if len(links) >= REFERENCE_LINKS else 1.0


def article_document(article: Article, *, learned: list[str] | None = None) -> dict:
    problem_codes = sorted(p.code for p in article.problems.all())
    tags = " ".join(
        [article.tags, article.get_area_display(), article.area,
         *(code.replace(".", " ").replace("-", " ") for code in problem_codes),
         *article.protocols, *article.encoders]
    )
    learned_text = "\n".join(learned or [])
    # The spelling vocabulary comes from the short fields customers' words
    # match (title, symptoms, summary, tags): analyzing the long body a second
    # time would double the indexing cost for suggestions nobody wants.
    texts = [article.title, article.symptoms, article.summary, tags, learned_text]
    vocab = sorted({word for text in texts for _, word in surface_words(text)})
    return {
        "id": str(article.pk),
        "slug": article.slug,
        "lang": article.language,
        "area": article.area,
        "group": article.translation_group,
        "problems": ",".join(problem_codes),
        "version": article.version,
        "head": f"{article.title}\n{article.symptoms}",
        "meta": f"{article.summary}\n{tags}\n{learned_text}",
        "body": article.body,
        "title": article.title,
        "symptoms": article.symptoms,
        "summary": article.summary,
        "vocab": " ".join(vocab),
        "url": article.get_absolute_url(),
        "weight": article_weight(article),
    }
