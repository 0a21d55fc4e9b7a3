"""Content health: articles whose tickets reopen, that readers find unhelpful
or that nobody verified for 180 days are flagged and their owner told.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kb.articles.models import Article
from kb.articles.selectors import stale_cutoff
from kb.core.exceptions import ApplicationError
from kb.learning.models import (
    ArticleEffectiveness,
    ContentFlag,
)

log = logging.getLogger(__name__)

# Content health thresholds.
REOPEN_RATE_LIMIT = 0.25
REOPEN_MIN_COUNT = 2
UNHELPFUL_RATE_LIMIT = 0.5
UNHELPFUL_MIN_VOTES = 5

# Content health --------------------------------------------------------------------
def _health_reasons(article: Article, overall: ArticleEffectiveness | None,
                    cutoff: dt.date) -> dict[str, str]:
    reasons = {}
    if overall is not None:
        closes = overall.tickets_resolved + overall.tickets_reopened
        if overall.tickets_reopened >= REOPEN_MIN_COUNT and closes and \
                overall.tickets_reopened / closes >= REOPEN_RATE_LIMIT:
            reasons[ContentFlag.Reason.REOPENED] = (
                f"{overall.tickets_reopened} of {closes} closes of tickets it resolved "
                f"were reopened.")
        votes = overall.helpful_votes + overall.unhelpful_votes
        if votes >= UNHELPFUL_MIN_VOTES and overall.unhelpful_votes / votes >= \
                UNHELPFUL_RATE_LIMIT:
            reasons[ContentFlag.Reason.UNHELPFUL] = (
                f"{overall.unhelpful_votes} of {votes} readers said it did not help.")
    if article.status == Article.Status.PUBLISHED and (
            article.last_verified is None or article.last_verified < cutoff):
        when = article.last_verified.isoformat() if article.last_verified else "never"
        reasons[ContentFlag.Reason.STALE] = (
            f"Last verified {when}; articles are verified every "
            f"{settings.KB_STALE_AFTER_DAYS} days.")
    return reasons


def content_health_check(*, article_ids: Iterable[int] | None = None) -> int:
    """Flag articles that need review (once per reason), clear flags whose
    reason is gone, and e-mail each new flag to the article's owner.

    ``article_ids`` None checks every published article. Returns the number
    of flags raised.
    """
    qs = Article.objects.all()
    if article_ids is not None:
        ids = set(article_ids)
        if not ids:
            return 0
        qs = qs.filter(pk__in=ids)
    else:
        qs = qs.filter(status=Article.Status.PUBLISHED)
    articles = list(qs.only("pk", "status", "last_verified"))
    overall = {r.article_id: r for r in ArticleEffectiveness.objects.filter(
        article_id__in=[a.pk for a in articles], problem_code="")}
    open_flags: dict[int, dict[str, ContentFlag]] = defaultdict(dict)
    for flag in ContentFlag.objects.filter(article_id__in=[a.pk for a in articles],
                                           resolved_at__isnull=True):
        open_flags[flag.article_id][flag.reason] = flag
    cutoff = stale_cutoff()
    raised = []
    with transaction.atomic():
        for article in articles:
            reasons = _health_reasons(article, overall.get(article.pk), cutoff)
            current = open_flags.get(article.pk, {})
            for reason, detail in reasons.items():
                if reason not in current:
                    raised.append(ContentFlag(article_id=article.pk, reason=reason,
                                              detail=detail[:300]))
            for reason, flag in current.items():
                if reason not in reasons:
                    flag.resolved_at = timezone.now()
                    flag.save(update_fields=["resolved_at"])
        ContentFlag.objects.bulk_create(raised, ignore_conflicts=True)
        from kb.learning.tasks import notify_content_flag_task

        # Each open flag not yet told (the task marks it, so once per flag).
        unnotified = ContentFlag.objects.filter(
            article_id__in={f.article_id for f in raised}, resolved_at__isnull=True,
            notified_at__isnull=True).values_list("pk", flat=True)
        for flag_id in unnotified:
            transaction.on_commit(lambda f=flag_id: notify_content_flag_task.delay(flag_id=f))
    return len(raised)


def content_flag_notify(*, flag_id: int) -> bool:
    """E-mail the article's owner why it was flagged, once per flag."""
    from django.core.mail import send_mail

    with transaction.atomic():
        flag = (ContentFlag.objects.select_for_update(of=("self",))
                .select_related("article__owner")
                .filter(pk=flag_id, notified_at__isnull=True, resolved_at__isnull=True).first())
        if flag is None:
            return False
        owner = flag.article.owner
        flag.notified_at = timezone.now()
        flag.save(update_fields=["notified_at"])
        if owner is None or not owner.email:
            log.warning("content_flag_no_owner flag=%s article=%s", flag.pk, flag.article_id)
            return False
        article = flag.article
        send_mail(
            subject=f"[Streamline KB] Review needed: {article.title}",
            message=(
                f"“{article.title}” ({article.language}) was flagged for review.\n\n"
                f"Reason: {flag.get_reason_display()}\n{flag.detail}\n\n"
                f"Open it: /admin/articles/article/{article.pk}/change/\n"
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[owner.email],
        )
    log.info("content_flag_notified flag=%s owner=%s", flag.pk, owner.pk)
    return True


def content_flag_resolve(*, flag: ContentFlag, actor) -> ContentFlag:
    if flag.resolved_at is not None:
        raise ApplicationError("This flag is already resolved.")
    flag.resolved_at = timezone.now()
    flag.save(update_fields=["resolved_at"])
    return flag
