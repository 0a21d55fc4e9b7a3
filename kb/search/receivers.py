import threading
from contextlib import contextmanager

from django.dispatch import receiver

from kb.articles.signals import article_changed

_paused = threading.local()


@contextmanager
def index_updates_paused():
    """For bulk loads followed by a full rebuild: queue no per-article updates."""
    _paused.active = True
    try:
        yield
    finally:
        _paused.active = False


@receiver(article_changed)
def queue_index_update(sender, article_id: int, **kwargs) -> None:
    if getattr(_paused, "active", False):
        return
    from kb.search.tasks import index_article_task

    index_article_task.delay(article_id=article_id)
