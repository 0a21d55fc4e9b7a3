"""Writes to the search index: one article, or a full rebuild.

The index is derived from the database and may be deleted at any time:
``index_rebuild`` recreates it. Both functions are safe to run twice.
"""

import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.db.models import QuerySet
from django.utils import timezone

from kb.articles.models import Article
from kb.search import store
from kb.search.boosts import article_phrases_for
from kb.search.documents import article_document

log = logging.getLogger(__name__)


def _published() -> QuerySet[Article]:
    return Article.objects.filter(status=Article.Status.PUBLISHED).prefetch_related("problems")


def index_article(*, article_id: int) -> str:
    """Bring one article's document in line with the database.

    Returns what was done: "indexed", "removed", or "no-index" when there is
    no index yet (the next rebuild will include the article).
    """
    try:
        ix = store.open_index()
    except store.IndexUnavailable:
        log.warning("index_article_skipped id=%s reason=no-index", article_id)
        return "no-index"
    article = _published().filter(pk=article_id).first()
    with store.writer(ix) as writer:
        if article is None:
            writer.delete_by_term("id", str(article_id))
            action = "removed"
        else:
            learned = article_phrases_for([article.pk]).get(article.pk)
            document = article_document(article, learned=learned)
            # An index built before a field was added takes the others; the
            # next rebuild adds it.
            names = set(ix.schema.names())
            writer.update_document(**{k: v for k, v in document.items() if k in names})
            action = "indexed"
    store.checksums_record(Path(ix.storage.folder))
    log.info("index_article id=%s action=%s", article_id, action)
    return action


def index_rebuild(*, progress: Callable[[int, int], None] | None = None, procs: int = 1) -> int:
    """Build a fresh index from the database and switch to it atomically.

    Searches keep answering from the old index while this runs. Articles
    that change during the build are indexed again after the switch.
    """
    with store.rebuild_lock():
        started = timezone.now()
        t0 = time.monotonic()
        articles = list(_published())
        learned = article_phrases_for([a.pk for a in articles])
        generation = store.new_generation()
        kwargs = {"procs": procs, "multisegment": True} if procs > 1 else {}
        writer = store.writer(generation.index, **kwargs)
        try:
            for done, article in enumerate(articles, start=1):
                writer.add_document(**article_document(article,
                                                       learned=learned.get(article.pk)))
                if progress is not None:
                    progress(done, len(articles))
            # One segment: every query pays for each segment it reads.
            writer.commit(optimize=True)
        except BaseException:
            writer.cancel()
            generation.discard()
            raise
        generation.activate()
    changed = Article.objects.filter(updated_at__gte=started).values_list("pk", flat=True)
    for article_id in changed:
        index_article(article_id=article_id)
    log.info("index_rebuilt articles=%d seconds=%.1f", len(articles), time.monotonic() - t0)
    return len(articles)

