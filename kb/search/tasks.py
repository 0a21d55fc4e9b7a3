"""Index writes run here, on the ``index`` queue.

Run that queue with one worker process (``-Q index --concurrency 1``, or the
single ``--pool=solo`` worker of ``make run``) so there is one writer; Whoosh's
lock, waited for by ``store.writer``, guards against any other.
"""

import logging
from pathlib import Path

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

    return index_rebuild()


@shared_task(acks_late=True)
def index_check_task(source: str, reason: str = "") -> int | None:
    """Rebuild when the index is damaged, missing or half-built; record it."""
    from kb.search.repair import CHECK_LOCK, index_repair

    try:
        repair = index_repair(source=source, reason=reason)
    finally:
        cache.delete(CHECK_LOCK)
    return repair.pk if repair else None


@worker_ready.connect
def _recover_index_at_start(**kwargs) -> None:
    from kb.search.repair import index_recover_at_start

    index_recover_at_start()


@shared_task(acks_late=True)
def optimize_index_task() -> None:
    """Merge segments and drop deleted documents (nightly, from beat).

    Edits leave the old documents behind as deletions that still count in
    term statistics until a merge; left for long they skew ranking.
    """
    from kb.search import store

    try:
        ix = store.open_index()
    except store.IndexUnavailable:
        return
    ix.optimize()
    store.checksums_record(Path(ix.storage.folder))
    log.info("index_optimized")
