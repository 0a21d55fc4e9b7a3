import threading
from contextlib import contextmanager

from django.dispatch import receiver

from kb.articles.signals import article_changed, article_written
from kb.search.backends import search_backend

_paused = threading.local()


@contextmanager
def index_updates_paused():
    """For bulk loads followed by a full rebuild: queue no per-article updates."""
    _paused.active = True
    try:
        yield
    finally:
        _paused.active = False


@receiver(article_written)
def index_in_transaction(sender, article_id: int, **kwargs) -> None:
    """A backend in the site's database changes with the article, or not at all."""
    if getattr(_paused, "active", False):
        return
    backend = search_backend()
    if backend.writes_in_transaction:
        backend.index_article(article_id=article_id)


@receiver(article_changed)
def queue_index_update(sender, article_id: int, **kwargs) -> None:
    """A backend with its own files follows after the commit, on the worker."""
    if getattr(_paused, "active", False) or search_backend().writes_in_transaction:
        return
    from kb.search.tasks import index_article_task

    index_article_task.delay(article_id=article_id)
