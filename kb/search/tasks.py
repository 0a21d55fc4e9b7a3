"""Index writes run here, on the ``index`` queue.

Run that queue with one worker process (``-Q index --concurrency 1``, or the
single ``--pool=solo`` worker of ``make run``) so there is one writer; Whoosh's
lock, waited for by ``store.writer``, guards against any other.
"""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache
from django.db import OperationalError

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True,
             max_retries=5)
def index_article_task(article_id: int) -> str:
    from kb.search.indexing import index_article

    return index_article(article_id=article_id)


@shared_task(acks_late=True)
def rebuild_index_task() -> int:
    from kb.search.indexing import index_rebuild
    from kb.search.services import REBUILD_LOCK

    try:
        return index_rebuild()
    finally:
        cache.delete(REBUILD_LOCK)


@worker_ready.connect
def _rebuild_missing_index_at_start(**kwargs) -> None:
    from kb.search.store import index_health

    healthy, reason = index_health()
    if not healthy:
        log.warning("index_unhealthy_at_worker_start reason=%r: queueing rebuild", reason)
        rebuild_index_task.delay()


@shared_task(acks_late=True)
def optimize_index_task() -> None:
    """Merge segments and drop deleted documents (nightly, from beat).

    Edits leave the old documents behind as deletions that still count in
    term statistics until a merge; left for long they skew ranking.
    """
    from kb.search.store import IndexUnavailable, open_index

    try:
        ix = open_index()
    except IndexUnavailable:
        return
    ix.optimize()
    log.info("index_optimized")
