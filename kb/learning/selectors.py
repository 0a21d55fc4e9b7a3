"""Reads of what the site learned: success rates, phrases, gaps, flags."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, QuerySet

from kb.articles.models import ArticleFeedback
from kb.learning.effectiveness import PRIOR_MEAN, success_rate_from_counts
from kb.learning.models import (
    ArticleEffectiveness,
    ContentFlag,
    KnowledgeGap,
    LearnedPhrase,
)
from kb.learning.services import MAX_PHRASES_PER_ARTICLE, PHRASE_MIN_TICKETS


def article_success_rates(article_ids, *, problem_code: str = "") -> dict[int, float]:
    """Smoothed success rate per article, in [0, 1].

    A Bayesian average: (successes + PRIOR_MEAN x PRIOR_WEIGHT) /
    (successes + failures + PRIOR_WEIGHT), where successes are tickets it
    resolved that stayed closed, wizard sessions it fixed and "yes" votes,
    and failures are reopenings and "no" votes. An article nobody has judged
    yet gets PRIOR_MEAN, so it is still shown. With ``problem_code`` the
    ticket and wizard counts are those of that code (the wizard orders the
    fixes of one problem code this way); votes are the article's.

    Votes are read live (they arrive without a ticket closing).
    """
    ids = [int(i) for i in article_ids]
    if not ids:
        return {}
    rows = {
        r["article_id"]: r for r in ArticleEffectiveness.objects.filter(
            article_id__in=ids, problem_code=problem_code).values(
            "article_id", "tickets_resolved", "tickets_reopened", "wizard_fixes")
    }
    votes: dict[int, dict[bool, int]] = defaultdict(dict)
    for article_id, helpful, n in ArticleFeedback.objects.filter(article_id__in=ids).values(
            "article_id", "helpful").annotate(n=Count("id")).values_list(
            "article_id", "helpful", "n"):
        votes[article_id][helpful] = n
    rates = {}
    for article_id in ids:
        row = rows.get(article_id)
        if row is None and article_id not in votes:
            rates[article_id] = PRIOR_MEAN
            continue
        row = row or {"tickets_resolved": 0, "tickets_reopened": 0, "wizard_fixes": 0}
        rates[article_id] = success_rate_from_counts(
            resolved=row["tickets_resolved"], reopened=row["tickets_reopened"],
            wizard_fixes=row["wizard_fixes"], helpful=votes[article_id].get(True, 0),
            unhelpful=votes[article_id].get(False, 0))
    return rates


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
