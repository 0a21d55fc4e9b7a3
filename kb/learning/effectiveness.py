"""How well each fix works: counts per article and problem code, moved by the
difference a close makes (recomputed from facts daily), and the smoothed
success rate search and the wizard rank by (handed to search, which keeps
its own copy: kb.search.boosts).
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from kb.articles.models import Article, ArticleFeedback
from kb.core.exceptions import ApplicationError
from kb.learning.facts import TicketFacts
from kb.learning.models import (
    ArticleEffectiveness,
    WizardFix,
)
from kb.search.boosts import UNJUDGED_RATE, article_boosts_set
from kb.tickets.models import Ticket, TicketEvent

log = logging.getLogger(__name__)

# The timeline entry ``kb.tickets.services.ticket_reopen`` writes (a message
# code of kb.tickets.timeline): each one is a close that did not hold.
REOPEN_EVENT_CODE = "reopened"

# Smoothed success rate: a Beta prior worth PRIOR_WEIGHT observations at
# PRIOR_MEAN (a Bayesian average). One vote moves a new article a little; an
# article nobody has judged yet sits at the prior, search's rate for an
# unjudged article, in the middle, so it is still shown.
PRIOR_MEAN = UNJUDGED_RATE
PRIOR_WEIGHT = 4.0


def smoothed_success_rate(*, successes: float, failures: float) -> float:
    """(successes + prior) / (trials + prior weight), in [0, 1]."""
    return (successes + PRIOR_MEAN * PRIOR_WEIGHT) / (successes + failures + PRIOR_WEIGHT)

# Effectiveness ---------------------------------------------------------------------
def reopen_counts(ticket_ids: list[int]) -> dict[int, int]:
    return dict(TicketEvent.objects.filter(
        ticket_id__in=ticket_ids, kind=TicketEvent.Kind.STATUS, code=REOPEN_EVENT_CODE)
        .values("ticket_id").annotate(n=Count("id")).values_list("ticket_id", "n"))


def ticket_contribution(item: TicketFacts, reopens: dict[int, int]) -> dict:
    return {"articles": item.article_ids, "codes": item.problem_codes,
            "resolved": int(item.status == Ticket.Status.CLOSED),
            "reopened": reopens.get(item.ticket_id, 0)}


def effectiveness_apply(deltas: list[tuple[dict, dict]]) -> None:
    """Apply what changed in some tickets' contributions to the counters.

    Each counter moves by an atomic ``F()`` update under the articles' row
    locks (taken in id order), so two closes touching one article at once
    both count and cannot deadlock. ``effectiveness_recompute`` arrives at
    the same numbers from the facts (the daily task runs it).
    """
    change: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for old, new in deltas:
        for sign, counted in ((-1, old), (1, new)):
            if not counted:
                continue
            for article_id in counted["articles"]:
                for code in ["", *counted["codes"]]:
                    change[(article_id, code)]["resolved"] += sign * counted["resolved"]
                    change[(article_id, code)]["reopened"] += sign * counted["reopened"]
    change = {key: c for key, c in change.items() if any(c.values())}
    if not change:
        return
    ids = sorted({article_id for article_id, _ in change})
    ids = list(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
    ArticleEffectiveness.objects.bulk_create(
        [ArticleEffectiveness(article_id=a, problem_code=c) for a, c in change if a in ids],
        ignore_conflicts=True)
    rows = list(ArticleEffectiveness.objects.select_for_update()
                .filter(article_id__in=ids).order_by("article_id", "problem_code"))
    for row in rows:
        c = change.get((row.article_id, row.problem_code))
        if c:
            ArticleEffectiveness.objects.filter(pk=row.pk).update(
                tickets_resolved=F("tickets_resolved") + c["resolved"],
                tickets_reopened=F("tickets_reopened") + c["reopened"],
                updated_at=timezone.now())
    _success_rates_refresh(ids)


def _success_rates_refresh(article_ids: list[int]) -> None:
    """Stored rates (and vote counts) of these articles from their counters."""
    votes: dict[int, Counter] = defaultdict(Counter)
    for article_id, helpful, n in ArticleFeedback.objects.filter(
            article_id__in=article_ids).values("article_id", "helpful").annotate(
            n=Count("id")).values_list("article_id", "helpful", "n"):
        votes[article_id][helpful] = n
    rates = {}
    for row in ArticleEffectiveness.objects.filter(article_id__in=article_ids):
        if row.problem_code == "":
            row.helpful_votes = votes[row.article_id][True]
            row.unhelpful_votes = votes[row.article_id][False]
        rate = _rate(row)
        ArticleEffectiveness.objects.filter(pk=row.pk).update(
            helpful_votes=row.helpful_votes, unhelpful_votes=row.unhelpful_votes,
            success_rate=rate)
        rates[(row.article_id, row.problem_code)] = rate
    article_boosts_set(rates=rates)


def effectiveness_record_votes(*, article_id: int) -> None:
    """A "did this help" answer changed an article's votes: its rates follow."""
    with transaction.atomic():
        ArticleEffectiveness.objects.bulk_create(
            [ArticleEffectiveness(article_id=article_id, problem_code="")],
            ignore_conflicts=True)
        _success_rates_refresh([article_id])


