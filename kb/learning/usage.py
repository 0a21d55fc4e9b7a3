"""How much each article is used: the order of "most common fixes".

Real use, not opinion: in the last ``USE_WINDOW``, the times a search
result opened it, the wizard sessions it fixed and the tickets resolved
with it. Helpful votes do not count (a new article with a few kind votes
would otherwise top the list), and an article used fewer than
``USE_FLOOR`` times is not ranked by use at all: a couple of opens is
chance, not evidence.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from kb.articles.models import Article
from kb.articles.selectors import POPULAR_FALLBACK_ORDER
from kb.learning.models import ArticleUse, WizardFix
from kb.search.models import SearchQuery
from kb.tickets.models import Ticket

USE_WINDOW = dt.timedelta(days=30)
USE_FLOOR = 5


def use_score(*, opens: int, wizard_fixes: int, tickets_resolved: int) -> int:
    total = opens + wizard_fixes + tickets_resolved
    return total if total >= USE_FLOOR else 0


def article_use_refresh(*, now: dt.datetime | None = None) -> int:
    """Every published article's use, recomputed from the facts of the window.

    Returns how many articles are ranked by use (score above 0).
    """
    now = now or timezone.now()
    since = now - USE_WINDOW
    opens = Counter(dict(
        SearchQuery.objects.filter(created_at__gte=since, clicked_article__isnull=False)
        .values("clicked_article").annotate(n=Count("pk"))
        .values_list("clicked_article", "n")))
    fixes = Counter(dict(
        WizardFix.objects.filter(created_at__gte=since).values("article")
        .annotate(n=Count("pk")).values_list("article", "n")))
    resolved = Counter(dict(
        Ticket.articles.through.objects.filter(
            ticket__status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED],
            ticket__resolved_at__gte=since)
        .values("article_id").annotate(n=Count("ticket_id", distinct=True))
        .values_list("article_id", "n")))
    rows = []
    for article_id in Article.objects.filter(status=Article.Status.PUBLISHED).values_list(
            "pk", flat=True):
        counts = {"opens": opens[article_id], "wizard_fixes": fixes[article_id],
                  "tickets_resolved": resolved[article_id]}
        rows.append(ArticleUse(article_id=article_id, score=use_score(**counts),
                               computed_at=now, **counts))
    with transaction.atomic():
        ArticleUse.objects.all().delete()
        ArticleUse.objects.bulk_create(rows, batch_size=500)
    return sum(1 for row in rows if row.score)


def article_rank_by_use(qs: QuerySet[Article]) -> QuerySet[Article]:
    """``qs`` most used first, then in the articles' own order (recommended,
    then the most recently verified); the ranker
    kb.articles.selectors.article_list_popular is given at start-up."""
    score = ArticleUse.objects.filter(article_id=OuterRef("pk")).values("score")[:1]
    return qs.annotate(use_score=Coalesce(Subquery(score), Value(0))).order_by(
        "-use_score", *POPULAR_FALLBACK_ORDER)
