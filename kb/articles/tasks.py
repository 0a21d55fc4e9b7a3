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


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_edit_review_requested(revision_id: int) -> None:
    from kb.articles.models import ArticleRevision
    from kb.articles.notifications import edit_review_requested_notify

    revision = (
        ArticleRevision.objects.filter(pk=revision_id)
        .select_related("article", "author").first()
    )
    # Published, returned or replaced since it was queued: nothing to review.
    if revision is None or revision.state != ArticleRevision.State.PENDING:
        return
    edit_review_requested_notify(revision=revision)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_article_returned(article_id: int) -> None:
    from kb.articles.models import Article
    from kb.articles.notifications import article_returned_notify

    article = Article.objects.filter(pk=article_id).select_related("owner", "reviewer").first()
    if article is None or article.status != Article.Status.DRAFT:
        return
    article_returned_notify(article=article)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def notify_edit_returned(revision_id: int) -> None:
    from kb.articles.models import ArticleRevision
    from kb.articles.notifications import edit_returned_notify

    revision = (
        ArticleRevision.objects.filter(pk=revision_id)
        .select_related("article", "author", "reviewed_by").first()
    )
    if revision is None or revision.state != ArticleRevision.State.RETURNED:
        return
    edit_returned_notify(revision=revision)
