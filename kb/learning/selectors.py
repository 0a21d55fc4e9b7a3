"""Reads of what the site learned: phrases, gaps, flags (the success rates
search and the wizard rank by are in kb.search.boosts)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet

from kb.learning.models import (
    ContentFlag,
    KnowledgeGap,
    LearnedPhrase,
)
from kb.learning.phrases import PHRASE_MIN_TICKETS
from kb.search.boosts import MAX_PHRASES_PER_ARTICLE


def searchable_learned_phrases(article_ids) -> dict[int, list[str]]:
    """The active phrases seen in enough tickets, most used first."""
    found: dict[int, list[str]] = defaultdict(list)
    for article_id, text in LearnedPhrase.objects.filter(
            article_id__in=list(article_ids), status=LearnedPhrase.Status.ACTIVE,
            ticket_count__gte=PHRASE_MIN_TICKETS).order_by(
            "article_id", "-ticket_count", "text").values_list("article_id", "text"):
        if len(found[article_id]) < MAX_PHRASES_PER_ARTICLE:
            found[article_id].append(text)
    return dict(found)


def knowledge_gap_queue() -> QuerySet[KnowledgeGap]:
    """Open gaps for the curators, largest first."""
    return (KnowledgeGap.objects.filter(status=KnowledgeGap.Status.OPEN)
            .select_related("draft_article").order_by("-size", "-created_at"))


def content_flag_list(*, open_only: bool = True) -> QuerySet[ContentFlag]:
    qs = ContentFlag.objects.select_related("article", "article__owner")
    return qs.filter(resolved_at__isnull=True) if open_only else qs


def content_flag_counts() -> dict[str, int]:
    return dict(ContentFlag.objects.filter(resolved_at__isnull=True).values("reason")
                .annotate(n=Count("id")).values_list("reason", "n"))