def effectiveness_recompute(*, article_ids: Iterable[int]) -> None:
    """Every counter of these articles, recomputed from facts.

    The articles' overall rows are locked first, in id order: a second
    close touching the same article waits, then counts what the first one
    committed, so concurrent closes lose nothing (and cannot deadlock).
    """
    ids = sorted(set(article_ids))
    if not ids:
        return
    ids = list(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
    with transaction.atomic():
        ArticleEffectiveness.objects.bulk_create(
            [ArticleEffectiveness(article_id=i, problem_code="") for i in ids],
            ignore_conflicts=True)
        list(ArticleEffectiveness.objects.select_for_update()
             .filter(article_id__in=ids, problem_code="").order_by("article_id")
             .values_list("pk", flat=True))
        counts: dict[tuple[int, str], Counter] = defaultdict(Counter)
        through = Ticket.articles.through
        # Tickets learned from, as the per-close counting sees them.
        closed = through.objects.filter(article_id__in=ids, ticket__status=Ticket.Status.CLOSED,
                                        ticket__learning__isnull=False)
        for article_id, n in closed.values("article_id").annotate(
                n=Count("ticket_id")).values_list("article_id", "n"):
            counts[(article_id, "")]["resolved"] = n
        for article_id, code, n in closed.filter(ticket__problems__isnull=False).values(
                "article_id", "ticket__problems__code").annotate(n=Count("ticket_id")).values_list(
                "article_id", "ticket__problems__code", "n"):
            counts[(article_id, code)]["resolved"] = n
        reopened = through.objects.filter(
            article_id__in=ids, ticket__events__kind=TicketEvent.Kind.STATUS,
            ticket__events__code=REOPEN_EVENT_CODE, ticket__learning__isnull=False)
        for article_id, n in reopened.values("article_id").annotate(
                n=Count("id")).values_list("article_id", "n"):
            counts[(article_id, "")]["reopened"] = n
        for article_id, code, n in reopened.filter(ticket__problems__isnull=False).values(
                "article_id", "ticket__problems__code").annotate(n=Count("id")).values_list(
                "article_id", "ticket__problems__code", "n"):
            counts[(article_id, code)]["reopened"] = n
        for article_id, code, n in WizardFix.objects.filter(article_id__in=ids).values(
                "article_id", "problem_code").annotate(n=Count("id")).values_list(
                "article_id", "problem_code", "n"):
            counts[(article_id, "")]["wizard"] += n
            if code:
                counts[(article_id, code)]["wizard"] += n
        for article_id, helpful, n in ArticleFeedback.objects.filter(article_id__in=ids).values(
                "article_id", "helpful").annotate(n=Count("id")).values_list(
                "article_id", "helpful", "n"):
            counts[(article_id, "")]["helpful" if helpful else "unhelpful"] = n

        rows = {(r.article_id, r.problem_code): r
                for r in ArticleEffectiveness.objects.filter(article_id__in=ids)}
        to_create, to_update = [], []
        for key in set(rows) | set(counts):
            c = counts.get(key, Counter())
            row = rows.get(key) or ArticleEffectiveness(article_id=key[0], problem_code=key[1])
            row.tickets_resolved = c["resolved"]
            row.tickets_reopened = c["reopened"]
            row.wizard_fixes = c["wizard"]
            row.helpful_votes = c["helpful"]
            row.unhelpful_votes = c["unhelpful"]
            row.success_rate = _rate(row)
            (to_update if row.pk else to_create).append(row)
        ArticleEffectiveness.objects.bulk_create(to_create, ignore_conflicts=True)
        ArticleEffectiveness.objects.bulk_update(
            to_update, ["tickets_resolved", "tickets_reopened", "wizard_fixes", "helpful_votes",
                        "unhelpful_votes", "success_rate", "updated_at"], batch_size=500)
        article_boosts_set(rates={(row.article_id, row.problem_code): row.success_rate
                                  for row in [*to_create, *to_update]})


def success_rate_from_counts(*, resolved: int, reopened: int, wizard_fixes: int,
                             helpful: int, unhelpful: int) -> float:
    """The smoothed success rate of a fix from what is known of it."""
    # Each close that held, each wizard fix and each "yes" is a success; each
    # reopening (a close that did not hold) and each "no" a failure.
    return smoothed_success_rate(successes=resolved + wizard_fixes + helpful,
                                 failures=reopened + unhelpful)


def _rate(row: ArticleEffectiveness) -> float:
    return success_rate_from_counts(
        resolved=row.tickets_resolved, reopened=row.tickets_reopened,
        wizard_fixes=row.wizard_fixes, helpful=row.helpful_votes,
        unhelpful=row.unhelpful_votes)


def effectiveness_record_wizard_fix(*, article: Article, session_ref: str,
                                    problem_code: str = "") -> bool:
    """The wizard's seam: a session ended with "this fixed it" on ``article``.

    Call once per wizard session; ``session_ref`` (the session's id) makes a
    repeated call harmless. Returns False when it was already recorded.
    """
    if not session_ref:
        raise ApplicationError("A wizard fix needs the session it came from.")
    with transaction.atomic():
        _, created = WizardFix.objects.get_or_create(
            session_ref=session_ref[:100],
            defaults={"article": article, "problem_code": problem_code[:64]})
        if created:
            codes = ["", problem_code[:64]] if problem_code else [""]
            ArticleEffectiveness.objects.bulk_create(
                [ArticleEffectiveness(article=article, problem_code=c) for c in codes],
                ignore_conflicts=True)
            ArticleEffectiveness.objects.filter(article=article, problem_code__in=codes).update(
                wizard_fixes=F("wizard_fixes") + 1, updated_at=timezone.now())
            _success_rates_refresh([article.pk])
    return created
