"""Learning tasks: take ids, fetch again, call the service (all idempotent)."""

from celery import shared_task
from django.db import OperationalError


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def learn_from_ticket_task(ticket_id: int) -> str:
    from kb.learning.services import learn_from_ticket  # avoids an import cycle

    return learn_from_ticket(ticket_id=ticket_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def knowledge_gap_close_task(article_id: int) -> int:
    from kb.learning.services import knowledge_gap_close_for_article

    return knowledge_gap_close_for_article(article_id=article_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def notify_content_flag_task(flag_id: int) -> bool:
    from kb.learning.health import content_flag_notify

    return content_flag_notify(flag_id=flag_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def content_health_task() -> int:
    """Daily: staleness, votes and use change without a ticket closing."""
    from kb.articles.models import Article
    from kb.learning.effectiveness import effectiveness_recompute
    from kb.learning.health import content_health_check
    from kb.learning.usage import article_use_refresh

    ids = list(Article.objects.filter(status=Article.Status.PUBLISHED)
               .values_list("pk", flat=True))
    effectiveness_recompute(article_ids=ids)
    article_use_refresh()
    return content_health_check()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=3)
def search_gaps_task() -> int:
    from kb.learning.gaps import search_gaps_sync

    return search_gaps_sync()
