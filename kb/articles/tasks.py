"""Celery tasks of the knowledge base: take ids, fetch again, call a service."""

import logging

from celery import shared_task
from django.db import OperationalError

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_review_requested(article_id: int) -> None:
    from kb.articles.models import Article
    from kb.articles.notifications import review_requested_notify

    article = Article.objects.filter(pk=article_id).select_related("owner").first()
    if article is None or article.status != Article.Status.IN_REVIEW:
        return
    review_requested_notify(article=article)
